// `~regex` host patterns are Python regular expressions (Ansible compiles them with `re` and
// applies them with re.match). This translates Python's dialect to an equivalent JavaScript
// RegExp, and refuses (PyRegexError) what JavaScript cannot express or Python itself rejects,
// so a pattern never selects different hosts than Ansible would.
//
// Translated: leading global flags `(?aimsux)` (x: whitespace and # comments dropped),
// `(?P<name>...)`, `(?P=name)`, `(?#comment)`, `\A`, `\Z`, `\a`, `\U........`, octal escapes,
// `{,n}`, a `]` first in a class, literal `{`/`}`/`]`; `\w \W \d \D \b \B` keep Python's Unicode
// meaning (ASCII with the `a` flag). Refused: scoped flags `(?i:...)`, atomic groups `(?>...)`,
// possessive quantifiers, conditionals `(?(1)...)`, `\N{...}`, the L flag, flags not at the start.

export class PyRegexError extends Error {}

const WORD = '\\p{L}\\p{N}_';
const ASCII_WORD = 'A-Za-z0-9_';
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/-']);

interface Flags {
  ascii: boolean;
  verbose: boolean;
  js: string;
}

function leadingFlags(src: string): { flags: Flags; rest: string } {
  const flags: Flags = { ascii: false, verbose: false, js: '' };
  let rest = src;
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(rest); m; m = /^\(\?([a-zA-Z]+)\)/.exec(rest)) {
    for (const f of m[1]!) {
      if (f === 'i' || f === 'm' || f === 's') {
        if (!flags.js.includes(f)) flags.js += f;
      } else if (f === 'a') flags.ascii = true;
      else if (f === 'x') flags.verbose = true;
      else if (f === 'u') continue;
      else if (f === 'L') throw new PyRegexError('the L (locale) flag is not valid for a text pattern (Python refuses it too)');
      else throw new PyRegexError(`unknown flag "${f}" in "(?${m[1]})"`);
    }
    rest = rest.slice(m[0].length);
  }
  if (flags.ascii && flags.js.includes('i')) {
    // Python folds case in ASCII only then; JavaScript's `iu` folds ſ to s and K (Kelvin) to k.
    throw new PyRegexError('(?a) with (?i) (ASCII-only case folding) has no JavaScript equivalent; drop the a flag');
  }
  return { flags, rest };
}

function literal(ch: string, inClass: boolean): string {
  if (SYNTAX.has(ch)) return inClass || ch !== '-' ? `\\${ch}` : ch;
  return ch;
}

class Translator {
  private i = 0;
  private out = '';
  private readonly chars: string[];

  constructor(src: string, private readonly flags: Flags) {
    this.chars = Array.from(src);
  }

  private word(negated: boolean): string {
    const set = this.flags.ascii ? ASCII_WORD : WORD;
    return negated ? `[^${set}]` : `[${set}]`;
  }

  private digit(negated: boolean): string {
    if (this.flags.ascii) return negated ? '[^0-9]' : '[0-9]';
    return negated ? '\\P{Nd}' : '\\p{Nd}';
  }

  private boundary(negated: boolean): string {
    const w = this.word(false);
    return negated ? `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))` : `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
  }

  private hex(len: number, what: string): string {
    const h = this.chars.slice(this.i, this.i + len).join('');
    if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) throw new PyRegexError(`incomplete escape \\${what}${h}`);
    this.i += len;
    const cp = parseInt(h, 16);
    if (cp > 0x10ffff) throw new PyRegexError(`bad escape \\${what}${h}`);
    return `\\u{${cp.toString(16)}}`;
  }

  /** The escape after a backslash (this.i is on the character after it). */
  private escape(inClass: boolean): string {
    const c = this.chars[this.i++];
    if (c === undefined) throw new PyRegexError('bad escape (end of pattern)');
    switch (c) {
      case 'A':
      case 'Z':
        if (inClass) throw new PyRegexError(`bad escape \\${c} in a character class`);
        return c === 'A' ? '(?<![\\s\\S])' : '(?![\\s\\S])';
      case 'b':
        return inClass ? '\\x08' : this.boundary(false);
      case 'B':
        if (inClass) throw new PyRegexError('bad escape \\B in a character class');
        return this.boundary(true);
      case 'w':
        return inClass ? (this.flags.ascii ? ASCII_WORD : WORD) : this.word(false);
      case 'W':
        return this.word(true); // inside a class, charClass() handles it
      case 'd':
        return inClass && this.flags.ascii ? '0-9' : inClass ? '\\p{Nd}' : this.digit(false);
      case 'D':
        return inClass ? '\\P{Nd}' : this.digit(true);
      case 's':
      case 'S':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
        return `\\${c}`;
      case 'a':
        return '\\x07';
      case 'x':
        return this.hex(2, 'x');
      case 'u':
        return this.hex(4, 'u');
      case 'U':
        return this.hex(8, 'U');
      case 'N':
        throw new PyRegexError('\\N{NAME} escapes are not supported; write the character itself');
      default:
        break;
    }
    // Octal escapes and group references, as Python's sre_parse reads them.
    const next = (): string | undefined => this.chars[this.i];
    if (inClass && /[0-7]/.test(c)) {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(next() ?? '')) digits += this.chars[this.i++];
      return `\\u{${parseInt(digits, 8).toString(16)}}`;
    }
    if (c === '0') {
      let digits = '';
      while (digits.length < 2 && /[0-7]/.test(next() ?? '')) digits += this.chars[this.i++];
      return `\\u{${parseInt(digits || '0', 8).toString(16)}}`;
    }
    if (/[1-9]/.test(c)) {
      if (inClass) throw new PyRegexError(`bad escape \\${c} in a character class`);
      let digits = c;
      if (/[0-9]/.test(next() ?? '')) {
        digits += this.chars[this.i++];
        if (/^[0-7]{2}$/.test(digits) && /[0-7]/.test(next() ?? '')) {
          digits += this.chars[this.i++];
          const code = parseInt(digits, 8);
          if (code > 0o377) throw new PyRegexError(`octal escape value \\${digits} outside of range 0-0o377`);
          return `\\u{${code.toString(16)}}`;
        }
      }
      return `\\${digits}`;
    }
    if (/[A-Za-z0-9]/.test(c)) throw new PyRegexError(`bad escape \\${c}`);
    return literal(c, inClass);
  }

  private charClass(): void {
    // this.i is just after '['
    let negated = false;
    if (this.chars[this.i] === '^') {
      negated = true;
      this.i++;
    }
    let body = '';
    let nonWord = false; // \W inside the class: a complement, rebuilt around the class below
    let first = true;
    for (;;) {
      const c = this.chars[this.i++];
      if (c === undefined) throw new PyRegexError('unterminated character set');
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\' && this.chars[this.i] === 'W') {
        nonWord = true;
        this.i++;
      } else if (c === '\\') body += this.escape(true);
      else if (c === '-') body += '-';
      else body += literal(c, true);
    }
    if (!nonWord) this.out += `[${negated ? '^' : ''}${body}]`;
    // [x\W] is "x or a non-word character"; [^x\W] is "a word character other than x" (one
    // atom either way, so a quantifier after it applies to the whole).
    else if (negated) this.out += body ? `(?:(?![${body}])${this.word(false)})` : this.word(false);
    else this.out += body ? `(?:[${body}]|${this.word(true)})` : this.word(true);
  }

  private group(): void {
    // this.i is just after '('
    if (this.chars[this.i] !== '?') {
      this.out += '(';
      return;
    }
    const rest = this.chars.slice(this.i, this.i + 40).join('');
    let m: RegExpExecArray | null;
    if ((m = /^\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest))) {
      this.out += `(?<${m[1]}>`;
      this.i += m[0].length;
    } else if ((m = /^\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
      this.out += `\\k<${m[1]}>`;
      this.i += m[0].length;
    } else if (rest.startsWith('?#')) {
      const end = this.chars.indexOf(')', this.i);
      if (end < 0) throw new PyRegexError('missing ), unterminated comment');
      this.i = end + 1;
    } else if (/^\?(?::|=|!|<=|<!)/.test(rest)) {
      const len = rest.startsWith('?<') ? 3 : 2;
      this.out += '(' + rest.slice(0, len);
      this.i += len;
    } else if (rest.startsWith('?>')) {
      throw new PyRegexError('atomic groups (?>...) have no JavaScript equivalent');
    } else if (rest.startsWith('?(')) {
      throw new PyRegexError('conditional groups (?(id)yes|no) have no JavaScript equivalent');
    } else if (/^\?[-aiLmsux]+:/.test(rest)) {
      throw new PyRegexError('scoped flags (?i:...) have no JavaScript equivalent in Node 20; put the flag at the start, e.g. (?i)');
    } else if (/^\?[aiLmsux]+\)/.test(rest)) {
      throw new PyRegexError('global flags not at the start of the expression (Python refuses them too)');
    } else {
      throw new PyRegexError(`unknown extension (${rest.slice(0, 3)}`);
    }
  }

  private quantifierBrace(): boolean {
    // this.i is on '{'
    const rest = this.chars.slice(this.i, this.i + 30).join('');
    // Python: {m}, {m,}, {,n}, {m,n} and {,} are quantifiers (a missing minimum is 0); any
    // other brace, {} included, is a literal.
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(rest);
    if (!m || (m[2] === '' && m[1] === '')) return false;
    this.out += m[2] === '' ? `{${m[1]}}` : `{${m[1] || '0'},${m[3]}}`;
    this.i += m[0].length;
    return true;
  }

  translate(): string {
    while (this.i < this.chars.length) {
      const c = this.chars[this.i++]!;
      if (this.flags.verbose && ' \t\n\r\v\f'.includes(c)) continue; // sre_parse's WHITESPACE, not Unicode spaces
      if (this.flags.verbose && c === '#') {
        while (this.i < this.chars.length && this.chars[this.i] !== '\n') this.i++;
        continue;
      }
      let quantified = false;
      if (c === '\\') this.out += this.escape(false);
      else if (c === '[') this.charClass();
      else if (c === '(') this.group();
      else if (c === '{') {
        this.i--;
        if (this.quantifierBrace()) quantified = true;
        else {
          this.i++;
          this.out += '\\{';
        }
      } else if (c === '}' || c === ']') this.out += `\\${c}`;
      else if (c === '*' || c === '+' || c === '?') {
        this.out += c;
        quantified = true;
      } else if (c === '/') this.out += '\\/';
      else this.out += c; // . ^ $ | ) and ordinary characters
      if (quantified) {
        if (this.chars[this.i] === '+') throw new PyRegexError('possessive quantifiers (*+, ++, ?+, {m,n}+) have no JavaScript equivalent');
        if (this.chars[this.i] === '?') {
          this.out += '?';
          this.i++;
        }
      }
    }
    return this.out;
  }
}

/**
 * Compiles a Python regular expression as Ansible applies it (re.match: anchored at the start
 * only). Throws PyRegexError when it cannot be reproduced exactly or Python would reject it.
 */
export function compilePythonRegex(source: string): RegExp {
  const { flags, rest } = leadingFlags(source);
  const body = new Translator(rest, flags).translate();
  try {
    // Anchored at the very start even under the m flag, where ^ would also match after a newline.
    return new RegExp(`(?<![\\s\\S])(?:${body})`, `${flags.js}u`);
  } catch (e) {
    throw new PyRegexError((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

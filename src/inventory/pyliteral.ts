// Python literals (ast.literal_eval), as Ansible's INI plugin reads values: `22` is a number,
// `True` a boolean, `'22'` a string, `[1, 2]` a list; anything that is not a literal stays the
// string it was. Tuples and sets become arrays; None becomes null.

class NotLiteral extends Error {}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' };

class PyLiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): unknown {
    const v = this.value();
    this.ws();
    if (this.s[this.i] === '#') this.i = this.s.length;
    if (this.i !== this.s.length) throw new NotLiteral();
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) throw new NotLiteral();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.tuple();
    if (c === '{') return this.braces();
    if (/[0-9.+-]/.test(c)) return this.number();
    const prefixed = /^([rRbBuU]|[rR][bB]|[bB][rR])?(['"])/.exec(this.s.slice(this.i, this.i + 3));
    if (prefixed) return this.strings();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
    }
    throw new NotLiteral();
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) throw new NotLiteral();
    this.i++;
  }

  private peek(): string | undefined {
    this.ws();
    return this.s[this.i];
  }

  private sequence(open: string, close: string): unknown[] {
    this.expect(open);
    const out: unknown[] = [];
    while (this.peek() !== close) {
      out.push(this.value());
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== close) throw new NotLiteral();
    }
    this.i++;
    return out;
  }

  private tuple(): unknown {
    this.expect('(');
    if (this.peek() === ')') {
      this.i++;
      return [];
    }
    const firstValue = this.value();
    if (this.peek() === ')') {
      this.i++;
      return firstValue; // parenthesised expression, not a tuple
    }
    const out = [firstValue];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === ')') break;
      out.push(this.value());
    }
    this.expect(')');
    return out;
  }

  private braces(): unknown {
    this.expect('{');
    if (this.peek() === '}') {
      this.i++;
      return {};
    }
    const k = this.value();
    if (this.peek() === ':') {
      const obj: Record<string, unknown> = {};
      this.i++;
      obj[pyKey(k)] = this.value();
      while (this.peek() === ',') {
        this.i++;
        if (this.peek() === '}') break;
        const key = this.value();
        this.expect(':');
        obj[pyKey(key)] = this.value();
      }
      this.expect('}');
      return obj;
    }
    const set = [k];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === '}') break;
      set.push(this.value());
    }
    this.expect('}');
    return set;
  }

  private number(): number {
    let sign = 1;
    if (this.s[this.i] === '-' || this.s[this.i] === '+') {
      if (this.s[this.i] === '-') sign = -1;
      this.i++;
      this.ws();
    }
    const rest = this.s.slice(this.i);
    const based = /^0([xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|[oO][0-7](?:_?[0-7])*|[bB][01](?:_?[01])*)/.exec(rest);
    let text: string;
    let value: number;
    if (based) {
      text = based[0];
      const digits = text.slice(2).replace(/_/g, '');
      const radix = /[xX]/.test(text[1]!) ? 16 : /[oO]/.test(text[1]!) ? 8 : 2;
      value = parseInt(digits, radix);
    } else {
      const m = /^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
      text = m ? m[0] : '';
      if (!/\d/.test(text.replace(/[eE].*$/, ''))) throw new NotLiteral();
      const isInt = /^[\d_]+$/.test(text);
      if (isInt && /^0/.test(text) && !/^[0_]+$/.test(text)) throw new NotLiteral(); // 010 is a SyntaxError
      value = Number(text.replace(/_/g, ''));
      if (isInt && !Number.isSafeInteger(value)) throw new NotLiteral(); // keep big integers exact, as strings
    }
    this.i += text.length;
    if (/[A-Za-z0-9_]/.test(this.s[this.i] ?? '')) throw new NotLiteral(); // 1j, 1abc
    return sign * value;
  }

  private strings(): string {
    let out = '';
    let any = false;
    for (;;) {
      this.ws();
      const m = /^([rRbBuU]|[rR][bB]|[bB][rR])?('''|"""|'|")/.exec(this.s.slice(this.i));
      if (!m) break;
      any = true;
      const raw = /[rR]/.test(m[1] ?? '');
      const quote = m[2]!;
      this.i += m[0].length;
      for (;;) {
        if (this.i >= this.s.length) throw new NotLiteral();
        if (this.s.startsWith(quote, this.i)) {
          this.i += quote.length;
          break;
        }
        const ch = this.s[this.i]!;
        if (ch === '\\') {
          const next = this.s[this.i + 1];
          if (next === undefined) throw new NotLiteral();
          if (raw) {
            out += ch + next;
            this.i += 2;
          } else {
            this.i += 2;
            out += this.escape(next);
          }
        } else {
          out += ch;
          this.i++;
        }
      }
    }
    if (!any) throw new NotLiteral();
    return out;
  }

  private escape(next: string): string {
    const simple = ESCAPES[next];
    if (simple !== undefined) return simple;
    const hex = (len: number): string => {
      const h = this.s.slice(this.i, this.i + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) throw new NotLiteral();
      this.i += len;
      return String.fromCodePoint(parseInt(h, 16));
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    if (/[0-7]/.test(next)) {
      let oct = next;
      while (oct.length < 3 && /[0-7]/.test(this.s[this.i] ?? '')) oct += this.s[this.i++];
      return String.fromCodePoint(parseInt(oct, 8));
    }
    return '\\' + next; // unknown escapes are kept, as Python does
  }
}

function pyKey(k: unknown): string {
  if (k === true) return 'True';
  if (k === false) return 'False';
  if (k === null) return 'None';
  if (typeof k === 'string' || typeof k === 'number') return String(k);
  throw new NotLiteral();
}

/** Reads a value like Ansible's INI plugin (ast.literal_eval, falling back to the string itself). */
export function parsePythonLiteral(text: string): unknown {
  try {
    return new PyLiteralParser(text.replace(/^[ \t]+/, '')).parseAll();
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

// The small part of Jinja that inventories use for connection settings, evaluated the way
// Ansible's templar would: `{{ var }}` naming another inventory variable, `| default(...)`
// (alias `d`, with the optional boolean second argument), `lookup('env', 'NAME')`, string and
// number literals, and literal text around the expressions. Everything else (filters, tests,
// attribute access, hostvars[...], `{% %}` blocks, arithmetic) is refused: kremedy must never
// connect with a value it cannot compute, and must never send template text as a value.

/** Why a template cannot be evaluated; the caller adds file, line and key. */
export class TemplateError extends Error {}

/** A value from a vault-encrypted `!vault` scalar: readable only with the vault password, which kremedy never has. */
export class VaultValue {
  constructor(readonly file: string, readonly line: number | undefined) {}
  toString(): string {
    return '<vault-encrypted value>';
  }
}

/** Looks a variable up: its value (itself possibly a template) or undefined when it is not defined. */
export type Lookup = (name: string) => { defined: boolean; value?: unknown };

export interface TemplateContext {
  lookup: Lookup;
  env: NodeJS.ProcessEnv;
}

export const isTemplate = (v: unknown): v is string => typeof v === 'string' && /\{\{|\{%|\{#/.test(v);

const UNDEFINED = Symbol('undefined');
type Value = unknown | typeof UNDEFINED;

/** Python's str() of a value, as Jinja renders it into text. */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'object') throw new TemplateError('a list or mapping cannot be used as text');
  return String(v);
}

/**
 * Evaluates `text`. A text that is one `{{ … }}` and nothing else keeps the value's type (a
 * number stays a number), as Ansible's templar does for a single expression; otherwise the
 * parts are joined as text.
 */
export function evaluateTemplate(text: string, ctx: TemplateContext): unknown {
  if (/\{%|\{#/.test(text)) throw new TemplateError('Jinja statements ({% … %}) and comments ({# … #}) are not supported');
  const parts: unknown[] = [];
  let rest = text;
  let single = true;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) break;
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('"{{" without a matching "}}"');
    if (open > 0) {
      parts.push(rest.slice(0, open));
      single = false;
    }
    const v = new Parser(rest.slice(open + 2, close), ctx).parseAll();
    if (v === UNDEFINED) throw new TemplateError('the variable is undefined');
    parts.push(v);
    rest = rest.slice(close + 2);
  }
  if (rest !== '') {
    parts.push(rest);
    single = false;
  }
  if (single && parts.length === 1) return parts[0];
  return parts.map((p) => (typeof p === 'string' ? p : pyStr(p))).join('');
}

type Token = { t: 'name' | 'str' | 'num' | 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          if (n === undefined) break;
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new TemplateError('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    if ('|(),'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    throw new TemplateError(`"${src.trim()}" is not supported (at ${JSON.stringify(c)}; only variables, | default(…) and lookup('env', …) are)`);
  }
  return out;
}

class Parser {
  private readonly toks: Token[];
  private pos = 0;
  constructor(private readonly src: string, private readonly ctx: TemplateContext) {
    this.toks = tokenize(src);
  }

  parseAll(): Value {
    if (this.toks.length === 0) throw new TemplateError('an empty expression');
    const v = this.expr();
    if (this.pos < this.toks.length) this.unsupported();
    return v;
  }

  private unsupported(): never {
    throw new TemplateError(`"${this.src.trim()}" is not supported (only variables, | default(…) and lookup('env', …) are)`);
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  private eat(t: Token['t'], v?: string): Token {
    const k = this.toks[this.pos];
    if (!k || k.t !== t || (v !== undefined && k.v !== v)) this.unsupported();
    this.pos++;
    return k;
  }

  private expr(): Value {
    let v = this.primary();
    while (this.peek()?.t === 'op' && this.peek()!.v === '|') {
      this.pos++;
      const filter = this.eat('name').v;
      if (filter !== 'default' && filter !== 'd') throw new TemplateError(`the filter "${filter}" is not supported (only default is)`);
      const args = this.args();
      if (args.length < 1 || args.length > 2) this.unsupported();
      const [fallback, ifFalsy] = args;
      const useFallback = v === UNDEFINED || (ifFalsy === true && (v === '' || v === false || v === 0 || v === null));
      if (ifFalsy !== undefined && typeof ifFalsy !== 'boolean') this.unsupported();
      if (useFallback) {
        if (fallback === UNDEFINED) throw new TemplateError('the default value is itself undefined');
        v = fallback;
      }
    }
    return v;
  }

  private args(): Value[] {
    this.eat('op', '(');
    const out: Value[] = [];
    if (this.peek()?.t === 'op' && this.peek()!.v === ')') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.expr());
      const k = this.eat('op');
      if (k.v === ')') return out;
      if (k.v !== ',') this.unsupported();
    }
  }

  private primary(): Value {
    const k = this.peek();
    if (!k) this.unsupported();
    this.pos++;
    if (k.t === 'str') return k.v;
    if (k.t === 'num') return Number(k.v);
    if (k.t !== 'name') this.unsupported();
    if (k.v === 'true' || k.v === 'True') return true;
    if (k.v === 'false' || k.v === 'False') return false;
    if (k.v === 'none' || k.v === 'None') return null;
    if (k.v === 'lookup' || k.v === 'query' || k.v === 'q') {
      const args = this.args();
      if (k.v !== 'lookup' || args[0] !== 'env' || args.length !== 2 || typeof args[1] !== 'string') {
        throw new TemplateError(`only lookup('env', 'NAME') is supported, not "${this.src.trim()}"`);
      }
      // Ansible's env lookup gives '' for an unset variable (so | default(…) does not apply).
      return this.ctx.env[args[1]] ?? '';
    }
    const next = this.peek();
    if (next && next.t === 'op' && next.v === '(') throw new TemplateError(`the function "${k.v}" is not supported`);
    if (k.v === 'hostvars' || k.v === 'groups' || k.v === 'vars') throw new TemplateError(`"${k.v}" is not supported`);
    const found = this.ctx.lookup(k.v);
    return found.defined ? found.value : UNDEFINED;
  }
}

// Ansible INI inventories, following ansible/plugins/inventory/ini.py: `[group]`,
// `[group:children]`, `[group:vars]`, hosts before the first section in `ungrouped`, host lines
// split like shlex (quotes, `#` comments), values read as Python literals, host ranges.

import { splitShellWords } from '../util/shell-words.js';
import type { Inventory } from './types.js';
import { InventoryBuilder } from './builder.js';
import { groupNameProblem, parseHostEntry, type Fail, type Loc } from './entries.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const CHILD = /^([^:\]\s]+)\s*(?:[#;].*)?$/;

type State = 'hosts' | 'children' | 'vars';

interface Pending {
  state: 'children' | 'vars';
  loc: Loc;
  parents: { name: string; loc: Loc }[];
}

/** Parses an Ansible INI inventory. `file` is used in messages. */
export function parseIniInventory(text: string, file: string): Inventory {
  const b = new InventoryBuilder(file);
  b.reading(file);
  readIniInventory(text, b);
  return b.finish();
}

/** Reads an INI inventory (the builder's current file) into `b`. */
export function readIniInventory(text: string, b: InventoryBuilder): void {
  let group = 'ungrouped';
  let state: State = 'hosts';
  // Groups used in [x:children] or [x:vars] before being declared; an error if never declared.
  const pending = new Map<string, Pending>();

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const loc: Loc = { line: index + 1 };
    const fail: Fail = b.failAt(loc);
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;

    const section = SECTION.exec(line);
    if (section) {
      const name = section[1]!;
      const type = section[2] ?? 'hosts';
      if (type !== 'hosts' && type !== 'children' && type !== 'vars') {
        fail(`section [${name}:${type}] has unknown type "${type}" (expected [${name}], [${name}:children] or [${name}:vars])`);
      }
      const why = groupNameProblem(name);
      if (why) fail(why);
      if (!b.hasGroup(name)) {
        // [name] and [name:children] declare a group; [name:vars] alone does not.
        if (type === 'vars' && !pending.has(name)) pending.set(name, { state: 'vars', loc, parents: [] });
        b.addGroup(name, loc);
      }
      const waiting = pending.get(name);
      if (waiting && type !== 'vars') {
        for (const p of waiting.parents) b.addChild(p.name, name, p.loc);
        pending.delete(name);
      }
      group = name;
      state = type;
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`invalid section header ${JSON.stringify(line)}: it must be [name], [name:children] or [name:vars], with no spaces or other invalid characters`);
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (e) {
        return fail(`cannot parse host definition ${JSON.stringify(line)}: ${(e as Error).message}`);
      }
      const [spec, ...assignments] = tokens;
      if (spec === undefined) return;
      const { names, port } = parseHostEntry(spec, fail, (d) => b.warn(loc, d));
      const vars: [string, unknown][] = [];
      for (const t of assignments) {
        const eq = t.indexOf('=');
        if (eq < 0) fail(`expected key=value host variable assignment, got: ${t}`);
        vars.push([t.slice(0, eq), parsePythonLiteral(t.slice(eq + 1))]);
      }
      for (const name of names) {
        b.addHost(name, group, loc, port);
        for (const [k, v] of vars) b.setHostVar(name, k, v, loc, `host ${name}: ${k}`);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`expected key=value in [${group}:vars], got: ${line}`);
      const key = line.slice(0, eq).trim();
      if (key === '') fail(`missing variable name in [${group}:vars]: ${line}`);
      b.setGroupVar(group, key, parsePythonLiteral(line.slice(eq + 1).trim()), loc, `[${group}:vars] ${key}`);
    } else {
      const m = CHILD.exec(line);
      if (!m) fail(`expected a group name in [${group}:children], got: ${line}`);
      const child = m[1]!;
      const why = groupNameProblem(child);
      if (why) fail(why);
      if (b.hasGroup(child)) {
        b.addChild(group, child, loc);
      } else {
        const p = pending.get(child);
        if (p) p.parents.push({ name: group, loc });
        else pending.set(child, { state: 'children', loc, parents: [{ name: group, loc }] });
      }
    }
  });

  if (!lines.some((raw) => !/^\s*(?:[#;].*)?$/.test(raw))) {
    // Ansible loads an empty or all-comment file as an inventory without hosts.
    b.warn({}, 'the inventory is empty (nothing but comments): it defines no hosts');
  }
  for (const [name, p] of pending) {
    if (p.state === 'vars') b.fail(p.loc, `section [${name}:vars] is not valid for undefined group "${name}"`);
    b.fail(p.loc, `section [${p.parents[0]!.name}:children] includes undefined group "${name}"`);
  }
}

/** Splits a line like Python's shlex.split(line, comments=True) (POSIX mode). */
export function shlexSplit(s: string): string[] {
  return splitShellWords(s, { comments: true });
}

// ---------------------------------------------------------------------------------------------
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

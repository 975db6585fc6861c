// Ansible INI inventories, following ansible/plugins/inventory/ini.py: `[group]`,
// `[group:children]`, `[group:vars]`, hosts before the first section in `ungrouped`, host lines
// split like shlex (quotes, `#` comments), values read as Python literals, host ranges.

import { splitShellWords } from '../util/shell-words.js';
import type { Inventory } from './types.js';
import { InventoryBuilder } from './builder.js';
import { parsePythonLiteral } from './pyliteral.js';
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

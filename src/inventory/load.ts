// Ansible YAML inventories, plus the builder both inventory parsers (this one and ini.ts) feed:
// it owns the Ansible semantics (implicit `all`/`ungrouped`, group depth, variable precedence,
// connection variables) and the validation of everything that later reaches logs and SSH.

import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { FileInputError } from '../errors.js';
import type { Group, Host, Inventory } from './types.js';

/** A place in an inventory file; either part may be unknown. */
export interface Loc {
  line?: number | undefined;
  column?: number | undefined;
}

/** Throws a FileInputError for the given detail; parsers hand one of these to the shared helpers. */
export type Fail = (detail: string) => never;

// ---------------------------------------------------------------------------------------------
// Names

// Host and group names end up in logs, in SSH command lines and in shell snippets: anything a
// shell or a pattern would interpret is refused outright rather than quoted.
const FORBIDDEN_CHAR = /[\s'"$`;|&<>()\\,\p{Cc}]/u;
const FORBIDDEN_LEADING = /^[-!&~@]/;

function describeChar(c: string): string {
  if (c === '\n') return 'a newline';
  if (c === '\r') return 'a carriage return';
  if (c === '\t') return 'a tab';
  if (/\s/u.test(c)) return 'whitespace';
  if (/\p{Cc}/u.test(c)) return `control character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(c);
}

function nameProblem(name: string, extraForbidden?: RegExp): string | undefined {
  if (name === '') return 'it is empty';
  const bad = FORBIDDEN_CHAR.exec(name) ?? extraForbidden?.exec(name);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  if (FORBIDDEN_LEADING.test(name)) return `it starts with ${JSON.stringify(name[0])}`;
  return undefined;
}

/** Why a host name is refused, or undefined when it is acceptable. */
export function hostNameProblem(name: string): string | undefined {
  const why = nameProblem(name);
  return why && `host name ${JSON.stringify(name)} is not allowed: ${why} (names must not contain whitespace, quotes, $, \`, ;, |, &, <, >, (, ), \\, commas or control characters)`;
}

/** Why a group name is refused, or undefined when it is acceptable. */
export function groupNameProblem(name: string): string | undefined {
  const why = nameProblem(name, /:/);
  return why && `group name ${JSON.stringify(name)} is not allowed: ${why} (names must not contain whitespace, quotes, $, \`, ;, |, &, <, >, (, ), \\, commas, colons or control characters)`;
}

// ---------------------------------------------------------------------------------------------
// Host patterns in inventories: `name`, `name:port`, `[v6addr]:port`, ranges `node[01:20]`,
// `node[a:c]`, `node[0:10:2]` (Ansible's expand_hostname_range).

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MAX_EXPANDED_HOSTS = 100_000;

function expandRanges(pattern: string, fail: Fail, warn: (detail: string) => void): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) fail(`invalid host range in "${pattern}": "[" without a matching "]"`);
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tails = expandRanges(pattern.slice(close + 1), fail, warn);
  const bounds = body.split(':');
  if (bounds.length < 2 || bounds.length > 3) {
    fail(`invalid host range "[${body}]" in "${pattern}": a host range must be [begin:end] or [begin:end:step]`);
  }
  let [beg = '', end = '', stepText = '1'] = bounds;
  if (beg === '') beg = '0';
  if (end === '') fail(`invalid host range "[${body}]" in "${pattern}": a host range must specify an end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
    fail(`invalid host range "[${body}]" in "${pattern}": the step must be a positive integer`);
  }
  const step = Number(stepText);
  const seq: string[] = [];
  if (/^[a-zA-Z]$/.test(beg) && /^[a-zA-Z]$/.test(end)) {
    const b = LETTERS.indexOf(beg);
    const e = LETTERS.indexOf(end);
    if (b > e) fail(`invalid host range "[${body}]" in "${pattern}": begin must be <= end`);
    for (let i = b; i <= e; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
      fail(`invalid host range "[${body}]" in "${pattern}": begin and end must both be numbers or both be single letters`);
    }
    let width = 0;
    if (beg.length > 1 && beg.startsWith('0')) {
      width = beg.length;
      if (end.length !== width) {
        fail(`invalid host range "[${body}]" in "${pattern}": zero-padded begin and end must have the same length`);
      }
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) {
      // Ansible's range() of a reversed numeric range is empty: the line adds no host.
      warn(`host range "[${body}]" in "${pattern}" is reversed and expands to no host (as in Ansible); write [${end}:${beg}]`);
      return [];
    }
    if ((e - b) / step + 1 > MAX_EXPANDED_HOSTS) fail(`host range "[${body}]" in "${pattern}" expands to too many hosts`);
    for (let i = b; i <= e; i += step) seq.push(String(i).padStart(width, '0'));
  }
  if (seq.length * tails.length > MAX_EXPANDED_HOSTS) fail(`host range in "${pattern}" expands to too many hosts`);
  const out: string[] = [];
  for (const s of seq) for (const t of tails) out.push(head + s + t);
  return out;
}

/**
 * Parses a host entry as written in an inventory (`node1`, `node1:2222`, `[2001:db8::1]:2222`,
 * `node[01:03]`) into validated host names and an optional port.
 */
export function parseHostEntry(spec: string, fail: Fail, warn: (detail: string) => void = () => {}): { names: string[]; port?: number } {
  if (spec.endsWith(':')) fail(`invalid host "${spec}": ending in ":" is not allowed (write IPv6 addresses with a port as [address]:port)`);
  let base = spec;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(spec);
  if (bracketed && isIP(bracketed[1]!) === 6) {
    base = bracketed[1]!;
    portText = bracketed[2];
  } else if (isIP(spec) === 0) {
    const withPort = /^(.+):(\d+)$/.exec(spec);
    if (withPort && !withPort[1]!.replace(/\[[^\]]*\]/g, '').includes(':')) {
      base = withPort[1]!;
      portText = withPort[2];
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`invalid port in host "${spec}": expected an integer 1-65535`);
  }
  const names = isIP(base) ? [base] : expandRanges(base, fail, warn);
  for (const n of names) {
    const why = hostNameProblem(n);
    if (why) fail(why);
  }
  return port === undefined ? { names } : { names, port };
}

// ---------------------------------------------------------------------------------------------
// Connection variables

// Each list is in precedence order, the first set one wins. When a host has both a legacy
// `ansible_ssh_*` variable and its modern name, Ansible's ssh connection uses the legacy one:
// its option `vars` lists name ansible_host before ansible_ssh_host (and so on), and the later
// entry wins (ConfigManager._loop_entries); play_context's MAGIC_VARIABLE_MAPPING agrees. The
// sudo become plugin likewise ranks ansible_sudo_pass over ansible_become_pass over
// ansible_become_password. (ansible-core 2.14: plugins/connection/ssh.py, plugins/become/sudo.py)
const PORT_VARS = ['ansible_ssh_port', 'ansible_port'];
const HOST_VARS = ['ansible_ssh_host', 'ansible_host'];
const USER_VARS = ['ansible_ssh_user', 'ansible_user'];
const KEY_VARS = ['ansible_ssh_private_key_file', 'ansible_private_key_file'];
const PASSWORD_VARS = ['ansible_ssh_password', 'ansible_ssh_pass', 'ansible_password'];
const BECOME_PASSWORD_VARS = ['ansible_sudo_pass', 'ansible_become_pass', 'ansible_become_password'];
const BECOME_VARS = ['ansible_become'];
const USER_RE = /^[a-z_][a-z0-9_.-]*\$?$/i;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Parses a bool-ish value (Ansible's boolean filter); undefined when it is not one. */
export function parseBoolish(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'y', 'on', '1', 't'].includes(s)) return true;
    if (['false', 'no', 'n', 'off', '0', 'f', ''].includes(s)) return false;
  }
  return undefined;
}

function parsePort(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined;
  if (typeof v === 'string' && /^\s*\d{1,5}\s*$/.test(v)) return parsePort(Number(v));
  return undefined;
}

function addressProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return `expected a host name or IP address, got ${show(v)}`;
  if (v.includes('{{') || v.includes('{%')) return `expected a host name or IP address, got ${show(v)} (Jinja templates are not supported)`;
  if (isIP(v)) return undefined;
  if (HOSTNAME_RE.test(v)) return undefined;
  return `expected a host name or IP address, got ${show(v)}`;
}

/** Checks a connection variable's value; returns what is wrong with it, or undefined. Unset (null) is fine. */
export function connectionVarProblem(key: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (PORT_VARS.includes(key)) return parsePort(value) === undefined ? `expected an integer 1-65535, got ${show(value)}` : undefined;
  if (HOST_VARS.includes(key)) return addressProblem(value);
  if (USER_VARS.includes(key)) {
    return typeof value === 'string' && USER_RE.test(value) ? undefined : `expected a user name matching ${USER_RE}, got ${show(value)}`;
  }
  if (BECOME_VARS.includes(key)) {
    return parseBoolish(value) === undefined ? `expected a boolean (true/false, yes/no, 1/0), got ${show(value)}` : undefined;
  }
  if (KEY_VARS.includes(key)) {
    return typeof value === 'string' && value !== '' && !/\p{Cc}/u.test(value) ? undefined : `expected a file path, got ${show(value)}`;
  }
  if (PASSWORD_VARS.includes(key) || BECOME_PASSWORD_VARS.includes(key)) {
    return typeof value === 'string' || typeof value === 'number' ? undefined : `expected a string, got ${show(value)}`;
  }
  if (key === 'ansible_group_priority') {
    const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value));
    return ok ? undefined : `expected an integer, got ${show(value)}`;
  }
  return undefined;
}

function first(vars: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) {
    const v = vars[k];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function expandKeyPath(p: string, baseDir: string): string {
  let out = p;
  if (out === '~') out = homedir();
  else if (out.startsWith('~/')) out = homedir() + out.slice(1);
  return isAbsolute(out) ? out : resolve(baseDir, out);
}

// ---------------------------------------------------------------------------------------------
// The builder

interface GroupRec {
  name: string;
  children: Set<string>; // Sets keep insertion order and make re-listing cheap
  hosts: Set<string>;
  vars: Record<string, unknown>;
  priority: number;
  parents: Set<string>;
  loc: Loc;
}

interface HostRec {
  name: string;
  vars: Record<string, unknown>;
  direct: Set<string>;
}

/** Accumulates groups, hosts and variables in file order; `finish()` applies Ansible's semantics. */
export class InventoryBuilder {
  readonly warnings: string[] = [];
  private readonly groups = new Map<string, GroupRec>();
  private readonly hosts = new Map<string, HostRec>();
  private readonly edgeLocs = new Map<string, Loc>();

  constructor(readonly file: string) {
    this.addGroup('all', {});
    this.addGroup('ungrouped', {});
    this.addChild('all', 'ungrouped', {});
  }

  fail(loc: Loc, detail: string): never {
    throw new FileInputError(this.file, loc.line, loc.column, detail);
  }

  failAt(loc: Loc): Fail {
    return (detail: string) => this.fail(loc, detail);
  }

  warn(loc: Loc, message: string): void {
    const where = loc.line !== undefined ? `${this.file}:${loc.line}` : this.file;
    this.warnings.push(`${where}: ${message}`);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  addGroup(name: string, loc: Loc): void {
    if (this.groups.has(name)) return;
    const why = groupNameProblem(name);
    if (why) this.fail(loc, why);
    this.groups.set(name, { name, children: new Set(), hosts: new Set(), vars: {}, priority: 1, parents: new Set(), loc });
  }

  addChild(parent: string, child: string, loc: Loc): void {
    if (child === 'all') this.fail(loc, `group "all" cannot be a child of group "${parent}"`);
    if (child === parent) this.fail(loc, `group "${child}" cannot be a child of itself`);
    this.addGroup(parent, loc);
    this.addGroup(child, loc);
    const p = this.groups.get(parent)!;
    const c = this.groups.get(child)!;
    if (!p.children.has(child)) {
      p.children.add(child);
      this.edgeLocs.set(`${parent}\u0000${child}`, loc);
    }
    c.parents.add(parent);
  }

  /** Adds (or re-lists) a host in a group. The name must already be validated (parseHostEntry). */
  addHost(name: string, group: string, loc: Loc): void {
    const why = hostNameProblem(name);
    if (why) this.fail(loc, why);
    this.addGroup(group, loc);
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {}, direct: new Set() };
      this.hosts.set(name, h);
    }
    h.direct.add(group);
    this.groups.get(group)!.hosts.add(name);
  }

  /** `label` names the variable in errors (a YAML key path, or a description for INI). */
  setGroupVar(group: string, key: string, value: unknown, loc: Loc, label: string): void {
    this.checkVar(key, value, loc, label);
    this.addGroup(group, loc);
    const g = this.groups.get(group)!;
    // Like Ansible, the priority is a property of the group, not a variable.
    if (key === 'ansible_group_priority') g.priority = Number(value);
    else g.vars[key] = value;
  }

  setHostVar(host: string, key: string, value: unknown, loc: Loc, label: string): void {
    this.checkVar(key, value, loc, label);
    const h = this.hosts.get(host);
    if (!h) throw new Error(`setHostVar before addHost: ${host}`);
    h.vars[key] = value;
  }

  private checkVar(key: string, value: unknown, loc: Loc, label: string): void {
    const why = connectionVarProblem(key, value);
    if (why) this.fail(loc, `${label}: ${why}`);
  }

  finish(): Inventory {
    const all = this.groups.get('all')!;
    // Groups nobody claims are children of `all` (Ansible's reconcile_inventory).
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.size === 0) {
        all.children.add(g.name);
        g.parents.add('all');
      }
    }
    this.checkCycles();
    const depth = this.depths();

    // Ancestors of every group (itself included).
    const ancestors = new Map<string, Set<string>>();
    const ancestorsOf = (name: string): Set<string> => {
      let a = ancestors.get(name);
      if (a) return a;
      a = new Set([name]);
      for (const p of this.groups.get(name)!.parents) for (const x of ancestorsOf(p)) a.add(x);
      ancestors.set(name, a);
      return a;
    };

    const ungrouped = this.groups.get('ungrouped')!;
    const groupsOfHost = new Map<string, Set<string>>();
    for (const h of this.hosts.values()) {
      const set = new Set<string>(['all']);
      for (const d of h.direct) for (const a of ancestorsOf(d)) set.add(a);
      const others = [...set].filter((g) => g !== 'all' && g !== 'ungrouped');
      if (others.length === 0) {
        set.add('ungrouped');
        ungrouped.hosts.add(h.name);
      } else if (set.has('ungrouped')) {
        ungrouped.hosts.delete(h.name);
        h.direct.delete('ungrouped');
        set.delete('ungrouped');
      }
      groupsOfHost.set(h.name, set);
    }

    const precedence = (a: GroupRec, b: GroupRec): number =>
      depth.get(a.name)! - depth.get(b.name)! || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

    const baseDir = dirname(this.file);
    const hosts = new Map<string, Host>();
    for (const h of this.hosts.values()) {
      const names = groupsOfHost.get(h.name)!;
      const recs = [...names].map((n) => this.groups.get(n)!).sort(precedence);
      const vars: Record<string, unknown> = {};
      for (const g of recs) Object.assign(vars, g.vars);
      Object.assign(vars, h.vars);
      hosts.set(h.name, toHost(h.name, [...names].sort(), vars, baseDir));
    }

    for (const name of this.hosts.keys()) {
      if (this.groups.has(name)) this.warn(this.groups.get(name)!.loc, `found both a group and a host named "${name}"`);
    }

    const groups = new Map<string, Group>();
    for (const g of this.groups.values()) {
      groups.set(g.name, { name: g.name, children: [...g.children], hosts: [...g.hosts], vars: { ...g.vars } });
    }
    return { file: this.file, hosts, groups, warnings: [...this.warnings] };
  }

  private checkCycles(): void {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string): void => {
      state.set(name, 'open');
      for (const c of this.groups.get(name)!.children) {
        const s = state.get(c);
        if (s === 'open') {
          this.fail(this.edgeLocs.get(`${name}\u0000${c}`) ?? {}, `making group "${c}" a child of "${name}" creates a loop (${c} is an ancestor of ${name})`);
        }
        if (s === undefined) visit(c);
      }
      state.set(name, 'done');
    };
    for (const name of this.groups.keys()) if (!state.has(name)) visit(name);
  }

  /** Ansible's group depth: the longest path from `all`. */
  private depths(): Map<string, number> {
    const depth = new Map<string, number>();
    const of = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      let d = 0;
      if (name !== 'all') for (const p of this.groups.get(name)!.parents) d = Math.max(d, of(p) + 1);
      depth.set(name, d);
      return d;
    };
    for (const name of this.groups.keys()) of(name);
    return depth;
  }
}

function toHost(name: string, groups: string[], vars: Record<string, unknown>, baseDir: string): Host {
  const address = first(vars, HOST_VARS);
  const port = first(vars, PORT_VARS);
  const user = first(vars, USER_VARS);
  const key = first(vars, KEY_VARS);
  const password = first(vars, PASSWORD_VARS);
  const become = first(vars, BECOME_VARS);
  const becomePassword = first(vars, BECOME_PASSWORD_VARS);
  const host: Host = {
    name,
    address: typeof address === 'string' ? address : name,
    port: port === undefined ? 22 : parsePort(port) ?? 22,
    user: typeof user === 'string' ? user : 'root',
    become: become === undefined ? false : parseBoolish(become) ?? false,
    groups,
    vars,
  };
  if (typeof key === 'string') host.privateKeyFile = expandKeyPath(key, baseDir);
  if (password !== undefined) host.password = String(password);
  if (becomePassword !== undefined) host.becomePassword = String(becomePassword);
  return host;
}

// ---------------------------------------------------------------------------------------------
// YAML

const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);

interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

function kind(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
    if (typeof v === 'number') return `a number (${v})`;
    if (typeof v === 'boolean') return `a boolean (${v})`;
  }
  return 'an unsupported value';
}

function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** Parses an Ansible YAML inventory. `file` is used in messages and to resolve relative key paths. */
export function parseYamlInventory(text: string, file: string): Inventory {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new FileInputError(file, 1, 1, 'vault-encrypted inventories are not supported; decrypt it first (ansible-vault view)');
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.1', // Ansible reads YAML with PyYAML: `yes`/`no` are booleans, `<<` merges
    prettyErrors: false,
    uniqueKeys: false, // Ansible warns about a duplicate key and keeps its last value (see entries())
    customTags: [
      { tag: '!unsafe', resolve: (s: string) => s },
      { tag: '!vault', resolve: (s: string) => s },
    ],
  });
  const locOf = (node: Node | null | undefined): Loc => {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const b: InventoryBuilder = new InventoryBuilder(file);

  const [err] = doc.errors;
  if (err) {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    const message = err.code === 'MULTIPLE_DOCS' ? 'an inventory must be a single YAML document (found a second "---")' : err.message;
    throw new FileInputError(file, line, col, `invalid YAML: ${message}`);
  }
  for (const w of doc.warnings) {
    const { line } = lineCounter.linePos(w.pos[0]);
    b.warn({ line }, `YAML: ${w.message}`);
  }
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || typeof key.value === 'symbol') continue;
        const name = key.source ?? String(key.value);
        if (seen.has(name)) b.warn(locOf(key), `duplicate key "${name}": only its last value is used (Ansible warns and does the same)`);
        seen.add(name);
      }
    },
  });

  const resolveNode = (node: Node | null | undefined): Node | null => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc as Document);
      if (!target) b.fail(locOf(node), `unresolved alias *${node.source}`);
      return target as Node;
    }
    return node;
  };

  const entries = (map: Node, path: string): Entry[] => {
    if (!isMap(map)) throw new Error('entries() needs a map');
    const explicit: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const value = (pair.value as Node | null) ?? null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<: *anchor` or `<<: [*a, *b]`: merged keys never override explicit ones.
        const src = resolveNode(value);
        const sources = isSeq(src) ? src.items.map((i) => resolveNode(i as Node)) : [src];
        for (const s of sources) {
          if (!isMap(s)) b.fail(locOf(value), `${path}: a "<<" merge needs a mapping or an alias to one`);
          merged.push(...entries(s, path));
        }
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null) {
        b.fail(locOf(keyNode ?? map), `${path}: keys must be plain names, got ${keyNode && !isNull(keyNode) ? kind(keyNode) : 'an empty key'}`);
      }
      const key = keyNode.source ?? String(keyNode.value);
      // A duplicate key keeps its first place and takes its last value, as a Python dict does.
      const earlier = explicit.findIndex((e) => e.key === key);
      if (earlier >= 0) explicit[earlier] = { key, keyNode, value };
      else explicit.push({ key, keyNode, value });
    }
    const seen = new Set(explicit.map((e) => e.key));
    const out = [...explicit];
    for (const m of merged) {
      if (!seen.has(m.key)) {
        seen.add(m.key);
        out.push(m);
      }
    }
    return out;
  };

  const toJS = (node: Node | null, path: string): unknown => {
    if (node === null) return null;
    const target = resolveNode(node);
    if (isScalar(target) && target.tag === '!vault') {
      b.fail(locOf(node), `${path}: vault-encrypted values are not supported`);
    }
    try {
      return node.toJS(doc as Document, { maxAliasCount: 1000 });
    } catch (e) {
      return b.fail(locOf(node), `${path}: ${(e as Error).message}`);
    }
  };

  const parseVars = (node: Node, path: string, set: (key: string, value: unknown, loc: Loc, label: string) => void): void => {
    for (const e of entries(node, path)) {
      const label = `${path}.${e.key}`;
      set(e.key, toJS(e.value, label), locOf(e.value && !isNull(e.value) ? e.value : e.keyNode), label);
    }
  };

  const parseHosts = (group: string, node: Node, path: string): void => {
    for (const e of entries(node, path)) {
      const hostPath = `${path}.${e.key}`;
      const keyLoc = locOf(e.keyNode);
      const { names, port } = parseHostEntry(e.key, (d) => b.fail(keyLoc, `${hostPath}: ${d}`), (d) => b.warn(keyLoc, d));
      const value = resolveNode(e.value);
      if (!isNull(value) && !isMap(value)) {
        b.fail(locOf(e.value), `${hostPath}: expected a mapping of host variables or nothing, got ${kind(value)}`);
      }
      for (const name of names) {
        b.addHost(name, group, keyLoc);
        if (port !== undefined) b.setHostVar(name, 'ansible_port', port, keyLoc, `${hostPath}`);
        if (isMap(value)) parseVars(value, hostPath, (k, v, loc, label) => b.setHostVar(name, k, v, loc, label));
      }
    }
  };

  const parseGroup = (name: string, keyNode: Node, raw: Node | null, path: string, parent: string | undefined): void => {
    const keyLoc = locOf(keyNode);
    const why = groupNameProblem(name);
    if (why) b.fail(keyLoc, `${path}: ${why}`);
    const node = resolveNode(raw);
    if (!isNull(node) && !isMap(node)) {
      b.fail(locOf(raw), `${path}: expected a group (a mapping with hosts, vars and/or children) or nothing, got ${kind(node)}`);
    }
    b.addGroup(name, keyLoc);
    if (parent !== undefined) b.addChild(parent, name, keyLoc);
    if (!isMap(node)) return;
    for (const e of entries(node, path)) {
      const sub = `${path}.${e.key}`;
      const value = resolveNode(e.value);
      if (!GROUP_KEYS.has(e.key)) {
        b.warn(locOf(e.keyNode), `unexpected key "${e.key}" in group "${name}" (${sub}) ignored; only "hosts", "vars" and "children" are valid`);
        continue;
      }
      if (isNull(value)) continue;
      if (e.key === 'vars') {
        if (!isMap(value)) b.fail(locOf(e.value), `${sub}: expected a mapping of variables, got ${kind(value)}`);
        parseVars(value, sub, (k, v, loc, label) => b.setGroupVar(name, k, v, loc, label));
      } else if (e.key === 'hosts') {
        if (isScalar(value) && typeof value.value === 'string') {
          // Ansible accepts `hosts: name` as a single host.
          const loc = locOf(value);
          const spec = value.source ?? value.value;
          const { names, port } = parseHostEntry(spec, (d) => b.fail(loc, `${sub}: ${d}`), (d) => b.warn(loc, d));
          for (const n of names) {
            b.addHost(n, name, loc);
            if (port !== undefined) b.setHostVar(n, 'ansible_port', port, loc, `${sub}.${spec}`);
          }
        } else if (isMap(value)) {
          parseHosts(name, value, sub);
        } else {
          b.fail(locOf(e.value), `${sub}: expected a mapping of host names (e.g. "node1:" on its own line), got ${kind(value)}`);
        }
      } else {
        if (isScalar(value) && typeof value.value === 'string') {
          // Ansible accepts `children: name` as a single child group.
          parseGroup(value.source ?? value.value, value, null, `${sub}.${value.source ?? value.value}`, name);
        } else if (isMap(value)) {
          for (const c of entries(value, sub)) parseGroup(c.key, c.keyNode, c.value, `${sub}.${c.key}`, name);
        } else {
          b.fail(locOf(e.value), `${sub}: expected a mapping of group names, got ${kind(value)}`);
        }
      }
    }
  };

  const root = resolveNode(doc.contents as Node | null);
  if (isNull(root)) {
    // Ansible loads an empty or all-comment file as an inventory without hosts.
    b.warn({}, 'the inventory is empty (nothing but comments): it defines no hosts');
    return b.finish();
  }
  if (!isMap(root)) {
    b.fail(locOf(root), `expected a mapping of groups at the top level (e.g. "all:"), got ${kind(root)}`);
  }
  const top = entries(root, '(top level)');
  const plugin = top.find((e) => e.key === 'plugin');
  if (plugin && isScalar(plugin.value) && plugin.value.value) {
    b.fail(
      locOf(plugin.keyNode),
      `this is an inventory plugin configuration ("plugin: ${String(plugin.value.value)}"), not an inventory; kremedy runs no inventory plugins: save what the plugin produces with \`ansible-inventory -i ${file} --list --yaml > inventory.yaml\` and use that`,
    );
  }
  if (top.some((e) => e.key === '_meta')) {
    b.fail(locOf(root), 'this looks like `ansible-inventory --list` JSON output, which is not an inventory; use `ansible-inventory --list --yaml` instead');
  }
  for (const e of top) parseGroup(e.key, e.keyNode, e.value, e.key, undefined);
  return b.finish();
}

// The builder every inventory source feeds (YAML in load.ts, INI in ini.ts, host lists and
// group_vars/host_vars in sources.ts): it owns the Ansible semantics (implicit `all` and
// `ungrouped`, group depth, variable precedence) and hands each host's merged variables, with
// where each was set, to host-settings.ts.

import { FileInputError } from '../errors.js';
import { AnsibleConfig } from './ansible-cfg.js';
import { connectionVarProblem, resolveHost, type ResolveContext, type VarOrigin } from './host-settings.js';
import { groupNameProblem, hostNameProblem, type Fail, type Loc } from './entries.js';
import type { Group, Host, Inventory } from './types.js';

/** Variables with the place each was set. */
interface VarSet {
  vars: Record<string, unknown>;
  origins: Record<string, VarOrigin>;
}

const emptyVars = (): VarSet => ({ vars: {}, origins: {} });

interface GroupRec extends VarSet {
  name: string;
  children: Set<string>; // Sets keep insertion order and make re-listing cheap
  hosts: Set<string>;
  priority: number;
  parents: Set<string>;
  loc: Loc & { file: string };
  /** group_vars files, per inventory source (index into the sources). */
  fileVars: Map<number, VarSet>;
}

interface HostRec extends VarSet {
  name: string;
  direct: Set<string>;
  fileVars: Map<number, VarSet>;
}

/** Accumulates groups, hosts and variables in source and file order; `finish()` applies Ansible's semantics. */
export class InventoryBuilder {
  readonly warnings: string[] = [];
  /** Every file read (inventories, group_vars, host_vars), for the plan's digest. */
  readonly files: string[] = [];
  private readonly groups = new Map<string, GroupRec>();
  private readonly hosts = new Map<string, HostRec>();
  private readonly edgeLocs = new Map<string, Loc>();

  /** `file` is the file being read: set it with `reading()` before each further file. */
  constructor(public file: string) {
    this.addGroup('all', {});
    this.addGroup('ungrouped', {});
    this.addChild('all', 'ungrouped', {});
  }

  reading(file: string): void {
    this.file = file;
    this.files.push(file);
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

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  hostNames(): string[] {
    return [...this.hosts.keys()];
  }

  addGroup(name: string, loc: Loc): void {
    if (this.groups.has(name)) return;
    const why = groupNameProblem(name);
    if (why) this.fail(loc, why);
    this.groups.set(name, { name, children: new Set(), hosts: new Set(), ...emptyVars(), priority: 1, parents: new Set(), loc: { ...loc, file: this.file }, fileVars: new Map() });
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
      this.edgeLocs.set(`${parent}\u0000${child}`, { ...loc, file: this.file } as Loc);
    }
    c.parents.add(parent);
  }

  /**
   * Adds (or re-lists) a host in a group. The name must already be validated (parseHostEntry).
   * A port from the entry (`host:2222`) counts only where the host first appears: Ansible's
   * InventoryData.add_host creates Host(name, port) once and ignores the port of later listings.
   */
  addHost(name: string, group: string, loc: Loc, port?: number): void {
    const why = hostNameProblem(name);
    if (why) this.fail(loc, why);
    this.addGroup(group, loc);
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, ...emptyVars(), direct: new Set(), fileVars: new Map() };
      this.hosts.set(name, h);
      if (port !== undefined) this.put(h, 'ansible_port', port, loc);
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
    else this.put(g, key, value, loc);
  }

  setHostVar(host: string, key: string, value: unknown, loc: Loc, label: string): void {
    this.checkVar(key, value, loc, label);
    const h = this.hosts.get(host);
    if (!h) throw new Error(`setHostVar before addHost: ${host}`);
    this.put(h, key, value, loc);
  }

  /** Variables from a group_vars file of inventory source `source` (a later file of the same source overrides). */
  addGroupFileVars(group: string, source: number, vars: Record<string, unknown>, lines: Record<string, number>): void {
    const g = this.groups.get(group);
    if (g) this.putFile(g.fileVars, source, vars, lines);
  }

  addHostFileVars(host: string, source: number, vars: Record<string, unknown>, lines: Record<string, number>): void {
    const h = this.hosts.get(host);
    if (h) this.putFile(h.fileVars, source, vars, lines);
  }

  private putFile(to: Map<number, VarSet>, source: number, vars: Record<string, unknown>, lines: Record<string, number>): void {
    const set = to.get(source) ?? to.set(source, emptyVars()).get(source)!;
    for (const [k, v] of Object.entries(vars)) {
      set.vars[k] = v;
      set.origins[k] = { file: this.file, line: lines[k] };
    }
  }

  private put(to: VarSet, key: string, value: unknown, loc: Loc): void {
    to.vars[key] = value;
    to.origins[key] = { file: this.file, line: loc.line };
  }

  private checkVar(key: string, value: unknown, loc: Loc, label: string): void {
    const why = connectionVarProblem(key, value);
    if (why) this.fail(loc, `${label}: ${why}`);
  }

  finish(ctx: Partial<ResolveContext> = {}): Inventory {
    const rctx: ResolveContext = { env: ctx.env ?? process.env, cfg: ctx.cfg ?? AnsibleConfig.none(ctx.env ?? process.env), cwd: ctx.cwd ?? process.cwd() };
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

    const hosts = new Map<string, Host>();
    for (const h of this.hosts.values()) {
      const names = groupsOfHost.get(h.name)!;
      const recs = [...names].filter((n) => n !== 'all').map((n) => this.groups.get(n)!).sort(precedence);
      hosts.set(h.name, this.hostFrom(h, all, recs, [...names].sort(), rctx));
    }

    for (const name of this.hosts.keys()) {
      if (this.groups.has(name)) {
        const loc = this.groups.get(name)!.loc;
        this.warnings.push(`${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}: found both a group and a host named "${name}"`);
      }
    }

    const groups = new Map<string, Group>();
    for (const g of this.groups.values()) {
      groups.set(g.name, { name: g.name, children: [...g.children], hosts: [...g.hosts], vars: { ...g.vars } });
    }
    return { file: this.file, hosts, groups, warnings: [...this.warnings], files: [...this.files] };
  }

  /**
   * Ansible's variable precedence (VariableManager.get_vars, DEFAULT_VARIABLE_PRECEDENCE):
   * inventory vars of `all`, of the other groups (by depth, ansible_group_priority, name), then
   * group_vars/all, then the other group_vars (each per inventory source, in source order),
   * then the host's inventory vars, then host_vars.
   */
  private hostFrom(h: HostRec, all: GroupRec, recs: GroupRec[], groups: string[], ctx: ResolveContext): Host {
    const merged = emptyVars();
    const add = (s: VarSet | undefined) => {
      if (!s) return;
      Object.assign(merged.vars, s.vars);
      Object.assign(merged.origins, s.origins);
    };
    const bySource = (maps: Map<number, VarSet>[]) => {
      const sources = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
      for (const s of sources) for (const m of maps) add(m.get(s));
    };
    add(all);
    for (const g of recs) add(g);
    bySource([all.fileVars]);
    bySource(recs.map((g) => g.fileVars));
    add(h);
    bySource([h.fileVars]);
    return resolveHost(h.name, groups, merged.vars, merged.origins, ctx);
  }

  private checkCycles(): void {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string): void => {
      state.set(name, 'open');
      for (const c of this.groups.get(name)!.children) {
        const s = state.get(c);
        if (s === 'open') {
          const loc = this.edgeLocs.get(`${name}\u0000${c}`) as (Loc & { file?: string }) | undefined;
          throw new FileInputError(loc?.file ?? this.file, loc?.line, loc?.column, `making group "${c}" a child of "${name}" creates a loop (${c} is an ancestor of ${name})`);
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

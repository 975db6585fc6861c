// Ansible YAML inventories (ansible/plugins/inventory/yaml.py), read into the InventoryBuilder:
// groups with their hosts, vars and children, YAML 1.1 as PyYAML reads it.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { FileInputError } from '../errors.js';
import { InventoryBuilder } from './builder.js';
import { groupNameProblem, parseHostEntry, type Loc } from './entries.js';
import { VaultValue } from './template.js';
import type { Inventory } from './types.js';
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

/** Parses an Ansible YAML inventory. `file` is used in messages. */
export function parseYamlInventory(text: string, file: string): Inventory {
  const b = new InventoryBuilder(file);
  b.reading(file);
  readYamlInventory(text, b);
  return b.finish();
}

/** Reads a YAML inventory (the builder's current file) into `b`. */
export function readYamlInventory(text: string, b: InventoryBuilder): void {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new FileInputError(b.file, 1, 1, 'vault-encrypted inventories are not supported; decrypt it first (ansible-vault view)');
  }
  new YamlInventoryReader(text, b).read();
}

/** YAML 1.1 as PyYAML reads it, the way Ansible loads an inventory. */
export function parseYaml(text: string): { doc: Document; lineCounter: LineCounter } {
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
  return { doc: doc as Document, lineCounter };
}

/** One YAML inventory document, read into an InventoryBuilder: groups, their hosts, vars and children. */
class YamlInventoryReader {
  private readonly doc: Document;
  private readonly lineCounter: LineCounter;
  private readonly b: InventoryBuilder;
  private readonly file: string;

  constructor(text: string, b: InventoryBuilder) {
    ({ doc: this.doc, lineCounter: this.lineCounter } = parseYaml(text));
    this.b = b;
    this.file = b.file;
  }

  read(): void {
    this.checkDocument();
    this.warnDuplicateKeys();
    const root = this.resolveNode(this.doc.contents as Node | null);
    if (isNull(root)) {
      // Ansible loads an empty or all-comment file as an inventory without hosts.
      this.b.warn({}, 'the inventory is empty (nothing but comments): it defines no hosts');
      return;
    }
    if (!isMap(root)) {
      this.b.fail(this.locOf(root), `expected a mapping of groups at the top level (e.g. "all:"), got ${kind(root)}`);
    }
    const top = this.entries(root, '(top level)');
    this.refuseNonInventory(root, top);
    for (const e of top) this.parseGroup(e.key, e.keyNode, e.value, e.key, undefined);
  }

  private locOf(node: Node | null | undefined): Loc {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /** A YAML error is bad input at its place; YAML warnings are passed on. */
  private checkDocument(): void {
    const [err] = this.doc.errors;
    if (err) {
      const { line, col } = this.lineCounter.linePos(err.pos[0]);
      const message = err.code === 'MULTIPLE_DOCS' ? 'an inventory must be a single YAML document (found a second "---")' : err.message;
      throw new FileInputError(this.file, line, col, `invalid YAML: ${message}`);
    }
    for (const w of this.doc.warnings) {
      const { line } = this.lineCounter.linePos(w.pos[0]);
      this.b.warn({ line }, `YAML: ${w.message}`);
    }
  }

  private warnDuplicateKeys(): void {
    visit(this.doc, {
      Map: (_, map) => {
        const seen = new Set<string>();
        for (const pair of map.items) {
          const key = pair.key as Node | null;
          if (!isScalar(key) || typeof key.value === 'symbol') continue;
          const name = key.source ?? String(key.value);
          if (seen.has(name)) this.b.warn(this.locOf(key), `duplicate key "${name}": only its last value is used (Ansible warns and does the same)`);
          seen.add(name);
        }
      },
    });
  }

  /** Files that look like an inventory to YAML but are something else Ansible would run. */
  private refuseNonInventory(root: Node, top: Entry[]): void {
    const plugin = top.find((e) => e.key === 'plugin');
    if (plugin && isScalar(plugin.value) && plugin.value.value) {
      this.b.fail(
        this.locOf(plugin.keyNode),
        `this is an inventory plugin configuration ("plugin: ${String(plugin.value.value)}"), not an inventory; kremedy runs no inventory plugins: save what the plugin produces with \`ansible-inventory -i ${this.file} --list --yaml > inventory.yaml\` and use that`,
      );
    }
    if (top.some((e) => e.key === '_meta')) {
      this.b.fail(this.locOf(root), 'this looks like `ansible-inventory --list` JSON output, which is not an inventory; use `ansible-inventory --list --yaml` instead');
    }
  }

  private resolveNode(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.b.fail(this.locOf(node), `unresolved alias *${node.source}`);
      return target as Node;
    }
    return node;
  }

  /** A mapping's entries in order, `<<` merges expanded (merged keys never override explicit ones). */
  private entries(map: Node, path: string): Entry[] {
    if (!isMap(map)) throw new Error('entries() needs a map');
    const explicit: Entry[] = [];
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const value = (pair.value as Node | null) ?? null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<: *anchor` or `<<: [*a, *b]`
        merged.push(...this.mergedEntries(value, path));
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null) {
        this.b.fail(this.locOf(keyNode ?? map), `${path}: keys must be plain names, got ${keyNode && !isNull(keyNode) ? kind(keyNode) : 'an empty key'}`);
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
  }

  private mergedEntries(value: Node | null, path: string): Entry[] {
    const src = this.resolveNode(value);
    const sources = isSeq(src) ? src.items.map((i) => this.resolveNode(i as Node)) : [src];
    return sources.flatMap((s) => {
      if (!isMap(s)) this.b.fail(this.locOf(value), `${path}: a "<<" merge needs a mapping or an alias to one`);
      return this.entries(s, path);
    });
  }

  private toJS(node: Node | null, path: string): unknown {
    if (node === null) return null;
    const target = this.resolveNode(node);
    // Refused only where kremedy would use it (host-settings.ts): other variables may be secrets it never reads.
    if (isScalar(target) && target.tag === '!vault') return new VaultValue(this.file, this.locOf(node).line);
    try {
      return node.toJS(this.doc, { maxAliasCount: 1000 });
    } catch (e) {
      return this.b.fail(this.locOf(node), `${path}: ${(e as Error).message}`);
    }
  }

  private parseVars(node: Node, path: string, set: (key: string, value: unknown, loc: Loc, label: string) => void): void {
    for (const e of this.entries(node, path)) {
      const label = `${path}.${e.key}`;
      set(e.key, this.toJS(e.value, label), this.locOf(e.value && !isNull(e.value) ? e.value : e.keyNode), label);
    }
  }

  /** A host entry (`node[01:20]:`, `host:2222`): the names it stands for and its port. */
  private hostEntry(spec: string, loc: Loc, path: string): { names: string[]; port?: number } {
    return parseHostEntry(spec, (d) => this.b.fail(loc, `${path}: ${d}`), (d) => this.b.warn(loc, d));
  }

  private addHosts(group: string, entry: { names: string[]; port?: number }, loc: Loc, label: string, vars?: { node: Node; path: string }): void {
    for (const name of entry.names) {
      this.b.addHost(name, group, loc, entry.port);
      if (vars) this.parseVars(vars.node, vars.path, (k, v, l, lab) => this.b.setHostVar(name, k, v, l, lab));
    }
  }

  private parseHosts(group: string, node: Node, path: string): void {
    for (const e of this.entries(node, path)) {
      const hostPath = `${path}.${e.key}`;
      const keyLoc = this.locOf(e.keyNode);
      const entry = this.hostEntry(e.key, keyLoc, hostPath);
      const value = this.resolveNode(e.value);
      if (!isNull(value) && !isMap(value)) {
        this.b.fail(this.locOf(e.value), `${hostPath}: expected a mapping of host variables or nothing, got ${kind(value)}`);
      }
      this.addHosts(group, entry, keyLoc, hostPath, isMap(value) ? { node: value, path: hostPath } : undefined);
    }
  }

  private parseGroup(name: string, keyNode: Node, raw: Node | null, path: string, parent: string | undefined): void {
    const keyLoc = this.locOf(keyNode);
    const why = groupNameProblem(name);
    if (why) this.b.fail(keyLoc, `${path}: ${why}`);
    const node = this.resolveNode(raw);
    if (!isNull(node) && !isMap(node)) {
      this.b.fail(this.locOf(raw), `${path}: expected a group (a mapping with hosts, vars and/or children) or nothing, got ${kind(node)}`);
    }
    this.b.addGroup(name, keyLoc);
    if (parent !== undefined) this.b.addChild(parent, name, keyLoc);
    if (!isMap(node)) return;
    for (const e of this.entries(node, path)) {
      const sub = `${path}.${e.key}`;
      const value = this.resolveNode(e.value);
      if (!GROUP_KEYS.has(e.key)) {
        this.b.warn(this.locOf(e.keyNode), `unexpected key "${e.key}" in group "${name}" (${sub}) ignored; only "hosts", "vars" and "children" are valid`);
        continue;
      }
      if (isNull(value)) continue;
      if (e.key === 'vars') {
        if (!isMap(value)) this.b.fail(this.locOf(e.value), `${sub}: expected a mapping of variables, got ${kind(value)}`);
        this.parseVars(value, sub, (k, v, loc, label) => this.b.setGroupVar(name, k, v, loc, label));
      } else if (e.key === 'hosts') this.parseGroupHosts(name, e.value, value, sub);
      else this.parseGroupChildren(name, e.value, value, sub);
    }
  }

  private parseGroupHosts(group: string, raw: Node | null, value: Node | null, sub: string): void {
    if (isScalar(value) && typeof value.value === 'string') {
      // Ansible accepts `hosts: name` as a single host.
      const spec = value.source ?? value.value;
      const loc = this.locOf(value);
      this.addHosts(group, this.hostEntry(spec, loc, sub), loc, `${sub}.${spec}`);
    } else if (isMap(value)) {
      this.parseHosts(group, value, sub);
    } else {
      this.b.fail(this.locOf(raw), `${sub}: expected a mapping of host names (e.g. "node1:" on its own line), got ${kind(value)}`);
    }
  }

  private parseGroupChildren(group: string, raw: Node | null, value: Node | null, sub: string): void {
    if (isScalar(value) && typeof value.value === 'string') {
      // Ansible accepts `children: name` as a single child group.
      this.parseGroup(value.source ?? value.value, value, null, `${sub}.${value.source ?? value.value}`, group);
    } else if (isMap(value)) {
      for (const c of this.entries(value, sub)) this.parseGroup(c.key, c.keyNode, c.value, `${sub}.${c.key}`, group);
    } else {
      this.b.fail(this.locOf(raw), `${sub}: expected a mapping of group names, got ${kind(value)}`);
    }
  }
}

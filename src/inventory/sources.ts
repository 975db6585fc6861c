// Inventory sources as `ansible-inventory -i SRC [-i SRC ...]` reads them (InventoryManager.
// parse_sources): a file (YAML or INI), a directory (its entries in sorted order, recursively,
// skipping what Ansible's IGNORED pattern skips: hidden files, group_vars, host_vars, and the
// inventory_ignore_extensions, `.ini` among them), or an inline host list (`a,b,`). All of them
// build one inventory; then group_vars/ and host_vars/ beside each source are read, per source
// in source order (vars_plugins get_vars_from_inventory_sources).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { FileInputError, InputError } from '../errors.js';
import { AnsibleConfig } from './ansible-cfg.js';
import { InventoryBuilder } from './builder.js';
import { parseHostEntry } from './entries.js';
import { readIniInventory } from './ini.js';
import { readYamlInventory } from './load.js';
import type { Inventory } from './types.js';
import { findVarsFiles, readVarsFile } from './vars-files.js';

export interface SourceOptions {
  cfg?: AnsibleConfig;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Which parser a file needs: by extension (.yaml/.yml/.json, .ini), else by its first meaningful line. */
export function detectInventoryFormat(path: string, text: string): 'yaml' | 'ini' {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'yaml';
  if (ext === '.ini' || ext === '.cfg') return 'ini';
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line === '---' || line.startsWith('{') || line.startsWith('%YAML')) return 'yaml';
    // `name:` / `name: value` is YAML; `[section]`, `host`, `host:2222`, `host key=value` are INI.
    return /^[^\s[#;=]\S*:(\s|$)/.test(raw) ? 'yaml' : 'ini';
  }
  return 'ini';
}

/** Ansible's host_list plugin: a source with a comma that is not an existing path. */
const isHostList = (source: string, cwd: string): boolean => source.includes(',') && statOf(resolve(cwd, source)) === undefined;

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readFile(b: InventoryBuilder, path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FileInputError(path, undefined, undefined, `cannot read inventory: ${(e as Error).message}`);
  }
  if (text.startsWith('#!')) {
    throw new FileInputError(path, 1, 1, 'dynamic inventory scripts are not supported; save their output with `ansible-inventory -i SCRIPT --list --yaml > inventory.yaml`');
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new FileInputError(path, 1, 1, 'vault-encrypted inventories are not supported; decrypt it first (ansible-vault view)');
  }
  b.reading(path);
  if (detectInventoryFormat(path, text) === 'yaml') readYamlInventory(text, b);
  else readIniInventory(text, b);
}

function readDir(b: InventoryBuilder, dir: string, ignored: RegExp): void {
  // Python's sorted(os.listdir()) on bytes: code unit order, which JavaScript's sort gives for UTF-8-less names.
  for (const name of readdirSync(dir).sort()) {
    if (ignored.test(name)) continue;
    const full = `${dir}/${name}`;
    if (statOf(full)?.isDirectory()) readDir(b, full, ignored);
    else readFile(b, full);
  }
}

function readHostList(b: InventoryBuilder, list: string): void {
  b.reading(`host list ${JSON.stringify(list)}`);
  for (const raw of list.split(',')) {
    const spec = raw.trim();
    if (spec === '') continue;
    const { names, port } = parseHostEntry(spec, b.failAt({}));
    for (const name of names) {
      b.addHost(name, 'ungrouped', {}, port);
    }
  }
}

/** Reads every source into one inventory, with group_vars/host_vars; throws InputError/FileInputError on bad input. */
export function loadInventorySources(sources: readonly string[], opts: SourceOptions = {}): Inventory {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const cfg = opts.cfg ?? AnsibleConfig.none(env);
  if (sources.length === 0) throw new InputError('no inventory source given');
  const b = new InventoryBuilder(sources.join(','));
  const ignored = cfg.ignored();
  const varsDirs: string[] = [];
  for (const source of sources) {
    if (isHostList(source, cwd)) {
      readHostList(b, source);
      continue;
    }
    const path = resolve(cwd, source);
    const st = statOf(path);
    if (!st) {
      throw new FileInputError(source, undefined, undefined, `cannot read inventory: no such file or directory${source.includes(',') ? '' : ' (an inline host list needs a comma: -i host1, or -i host1,host2)'}`);
    }
    if (st.isDirectory()) readDir(b, path, ignored);
    else readFile(b, path);
    varsDirs.push(st.isDirectory() ? path : dirname(path));
  }
  varsDirs.forEach((dir, index) => {
    for (const group of b.groupNames()) readVars(b, `${dir}/group_vars`, group, (vars, lines) => b.addGroupFileVars(group, index, vars, lines));
    for (const host of b.hostNames()) readVars(b, `${dir}/host_vars`, host, (vars, lines) => b.addHostFileVars(host, index, vars, lines));
  });
  const inv = b.finish({ cfg, env, cwd });
  inv.file = sources.length === 1 ? sources[0]! : sources.join(',');
  inv.sources = [...sources];
  return inv;
}

function readVars(b: InventoryBuilder, dir: string, name: string, add: (vars: Record<string, unknown>, lines: Record<string, number>) => void): void {
  if (!statOf(dir)?.isDirectory()) return;
  for (const file of findVarsFiles(dir, name)) {
    const { vars, lines } = readVarsFile(file);
    b.reading(file);
    add(vars, lines);
  }
}

/** Reads and parses one inventory file or source; throws FileInputError when it is unreadable or invalid. */
export async function loadInventory(path: string, opts: SourceOptions = {}): Promise<Inventory> {
  return loadInventorySources([path], opts);
}

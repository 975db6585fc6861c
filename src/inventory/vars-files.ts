// group_vars/ and host_vars/ beside an inventory source, as Ansible's host_group_vars plugin
// and DataLoader.find_vars_files read them: for an entity NAME, `DIR/NAME` (a file without
// extension, or a directory read recursively in sorted order, skipping hidden files and
// backups `~`), else `DIR/NAME.yml`, `.yaml`, `.json`, the first that exists.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { FileInputError } from '../errors.js';
import { parseYaml } from './load.js';
import { VaultValue } from './template.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

function dirFiles(dir: string): string[] {
  const out: string[] = [];
  // Python's sorted() of the names: code point order, as JavaScript's default sort of ASCII names.
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (isDir(full) && !ext) out.push(...dirFiles(full));
    else if (!isDir(full) && (!ext || EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/** The vars files for `name` in `dir` (group_vars or host_vars), in the order they apply. */
export function findVarsFiles(dir: string, name: string): string[] {
  if (name.startsWith('/')) return [];
  for (const ext of ['', ...EXTENSIONS]) {
    const p = join(dir, name + ext);
    if (!existsSync(p)) continue;
    if (isDir(p)) return dirFiles(p);
    return [p];
  }
  return [];
}

/** A vars file's top-level variables and the line of each. An empty file has none. */
export function readVarsFile(file: string): { vars: Record<string, unknown>; lines: Record<string, number> } {
  const text = readFileSync(file, 'utf8');
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    // Its variables are unknown without the vault password: any of them could be a connection setting.
    throw new FileInputError(file, 1, 1, 'vault-encrypted variables files are not supported (kremedy has no vault password, and cannot tell which variables this file sets); decrypt it, or move connection settings out of it');
  }
  const { doc, lineCounter } = parseYaml(text);
  const [err] = doc.errors;
  if (err) {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    throw new FileInputError(file, line, col, `invalid YAML: ${err.message}`);
  }
  const root = doc.contents as Node | null;
  const vars: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  if (root === null || (isScalar(root) && root.value === null)) return { vars, lines };
  if (!isMap(root)) throw new FileInputError(file, undefined, undefined, 'a variables file must be a mapping of variable names to values (as Ansible requires)');
  for (const pair of root.items) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || key.value === null || typeof key.value === 'symbol') continue;
    const name = String(key.value);
    const value = pair.value as Node | null;
    const line = lineCounter.linePos(key.range?.[0] ?? 0).line;
    lines[name] = line;
    vars[name] = isScalar(value) && value.tag === '!vault' ? new VaultValue(file, line) : value === null ? null : value.toJS(doc, { maxAliasCount: 1000 });
  }
  return { vars, lines };
}

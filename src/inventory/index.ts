// Inventory loading: Ansible YAML and INI inventories, host patterns, and the --graph view.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { FileInputError } from '../errors.js';
import { parseIniInventory } from './ini.js';
import { parseYamlInventory } from './load.js';
import type { Inventory } from './types.js';

export type { Group, Host, Inventory } from './types.js';
export { parseYamlInventory, parseBoolish } from './load.js';
export { parseIniInventory, parsePythonLiteral } from './ini.js';
export { groupHostOrder, matchHosts, readHostListFile, selectHosts, splitPattern, type HostSelection } from './patterns.js';
export { renderGraph } from './graph.js';

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

/** Reads and parses an inventory file; throws FileInputError when it is unreadable or invalid. */
export async function loadInventory(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory (give the inventory file itself)' : err.message;
    throw new FileInputError(path, undefined, undefined, `cannot read inventory: ${why}`);
  }
  if (text.startsWith('#!')) {
    throw new FileInputError(path, 1, 1, 'dynamic inventory scripts are not supported; save their output with `ansible-inventory -i SCRIPT --list --yaml > inventory.yaml`');
  }
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new FileInputError(path, 1, 1, 'vault-encrypted inventories are not supported; decrypt it first (ansible-vault view)');
  }
  return detectInventoryFormat(path, text) === 'yaml' ? parseYamlInventory(text, path) : parseIniInventory(text, path);
}

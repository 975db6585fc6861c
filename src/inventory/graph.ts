// `ansible-inventory --graph` output: groups as `@name:`, children and hosts sorted by name,
// each level indented with `  |`, hosts listed under the groups that list them directly.

import { InputError } from '../errors.js';
import type { Inventory } from './types.js';

function line(name: string, depth: number): string {
  return depth === 0 ? name : `${'  |'.repeat(depth)}--${name}`;
}

/** Renders the group tree under `root` (default `all`), one line per group or host, without a trailing newline. */
export function renderGraph(inv: Inventory, root = 'all'): string {
  if (!inv.groups.has(root)) throw new InputError(`no group named "${root}" in ${inv.file}`);
  const out: string[] = [];
  const walk = (name: string, depth: number): void => {
    const group = inv.groups.get(name)!;
    out.push(line(`@${name}:`, depth));
    for (const child of [...group.children].sort()) walk(child, depth + 1);
    // Like Ansible, hosts listed directly under `all` appear under `ungrouped` (or their groups).
    if (name !== 'all') for (const host of [...group.hosts].sort()) out.push(line(host, depth + 1));
  };
  walk(root, 0);
  return out.join('\n');
}

import os from 'node:os';
import path from 'node:path';
import type { Host, Inventory } from '../inventory/types.js';

export const DEFAULT_INVENTORY = 'inventory/hosts.yml';
export const defaultKnownHostsFile = (): string => process.env['KREMEDY_KNOWN_HOSTS'] ?? path.join(os.homedir(), '.ssh', 'known_hosts');

export async function openInventory(file: string, stderr: NodeJS.WritableStream): Promise<Inventory> {
  const { loadInventory } = await import('../inventory/index.js');
  const inv = await loadInventory(file);
  for (const w of inv.warnings) stderr.write(`kremedy: warning: ${w}\n`);
  return inv;
}

/** Selects the hosts of a pattern (default all), printing Ansible's pattern warnings (a term that matches nothing) on stderr. */
export async function selectInventoryHosts(inv: Inventory, pattern: string | undefined, stderr: NodeJS.WritableStream): Promise<Host[]> {
  const { selectHosts } = await import('../inventory/index.js');
  return selectHosts(inv, pattern ?? 'all', (w) => stderr.write(`kremedy: warning: ${w}\n`));
}

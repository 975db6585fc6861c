import os from 'node:os';
import path from 'node:path';
import type { Inventory } from '../inventory/types.js';

export const DEFAULT_INVENTORY = 'inventory/hosts.yml';
export const defaultKnownHostsFile = (): string => process.env['KREMEDY_KNOWN_HOSTS'] ?? path.join(os.homedir(), '.ssh', 'known_hosts');

export async function openInventory(file: string, stderr: NodeJS.WritableStream): Promise<Inventory> {
  const { loadInventory } = await import('../inventory/index.js');
  const inv = await loadInventory(file);
  for (const w of inv.warnings) stderr.write(`kremedy: warning: ${w}\n`);
  return inv;
}

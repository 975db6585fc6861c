import os from 'node:os';
import path from 'node:path';
import type { Host, Inventory } from '../inventory/types.js';

export const DEFAULT_INVENTORY = 'inventory/hosts.yml';
/** The host pattern when --hosts is not given, as in Ansible. Commands that change hosts refuse to default (run, undo). */
export const DEFAULT_PATTERN = 'all';
export const defaultKnownHostsFile = (): string => process.env['KREMEDY_KNOWN_HOSTS'] ?? path.join(os.homedir(), '.ssh', 'known_hosts');

const warner = (stderr: NodeJS.WritableStream) => (w: string) => stderr.write(`kremedy: warning: ${w}\n`);

/** Loads an inventory, printing its load warnings (duplicate keys, reversed ranges, …) on stderr. */
export async function openInventory(file: string, stderr: NodeJS.WritableStream = process.stderr): Promise<Inventory> {
  const { loadInventory } = await import('../inventory/index.js');
  const inv = await loadInventory(file);
  inv.warnings.forEach(warner(stderr));
  return inv;
}

export interface ResolvedHosts {
  inventory: Inventory;
  /** The pattern in effect: --hosts, else DEFAULT_PATTERN (what a plan file records). */
  pattern: string;
  hosts: Host[];
}

/**
 * The one way from --inventory and --hosts to the selected hosts: the inventory's warnings and
 * Ansible's pattern warnings (a term that matches nothing) are printed on stderr; a pattern that
 * selects no host is bad input.
 */
export async function resolveHosts(args: { inventory: string; hosts?: string }, stderr: NodeJS.WritableStream = process.stderr): Promise<ResolvedHosts> {
  const inventory = await openInventory(args.inventory, stderr);
  const { selectHosts } = await import('../inventory/index.js');
  const pattern = args.hosts ?? DEFAULT_PATTERN;
  return { inventory, pattern, hosts: selectHosts(inventory, pattern, warner(stderr)) };
}

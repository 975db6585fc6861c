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
export async function resolveHosts(args: { inventory: string; hosts?: string; shard?: string }, stderr: NodeJS.WritableStream = process.stderr): Promise<ResolvedHosts> {
  // A bad --shard is bad input before the inventory is even read.
  const shard = args.shard !== undefined ? (await import('../inventory/shard.js')).parseShard(args.shard) : undefined;
  const inventory = await openInventory(args.inventory, stderr);
  const { selectHosts } = await import('../inventory/index.js');
  const pattern = args.hosts ?? DEFAULT_PATTERN;
  const selected = selectHosts(inventory, pattern, warner(stderr));
  if (!shard) return { inventory, pattern, hosts: selected };
  // After the pattern: the shards split what the pattern selected, so every job of a CI
  // matrix is given the same pattern and the union of its shards is exactly that selection.
  const { inShard } = await import('../inventory/shard.js');
  const hosts = inShard(selected, shard);
  stderr.write(`kremedy: shard ${shard.index}/${shard.total}: ${hosts.length} of the ${selected.length} selected host(s)${hosts.length ? '' : ': nothing to do'}\n`);
  return { inventory, pattern, hosts };
}

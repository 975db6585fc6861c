import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Host, Inventory } from '../inventory/types.js';

export const DEFAULT_INVENTORY = 'inventory/hosts.yml';
/** The host pattern when --hosts is not given, as in Ansible. Commands that change hosts refuse to default (run, undo). */
export const DEFAULT_PATTERN = 'all';
export const defaultKnownHostsFile = (): string => process.env['KREMEDY_KNOWN_HOSTS'] ?? path.join(os.homedir(), '.ssh', 'known_hosts');

const warner = (stderr: NodeJS.WritableStream) => (w: string) => stderr.write(`kremedy: warning: ${w}\n`);

/** -i as given: one source, several (-i repeated), or none (then ANSIBLE_INVENTORY / ansible.cfg / DEFAULT_INVENTORY). */
export type InventoryOption = string | readonly string[] | undefined;

/**
 * Loads the inventory sources, printing on stderr its load warnings (duplicate keys, reversed
 * ranges, …), the ansible.cfg settings kremedy does not honour, and where the inventory came
 * from when it is not -i (never a silent substitution of one inventory for another).
 */
export async function openInventory(option: InventoryOption, stderr: NodeJS.WritableStream = process.stderr): Promise<Inventory> {
  const { AnsibleConfig, loadInventorySources } = await import('../inventory/index.js');
  const cfg = AnsibleConfig.load();
  cfg.warnings.forEach(warner(stderr));
  let sources = option === undefined ? [] : typeof option === 'string' ? [option] : [...option];
  sources = sources.filter((s) => s !== '');
  if (sources.length === 0) {
    const fromCfg = cfg.inventory(process.cwd());
    if (fromCfg) {
      sources = fromCfg.paths;
      stderr.write(`kremedy: inventory ${sources.join(', ')} (from ${fromCfg.origin}; -i overrides it)\n`);
    } else sources = [DEFAULT_INVENTORY];
  }
  const inv = loadInventorySources(sources, { cfg });
  inv.warnings.forEach(warner(stderr));
  return inv;
}

/** Selecting a host kremedy cannot work on (a value it cannot evaluate, a local connection, ...) is bad input, before any host is touched. */
export function refuseUnusable(hosts: readonly Host[]): void {
  const refused = hosts.filter((h) => h.refused?.length);
  if (refused.length === 0) return;
  const lines = refused.flatMap((h) => h.refused!.map((r) => `  host ${h.name}: ${r}`));
  throw new InputError(`${refused.length} selected host(s) cannot be used:\n${lines.join('\n')}`);
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
export async function resolveHosts(
  args: { inventory?: InventoryOption; hosts?: string; shard?: string; /** showing the hosts (kremedy inventory): refused hosts are shown, not an error */ listing?: boolean },
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<ResolvedHosts> {
  // A bad --shard is bad input before the inventory is even read.
  const shard = args.shard !== undefined ? (await import('../inventory/shard.js')).parseShard(args.shard) : undefined;
  const inventory = await openInventory(args.inventory, stderr);
  const { selectHosts } = await import('../inventory/index.js');
  const pattern = args.hosts ?? DEFAULT_PATTERN;
  const selected = selectHosts(inventory, pattern, warner(stderr));
  // After the pattern: the shards split what the pattern selected, so every job of a CI
  // matrix is given the same pattern and the union of its shards is exactly that selection.
  const hosts = shard ? (await import('../inventory/shard.js')).inShard(selected, shard) : selected;
  if (shard) stderr.write(`kremedy: shard ${shard.index}/${shard.total}: ${hosts.length} of the ${selected.length} selected host(s)${hosts.length ? '' : ': nothing to do'}
`);
  if (!args.listing) refuseUnusable(hosts);
  return { inventory, pattern, hosts };
}

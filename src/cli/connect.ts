// How the commands reach hosts: the host keys and ssh_config read once, and (for the read-only
// commands: facts, runs, doctor) the selected hosts with one connector and the same policy.
import { hostConnector, type Connect } from '../exec/connector.js';
import { loadHostAccess, type HostAccess } from '../ssh/access.js';
import { probeEach, type ProbeFn, type Probed } from '../exec/probe-each.js';
import type { Host } from '../inventory/types.js';
import { defaultKnownHostsFile, resolveHosts, type InventoryOption } from './common.js';

export interface ConnectArgs {
  /** -i, repeatable; absent: ANSIBLE_INVENTORY, ansible.cfg, else inventory/hosts.yml. */
  inventory?: InventoryOption;
  hosts?: string;
  /** --shard i/n: only the selected hosts of shard i (src/inventory/shard.ts). */
  shard?: string;
  knownHosts?: string;
  /** -F: ssh_config file, `none` for none; default ~/.ssh/config when it exists. */
  sshConfig?: string;
  trustNewHosts: boolean;
  connectTimeout: number;
}

/** What the read-only commands that probe every selected host (facts, runs, doctor) are given. */
export interface ProbeCommandArgs extends ConnectArgs {
  json: boolean;
  forks: number;
  timeout: number;
}

/** How to reach hosts: known_hosts (--known-hosts, $KREMEDY_KNOWN_HOSTS, ~/.ssh/known_hosts), the ssh_config (-F), --connect-timeout. */
export function hostAccess(args: Pick<ConnectArgs, 'knownHosts' | 'sshConfig' | 'trustNewHosts' | 'connectTimeout'>): Promise<HostAccess> {
  return loadHostAccess({
    knownHostsFile: args.knownHosts ?? defaultKnownHostsFile(),
    trustNewHosts: args.trustNewHosts,
    sshConfig: args.sshConfig,
    connectTimeoutMs: args.connectTimeout * 1000,
  });
}

export async function prepareConnections(args: ConnectArgs): Promise<{ hosts: Host[]; connect: Connect }> {
  const { hosts } = await resolveHosts(args);
  const access = await hostAccess(args);
  return { hosts, connect: hostConnector(hosts, access) };
}

/** Selects the hosts, then runs `fn` on a session to each (see probeEach), in inventory order. */
export async function probeSelected<T>(args: ProbeCommandArgs, fn: ProbeFn<T>): Promise<Array<Probed<T>>> {
  const { hosts, connect } = await prepareConnections(args);
  return probeEach(hosts, { connect, forks: args.forks }, fn);
}

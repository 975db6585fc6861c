// Shared by the commands that open one SSH session per selected host (facts, doctor): select
// hosts, read keys and known_hosts once, then connect per host with the same policy.
import { hostConnector } from '../exec/connector.js';
import type { Host } from '../inventory/types.js';
import type { HostConnection } from '../ssh/connection.js';
import { loadSshConfig } from '../ssh/config.js';
import { loadKnownHosts } from '../ssh/known-hosts.js';
import { defaultKnownHostsFile, openInventory, selectInventoryHosts } from './common.js';

export interface ConnectArgs {
  inventory: string;
  hosts?: string;
  knownHosts?: string;
  sshConfig?: string;
  trustNewHosts: boolean;
  connectTimeout: number;
}

/** What the read-only commands that probe every selected host (facts, doctor) are given. */
export interface ProbeCommandArgs extends ConnectArgs {
  json: boolean;
  forks: number;
  timeout: number;
}

export async function prepareConnections(args: ConnectArgs): Promise<{ hosts: Host[]; connect: (host: Host) => Promise<HostConnection> }> {
  const inv = await openInventory(args.inventory, process.stderr);
  const hosts = await selectInventoryHosts(inv, args.hosts, process.stderr);
  const knownHostsFile = args.knownHosts ?? defaultKnownHostsFile();
  const knownHosts = await loadKnownHosts(knownHostsFile);
  const connect = hostConnector(hosts, { knownHosts, knownHostsFile, trustNewHosts: args.trustNewHosts }, args.connectTimeout * 1000, loadSshConfig(args.sshConfig));
  return { hosts, connect };
}

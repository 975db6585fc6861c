// Shared by the commands that open one SSH session per selected host (facts, doctor): select
// hosts, read keys and known_hosts once, then connect per host with the same policy.
import { loadPrivateKeys } from '../exec/credentials.js';
import type { Host } from '../inventory/types.js';
import { HostConnection } from '../ssh/connection.js';
import { loadKnownHosts } from '../ssh/known-hosts.js';
import { defaultKnownHostsFile, openInventory } from './common.js';

export interface ConnectArgs {
  inventory: string;
  hosts?: string;
  knownHosts?: string;
  trustNewHosts: boolean;
  connectTimeout: number;
}

export async function prepareConnections(args: ConnectArgs): Promise<{ hosts: Host[]; connect: (host: Host) => Promise<HostConnection> }> {
  const inv = await openInventory(args.inventory, process.stderr);
  const { selectHosts } = await import('../inventory/index.js');
  const hosts = selectHosts(inv, args.hosts ?? 'all');
  const keys = loadPrivateKeys(hosts);
  const knownHostsFile = args.knownHosts ?? defaultKnownHostsFile();
  const knownHosts = await loadKnownHosts(knownHostsFile);
  const connect = (host: Host) =>
    HostConnection.open({
      host,
      ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
      ...(process.env['SSH_AUTH_SOCK'] ? { agent: process.env['SSH_AUTH_SOCK'] } : {}),
      hostKeys: { knownHosts, knownHostsFile, trustNewHosts: args.trustNewHosts },
      connectTimeoutMs: args.connectTimeout * 1000,
    });
  return { hosts, connect };
}

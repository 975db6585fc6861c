// How hosts are reached, for every command: the host-key policy (known_hosts), the ssh_config
// and the connect timeout, loaded once. The walk from --hosts to a connection reads
// cli -> inventory -> ssh (this) -> exec (the connector), never climbing back.
import { loadSshConfig, type SshConfig } from './config.js';
import type { SshAccess } from './connection.js';
import { loadKnownHosts } from './known-hosts.js';

/** How to reach hosts, for every command: host-key policy, ssh_config, connect timeout. */
export interface HostAccess extends SshAccess {
  /** The ssh_config in effect (-F FILE, else ~/.ssh/config), or none. */
  sshConfig?: SshConfig;
}

/** Reads the host keys and the ssh_config once (-F: a file, `none`, or undefined for ~/.ssh/config when it exists). */
export async function loadHostAccess(opts: { knownHostsFile: string; trustNewHosts: boolean; sshConfig: string | undefined; connectTimeoutMs: number }): Promise<HostAccess> {
  const knownHosts = await loadKnownHosts(opts.knownHostsFile);
  const sshConfig = loadSshConfig(opts.sshConfig);
  return {
    hostKeys: { knownHosts, knownHostsFile: opts.knownHostsFile, trustNewHosts: opts.trustNewHosts },
    ...(sshConfig ? { sshConfig } : {}),
    connectTimeoutMs: opts.connectTimeoutMs,
  };
}


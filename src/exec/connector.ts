import type { Host } from '../inventory/types.js';
import { HostConnection, type HostKeyPolicy } from '../ssh/connection.js';
import { loadPrivateKeys } from './credentials.js';

/**
 * One way to open a session, for every command: key files read once up front (an unreadable
 * key is bad input, found before any host is touched), ssh-agent when there is one, and the
 * same host-key policy for every host.
 */
export function hostConnector(hosts: readonly Host[], hostKeys: HostKeyPolicy, connectTimeoutMs: number): (host: Host) => Promise<HostConnection> {
  const keys = loadPrivateKeys(hosts);
  const agent = process.env['SSH_AUTH_SOCK'];
  return (host) =>
    HostConnection.open({
      host,
      ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
      ...(agent ? { agent } : {}),
      hostKeys,
      connectTimeoutMs,
    });
}

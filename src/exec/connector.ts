import type { Host } from '../inventory/types.js';
import { HostConnection, type HostKeyPolicy } from '../ssh/connection.js';
import { loadPrivateKeys } from './credentials.js';
import { limiter } from './pool.js';

/**
 * SSH handshakes in flight at once, whatever --forks says. A handshake is CPU work on this
 * machine (key exchange, signatures) and on the host; 200 at once on a 2-core machine starved
 * each other past the connect timeout (bench hosts reported "unreachable" in
 * test/e2e/load.test.ts). A queued handshake's timeout starts only when it starts.
 */
export const DEFAULT_MAX_HANDSHAKES = 32;

/**
 * One way to open a session, for every command: key files read once up front (an unreadable
 * key is bad input, found before any host is touched), ssh-agent when there is one, and the
 * same host-key policy for every host.
 */
export function hostConnector(hosts: readonly Host[], hostKeys: HostKeyPolicy, connectTimeoutMs: number): (host: Host) => Promise<HostConnection> {
  const keys = loadPrivateKeys(hosts);
  const agent = process.env['SSH_AUTH_SOCK'];
  const handshake = limiter(Number(process.env['KREMEDY_MAX_HANDSHAKES']) || DEFAULT_MAX_HANDSHAKES);
  return (host) =>
    handshake(() =>
      HostConnection.open({
        host,
        ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
        ...(agent ? { agent } : {}),
        hostKeys,
        connectTimeoutMs,
      }),
    );
}

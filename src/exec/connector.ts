import type { Host } from '../inventory/types.js';
import { HostConnection, HostUnreachableError, type HostKeyPolicy, type UnreachableReason } from '../ssh/connection.js';
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
 * Connection attempts per host (`KREMEDY_CONNECT_ATTEMPTS`). A handshake that timed out or
 * was refused or reset ran nothing on the host, so trying again is safe; on a loaded machine
 * (hosts booting, 200 first logins at once) one sshd can miss the connect timeout and answer a
 * second later. Authentication and host-key refusals are never retried: they would fail the
 * same way. The cost: a host that is really down is reported one timeout (plus ~1 s) later.
 */
export const DEFAULT_CONNECT_ATTEMPTS = 2;
const RETRIED = new Set<UnreachableReason>(['timeout', 'network']);
const RETRY_PAUSE_MS = 1000;

/**
 * One way to open a session, for every command: key files read once up front (an unreadable
 * key is bad input, found before any host is touched), ssh-agent when there is one, and the
 * same host-key policy for every host.
 */
export function hostConnector(hosts: readonly Host[], hostKeys: HostKeyPolicy, connectTimeoutMs: number): (host: Host) => Promise<HostConnection> {
  const keys = loadPrivateKeys(hosts);
  const agent = process.env['SSH_AUTH_SOCK'];
  const handshake = limiter(Number(process.env['KREMEDY_MAX_HANDSHAKES']) || DEFAULT_MAX_HANDSHAKES);
  const attempts = Math.max(1, Number(process.env['KREMEDY_CONNECT_ATTEMPTS']) || DEFAULT_CONNECT_ATTEMPTS);
  const open = (host: Host) =>
    handshake(() =>
      HostConnection.open({
        host,
        ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
        ...(agent ? { agent } : {}),
        hostKeys,
        connectTimeoutMs,
      }),
    );
  return async (host) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(host);
      } catch (err) {
        if (!(err instanceof HostUnreachableError) || !RETRIED.has(err.reason)) throw err;
        if (attempt >= attempts) throw attempts > 1 ? new HostUnreachableError(err.reason, `${err.message}; ${attempts} attempts`) : err;
        // Off the slot while waiting, and not all at once: a host that was starved for CPU
        // gets a moment, and the retries of one wave do not land together.
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * (0.5 + Math.random())));
      }
    }
  };
}

import os from 'node:os';
import type { Host } from '../inventory/types.js';
import type { HostAccess } from '../ssh/access.js';
import { SshConfig } from '../ssh/config.js';
import { HostConnection, HostUnreachableError, type SshAccess, type UnreachableReason } from '../ssh/connection.js';
import { describeJump, JumpHostUnreachableError, JumpPool } from '../ssh/jump.js';
import { resolveRoute, type Route } from '../ssh/route.js';
import { loadPrivateKeys } from './credentials.js';
import { localSubnets } from '../ssh/local-subnet.js';
import { limiter } from './pool.js';

/**
 * SSH handshakes in flight at once, whatever --forks says. A handshake is CPU work on this
 * machine (key exchange, signatures) and on the host; 200 at once on a 2-core machine starved
 * each other past the connect timeout (bench hosts reported "unreachable" in
 * test/e2e/load.test.ts). A queued handshake's timeout starts only when it starts.
 * `KREMEDY_MAX_HANDSHAKES` sets the limit outright.
 */
export const DEFAULT_MAX_HANDSHAKES = 32;

/**
 * When every host is on one of this machine's own subnets (no router between), a handshake is
 * work for CPUs more than a wait on round trips: hosts in containers on this machine share its
 * cores, and on a LAN this machine's CPU is the bound. Running more at once than
 * HANDSHAKES_PER_CORE per core then only makes every host finish later, all together, and all
 * of them reach their changes at the same moment (the test fleet's link deletions queue on its
 * one kernel's lock). A fleet with any host beyond a router (or given by name, or behind a jump
 * host) waits on round trips: DEFAULT_MAX_HANDSHAKES run at once.
 */
export const HANDSHAKES_PER_CORE = 4;

/** Handshakes at once: KREMEDY_MAX_HANDSHAKES (`fixed`) when set, else per core for a local fleet, else the default. */
export function handshakeLimit(fixed: string | undefined, cores: number, allLocal: boolean): number {
  const n = Number(fixed);
  if (Number.isInteger(n) && n > 0) return n;
  return allLocal ? Math.min(DEFAULT_MAX_HANDSHAKES, HANDSHAKES_PER_CORE * cores) : DEFAULT_MAX_HANDSHAKES;
}

/**
 * Connection attempts per host (`KREMEDY_CONNECT_ATTEMPTS`). A handshake that timed out or
 * was refused or reset ran nothing on the host, so trying again is safe; on a loaded machine
 * (hosts booting, 200 first logins at once) one sshd can miss the connect timeout and answer a
 * second later. Authentication and host-key refusals are never retried: they would fail the
 * same way. The cost: a host that is really down is reported one timeout (plus ~1 s) later.
 * Behind a jump host an attempt is the forwarded channel and the handshake over it; a jump
 * host that cannot be reached itself is not tried again (it stays failed for the run).
 */
export const DEFAULT_CONNECT_ATTEMPTS = 2;
const RETRIED = new Set<UnreachableReason>(['timeout', 'network']);
const RETRY_PAUSE_MS = 1000;

/** Opens a session to one host (see hostConnector). */
export type Connect = (host: Host) => Promise<HostConnection>;

/**
 * One way to open a session, for every command: where to connect is resolved for every host
 * up front (inventory, ansible_ssh_*_args, ssh_config: a ProxyCommand kremedy cannot follow is
 * bad input), key files read once (an unreadable key is bad input, found before any host is
 * touched), ssh-agent when there is one, and the same host-key policy for every host and
 * every jump host.
 */
export function hostConnector(
  hosts: readonly Host[],
  access: HostAccess,
  warn: (message: string) => void = (m) => process.stderr.write(`kremedy: warning: ${m}\n`),
): (host: Host) => Promise<HostConnection> {
  const { hostKeys, connectTimeoutMs, sshConfig } = access;
  const configs = new Map<string, SshConfig>();
  const loadConfig = (file: string) => configs.get(file) ?? configs.set(file, SshConfig.load(file)).get(file)!;
  const routes = new Map<string, Route>(hosts.map((h) => [h.name, resolveRoute(h, { config: sshConfig, loadConfig })]));
  for (const w of new Set([...routes.values()].flatMap((r) => r.warnings))) warn(w);
  const targets = new Map(hosts.map((h) => [h.name, withEndpoint(h, routes.get(h.name)!)]));
  const jumps = [...routes.values()].flatMap((r) => r.jumps.map((j) => ({ name: `jump host ${j.label}`, ...(j.keyFile ? { privateKeyFile: j.keyFile } : {}) })));
  const keys = loadPrivateKeys([...targets.values(), ...jumps]);
  const agent = process.env['SSH_AUTH_SOCK'];
  const isLocal = localSubnets();
  const allLocal = [...routes.values()].every((r) => r.jumps.length === 0 && isLocal(r.target.address));
  const handshake = limiter(handshakeLimit(process.env['KREMEDY_MAX_HANDSHAKES'], os.availableParallelism(), allLocal));
  const attempts = Math.max(1, Number(process.env['KREMEDY_CONNECT_ATTEMPTS']) || DEFAULT_CONNECT_ATTEMPTS);
  const pool = new JumpPool({ keys, ...(agent ? { agent } : {}), hostKeys, connectTimeoutMs, handshake });
  const open = async (inventoryHost: Host) => {
    const host = targets.get(inventoryHost.name) ?? inventoryHost;
    const route = routes.get(inventoryHost.name);
    // The channel through the jump hosts is taken before a handshake slot: a host waiting for
    // a free channel must not hold up direct hosts' handshakes.
    const tunnel = route?.jumps.length ? await pool.tunnel(route.jumps, host) : undefined;
    try {
      return await handshake(() =>
        HostConnection.open({
          host,
          ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
          ...(agent ? { agent } : {}),
          hostKeys,
          connectTimeoutMs,
          ...(tunnel ? { sock: tunnel.stream } : {}),
        }),
      );
    } catch (err) {
      tunnel?.stream.destroy();
      if (tunnel && err instanceof HostUnreachableError) throw new HostUnreachableError(err.reason, `${err.message} (through ${describeJump(route!.jumps.at(-1)!)})`);
      throw err;
    }
  };
  return async (host) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(host);
      } catch (err) {
        // A failed jump host stays failed for the run (JumpPool): another attempt would get the same error.
        if (!(err instanceof HostUnreachableError) || err instanceof JumpHostUnreachableError || !RETRIED.has(err.reason)) throw err;
        if (attempt >= attempts) throw attempts > 1 ? new HostUnreachableError(err.reason, `${err.message}; ${attempts} attempts`) : err;
        // Off the slot while waiting, and not all at once: a host that was starved for CPU
        // gets a moment, and the retries of one wave do not land together.
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS * (0.5 + Math.random())));
      }
    }
  };
}

/** The inventory host with the address, port, user and key it is really reached at. */
function withEndpoint(host: Host, route: Route): Host {
  const { privateKeyFile: _, ...rest } = host;
  const t = route.target;
  return { ...rest, address: t.address, port: t.port, user: t.user, ...(t.keyFile ? { privateKeyFile: t.keyFile } : {}) };
}

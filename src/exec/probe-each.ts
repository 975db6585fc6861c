import type { Host } from '../inventory/types.js';
import type { HostConnection } from '../ssh/connection.js';
import { forEachLimited } from './pool.js';

/** What one host gave: `fn`'s value, or why there is none (unreachable, or `fn` failed). */
export type Probed<T> = { host: Host; value: T } | { host: Host; error: string };

/** The read-only work done on one host's session. */
export type ProbeFn<T> = (conn: HostConnection, host: Host) => Promise<T>;

export interface ProbeEachOptions {
  connect: (host: Host) => Promise<HostConnection>;
  /** Hosts worked on at once. */
  forks: number;
}

/**
 * The read-only commands (facts, runs, doctor): one session per host, `fn` on it, the session
 * closed whatever happened. A host that cannot be reached or whose `fn` throws is an `error`,
 * never a thrown exception, so one host cannot stop the others. Results come in `hosts` order.
 */
export async function probeEach<T>(
  hosts: readonly Host[],
  opts: ProbeEachOptions,
  fn: ProbeFn<T>,
): Promise<Array<Probed<T>>> {
  const results = new Map<string, Probed<T>>();
  await forEachLimited(hosts, opts.forks, async (host) => {
    try {
      const conn = await opts.connect(host);
      try {
        results.set(host.name, { host, value: await fn(conn, host) });
      } finally {
        conn.close();
      }
    } catch (err) {
      results.set(host.name, { host, error: (err as Error).message });
    }
  });
  return hosts.map((h) => results.get(h.name)!);
}

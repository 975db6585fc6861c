import { probeHost } from '../../exec/host-runner.js';
import { forEachLimited } from '../../exec/pool.js';
import type { Facts } from '../../facts/types.js';
import { prepareConnections, type ProbeCommandArgs } from '../connect.js';
import { EXIT } from '../exit.js';

export async function factsCommand(args: ProbeCommandArgs): Promise<number> {
  const { hosts, connect } = await prepareConnections(args);
  const results = new Map<string, { facts: Facts } | { error: string }>();
  await forEachLimited(hosts, args.forks, async (host) => {
    try {
      const conn = await connect(host);
      try {
        results.set(host.name, { facts: (await probeHost(conn, [], args.timeout * 1000)).facts });
      } finally {
        conn.close();
      }
    } catch (err) {
      results.set(host.name, { error: (err as Error).message });
    }
  });
  const ordered = hosts.map((h) => [h.name, results.get(h.name)!] as const);
  if (args.json) {
    for (const [host, r] of ordered) process.stdout.write(JSON.stringify({ type: 'facts', host, ...r }) + '\n');
  } else {
    for (const [host, r] of ordered) {
      if ('error' in r) {
        process.stdout.write(`${host}: UNREACHABLE: ${r.error}\n`);
        continue;
      }
      const f = r.facts;
      process.stdout.write(
        `${host}: ${f.os.pretty} (${f.os.family}), kernel ${f.kernel}, cni ${f.cni.detected} (${f.cni.evidence})\n` +
          `    links: ${f.links.join(' ')}\n` +
          `    binaries: ${Object.entries(f.binaries).map(([k, v]) => `${k}${v ? '' : ' (missing)'}`).join(' ')}\n`,
      );
    }
  }
  return ordered.some(([, r]) => 'error' in r) ? EXIT.unreachable : EXIT.ok;
}

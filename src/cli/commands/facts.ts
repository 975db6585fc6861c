import { probeHost } from '../../exec/probe-round.js';
import { probeSelected, type ProbeCommandArgs } from '../connect.js';
import { EXIT } from '../exit.js';

export async function factsCommand(args: ProbeCommandArgs): Promise<number> {
  const results = await probeSelected(args, async (conn) => (await probeHost(conn, [], args.timeout * 1000)).facts);
  for (const r of results) {
    const host = r.host.name;
    if (args.json) {
      process.stdout.write(JSON.stringify({ type: 'facts', host, ...('error' in r ? { error: r.error } : { facts: r.value }) }) + '\n');
      continue;
    }
    if ('error' in r) {
      process.stdout.write(`${host}: UNREACHABLE: ${r.error}\n`);
      continue;
    }
    const f = r.value;
    process.stdout.write(
      `${host}: ${f.os.pretty} (${f.os.family}), kernel ${f.kernel}, cni ${f.cni.detected} (${f.cni.evidence})\n` +
        `    links: ${f.links.join(' ')}\n` +
        `    binaries: ${Object.entries(f.binaries).map(([k, v]) => `${k}${v ? '' : ' (missing)'}`).join(' ')}\n`,
    );
  }
  return results.some((r) => 'error' in r) ? EXIT.unreachable : EXIT.ok;
}

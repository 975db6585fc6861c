import { listRuns } from '../../undo/runs.js';
import { EXIT } from '../exit.js';
import { probeSelected, type ProbeCommandArgs } from '../connect.js';

/** `kremedy runs`: the backups kept on each host, newest first (what `undo` can restore). */
export async function runsCommand(args: ProbeCommandArgs): Promise<number> {
  const results = await probeSelected(args, (conn) => listRuns(conn, args.timeout * 1000));
  for (const r of results) {
    const host = r.host.name;
    if (args.json) process.stdout.write(JSON.stringify({ type: 'runs', host, ...('error' in r ? { error: r.error } : { runs: r.value }) }) + '\n');
    else if ('error' in r) process.stdout.write(`${host}: UNREACHABLE: ${r.error}\n`);
    else {
      process.stdout.write(`${host}: ${r.value.length} run(s) with backups\n`);
      for (const x of r.value) process.stdout.write(`    ${x.runId}  ${x.items} item(s)  ${x.kib} KiB\n`);
    }
  }
  return results.some((r) => 'error' in r) ? EXIT.unreachable : EXIT.ok;
}

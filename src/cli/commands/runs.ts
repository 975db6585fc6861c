import { forEachLimited } from '../../exec/pool.js';
import { DEFAULT_BACKUP_ROOT } from '../../exec/run.js';
import { EXIT } from '../exit.js';
import { prepareConnections } from '../connect.js';
import type { ConnectionArgs } from './prepare.js';

interface RunInfo {
  runId: string;
  items: number;
  kib: number;
}

/** `kremedy runs`: the backups kept on each host, newest first (what `undo` can restore). */
export async function runsCommand(args: ConnectionArgs): Promise<number> {
  const { hosts, connect } = await prepareConnections(args);
  const out = new Map<string, RunInfo[] | { error: string }>();
  const script =
    `cd ${DEFAULT_BACKUP_ROOT} 2>/dev/null || exit 0; for d in $(ls -1t); do [ -d "$d" ] || continue; ` +
    `printf '%s\\t%s\\t%s\\n' "$d" "$(wc -l < "$d/MANIFEST" 2>/dev/null || echo 0)" "$(du -sk "$d" | cut -f1)"; done`;
  await forEachLimited(hosts, args.forks, async (host) => {
    try {
      const conn = await connect(host);
      try {
        const res = await conn.exec(script, { timeoutMs: args.timeout * 1000 });
        out.set(
          host.name,
          res.stdout.split('\n').filter(Boolean).map((l) => {
            const [runId = '', items = '0', kib = '0'] = l.split('\t');
            return { runId, items: Number(items.trim()), kib: Number(kib) };
          }),
        );
      } finally {
        conn.close();
      }
    } catch (err) {
      out.set(host.name, { error: (err as Error).message });
    }
  });
  for (const h of hosts) {
    const r = out.get(h.name)!;
    if (args.json) process.stdout.write(JSON.stringify({ type: 'runs', host: h.name, ...(Array.isArray(r) ? { runs: r } : r) }) + '\n');
    else if (!Array.isArray(r)) process.stdout.write(`${h.name}: UNREACHABLE: ${r.error}\n`);
    else {
      process.stdout.write(`${h.name}: ${r.length} run(s) with backups\n`);
      for (const x of r) process.stdout.write(`    ${x.runId}  ${x.items} item(s)  ${x.kib} KiB\n`);
    }
  }
  return [...out.values()].some((r) => !Array.isArray(r)) ? EXIT.unreachable : EXIT.ok;
}

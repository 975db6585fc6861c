// Field note kube-router重启: etcd logs "read-only range request ... took too long (5.248s) to
// execute" and everything depending on the API (liveness probes included) stalls. Text logs
// carry the duration in parentheses; etcd ≥ 3.4 logs JSON with "took":"…".
// Severity: warning for any such line; critical when the worst exceeds 1 s — etcd's default
// election timeout, past which a slow disk starts costing leadership.
import { LOG_PROBE, lines, out, uniqueLines } from './probes.js';
import type { HostCheck } from './types.js';

export const ETCD_CRITICAL_SECONDS = 1;

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds in a Go duration string ("5.248197799s", "186.374578ms", "1m2.5s"); undefined if it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|μs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** Duration of one etcd "took too long" log line, in seconds; undefined for any other line. */
export function slowRequestSeconds(line: string): number | undefined {
  if (!/etcd/i.test(line) || !line.includes('took too long')) return undefined;
  const m = /took too long \(([^)]+)\)/.exec(line) ?? /"took"\s*:\s*"([^"]+)"/.exec(line);
  return m ? parseGoDuration(m[1]!) : undefined;
}

export function formatSeconds(s: number): string {
  return s >= 1 ? `${s.toFixed(3)} s` : `${(s * 1000).toFixed(1)} ms`;
}

export const etcdLatency: HostCheck = {
  id: 'ETCD-SLOW',
  describe: 'etcd "took too long" requests in the logs',
  probes: [LOG_PROBE],
  run({ results }) {
    let worst: { seconds: number; line: string } | undefined;
    let count = 0;
    for (const line of uniqueLines(lines(out(results, LOG_PROBE.id)))) {
      const seconds = slowRequestSeconds(line);
      if (seconds === undefined) continue;
      count++;
      if (!worst || seconds > worst.seconds) worst = { seconds, line };
    }
    if (!worst) return [];
    return [
      {
        severity: worst.seconds > ETCD_CRITICAL_SECONDS ? 'critical' : 'warning',
        title: `etcd: ${count} request(s) took too long, worst ${formatSeconds(worst.seconds)}`,
        evidence: [`${count} "took too long" line(s) in recent logs; worst ${formatSeconds(worst.seconds)}:`, worst.line.length > 400 ? `${worst.line.slice(0, 400)}…` : worst.line],
        fix: 'none: manual (etcd disk latency: move etcd to SSD / check fsync)',
      },
    ];
  },
};

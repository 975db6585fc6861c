import { RunCollector } from '../../src/report/collect.js';
import type { RunEvent } from '../../src/exec/events.js';

/** Names and messages as hostile as a host or a user can make them. */
export const HOSTILE = 'x<y>&"\'  ]]> \u0000\u0007\u001b[31mred\u001b[0m \uD800 \uFFFE end';

/** A run over three hosts: web1 (every task status), down (unreachable), lost (failed outside tasks). */
export function sampleEvents(dryRun = false, title = HOSTILE): RunEvent[] {
  return [
    { type: 'start', runId: '20250101T000000Z-abcd', playbook: 'reset-node', dryRun, hosts: ['web1', 'down', 'lost'], params: { cni: 'flannel', note: title } },
    { type: 'phase', host: 'web1', phase: 'connecting' },
    { type: 'phase', host: 'down', phase: 'connecting' },
    { type: 'host', host: 'down', result: 'unreachable', message: `connect ECONNREFUSED ${title}`, durationMs: 12 },
    { type: 'phase', host: 'web1', phase: 'probing' },
    { type: 'phase', host: 'web1', phase: 'applying' },
    { type: 'progress', host: 'web1', task: 'flush', index: 1 },
    { type: 'progress', host: 'web1', task: title, index: 2 },
    { type: 'phase', host: 'web1', phase: 'verifying' },
    { type: 'task', host: 'web1', task: 'detect CNI', index: 0, status: 'ok', message: 'cni=flannel' },
    {
      type: 'task', host: 'web1', task: 'flush iptables filter table', index: 1, status: dryRun ? 'pending' : 'changed',
      message: 'filter: flush 2 rule(s)', summary: 'filter: flush 2 rule(s)', diff: '- -A FORWARD -j DOCKER\n- -A INPUT -j DROP\n+ (empty)',
    },
    { type: 'task', host: 'web1', task: title, index: 2, status: 'failed', message: `exit 1: ${title}` },
    { type: 'task', host: 'web1', task: 'link cni0 absent', index: 3, status: 'skipped', message: 'not run: an earlier step failed on this host' },
    { type: 'host', host: 'web1', result: 'failed', message: `${title}: exit 1`, durationMs: 1500 },
    { type: 'host', host: 'lost', result: 'failed', message: 'probing stopped early on lost: connection reset', durationMs: 40 },
    {
      type: 'recap', runId: '20250101T000000Z-abcd', durationMs: 1600,
      hosts: {
        web1: { ok: 1, changed: dryRun ? 0 : 1, pending: dryRun ? 1 : 0, failed: 1, skipped: 1, unreachable: false },
        down: { ok: 0, changed: 0, pending: 0, failed: 0, skipped: 0, unreachable: true },
        lost: { ok: 0, changed: 0, pending: 0, failed: 1, skipped: 0, unreachable: false },
      },
    },
  ];
}

/** Feeds events through a collector with a clock that advances 100 ms per event. */
export function collect(events: RunEvent[]) {
  let t = 1_700_000_000_000;
  const c = new RunCollector(() => (t += 100));
  for (const ev of events) c.emit(ev);
  return c.record!;
}

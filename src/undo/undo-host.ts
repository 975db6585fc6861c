import { runBackupDir } from '../backup/layout.js';
import type { HostRunOptions, HostOutcome } from '../exec/host-runner.js';
import { executeSteps } from '../exec/steps.js';
import type { Host } from '../inventory/types.js';
import type { EmitFn } from '../exec/events.js';
import type { HostConnection } from '../ssh/connection.js';
import { ALREADY, backupProbeScript, parseBackupProbe, restoreSteps } from './restore.js';

/** Undo one run on one host: read its backup manifest (one exec), restore (one exec). */
export async function undoHost(conn: HostConnection, host: Host, runId: string, opts: HostRunOptions, emit: EmitFn): Promise<HostOutcome> {
  const dir = runBackupDir(opts.backupRoot, runId);
  emit({ type: 'phase', host: host.name, phase: 'probing' });
  const probe = await conn.exec(backupProbeScript(dir), { timeoutMs: opts.commandTimeoutMs });
  const backup = parseBackupProbe(probe.stdout);
  if (!backup.exists) return { result: 'failed', message: `no backup of run ${runId} on this host (${dir}); \`kremedy runs\` lists them` };
  const { steps, cannot } = restoreSteps(dir, backup.manifest, backup.files);
  const task = (index: number, title: string, status: 'ok' | 'changed' | 'pending' | 'failed' | 'skipped', message?: string) =>
    emit({ type: 'task', host: host.name, task: title, index, status, ...(message ? { message } : {}) });
  let failed = cannot.length > 0;
  if (!opts.dryRun && steps.length > 0) emit({ type: 'phase', host: host.name, phase: 'applying' });
  const result = opts.dryRun
    ? undefined
    : await executeSteps(conn, steps.map((s, index) => ({ index, commands: s.commands })), {
        timeoutMs: opts.commandTimeoutMs * Math.max(1, steps.length),
        stopRequested: opts.stopRequested,
      });
  steps.forEach((s, i) => {
    if (!result) return task(i, s.title, 'pending');
    const o = result.outcomes.get(i);
    if (o === undefined || o === 'stopped') {
      failed ||= o === undefined;
      return task(i, s.title, 'skipped', o === 'stopped' ? 'not run: interrupted' : `not run: ${result.execError?.message ?? 'an earlier step failed'}`);
    }
    if (o.rc !== 0) {
      failed = true;
      return task(i, s.title, 'failed', `exit ${o.rc}: ${o.output.trim().split('\n').slice(-2).join(' | ')}`);
    }
    return o.output.includes(ALREADY) ? task(i, s.title, 'ok', 'already as in the backup') : task(i, s.title, 'changed', 'restored');
  });
  cannot.forEach((why, j) => task(steps.length + j, why.split(':')[0]!, 'failed', `cannot restore: ${why}`));
  return failed ? { result: 'failed', message: cannot.length ? `some items could not be restored: ${cannot.join('; ')}` : 'a restore step failed' } : { result: 'ok' };
}

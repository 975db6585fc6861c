import type { ParamValues, Task } from '../dsl/types.js';
import type { Host } from '../inventory/types.js';
import { emptyRecap, type EmitFn, type HostRecap, type RunEvent } from '../report/events.js';
import { HostConnection, HostUnreachableError, type HostKeyPolicy } from '../ssh/connection.js';
import { loadPrivateKeys } from './credentials.js';
import { runHost, type HostOutcome } from './host-runner.js';
import { forEachLimited } from './pool.js';

export interface RunOptions {
  runId: string;
  playbookName: string;
  tasks: readonly Task[];
  params: ParamValues;
  hosts: readonly Host[];
  dryRun: boolean;
  forks: number;
  hostKeys: HostKeyPolicy;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  backupRoot?: string;
  /** Set by the CLI's signal handler: no new host or step starts once it is set. */
  interrupt?: { signal?: 'SIGINT' | 'SIGTERM' };
}

export interface RunSummary {
  runId: string;
  recap: Record<string, HostRecap>;
  outcomes: Map<string, HostOutcome | { result: 'unreachable'; message: string }>;
  interrupted?: 'SIGINT' | 'SIGTERM';
}

export const DEFAULT_BACKUP_ROOT = '/var/lib/kremedy/backups';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runPlaybook(opts: RunOptions, emit: EmitFn): Promise<RunSummary> {
  const started = Date.now();
  const keys = loadPrivateKeys(opts.hosts);
  const recap: Record<string, HostRecap> = Object.fromEntries(opts.hosts.map((h) => [h.name, emptyRecap()]));
  const outcomes: RunSummary['outcomes'] = new Map();
  const countingEmit: EmitFn = (ev: RunEvent) => {
    if (ev.type === 'task') recap[ev.host]![ev.status === 'ok' ? 'ok' : ev.status]++;
    emit(ev);
  };
  emit({ type: 'start', runId: opts.runId, playbook: opts.playbookName, dryRun: opts.dryRun, hosts: opts.hosts.map((h) => h.name), params: opts.params });
  const stopRequested = () => opts.interrupt?.signal !== undefined;

  const notStarted = await forEachLimited(
    opts.hosts,
    opts.forks,
    async (host) => {
      const t0 = Date.now();
      countingEmit({ type: 'phase', host: host.name, phase: 'connecting' });
      let conn: HostConnection | undefined;
      try {
        conn = await HostConnection.open({
          host,
          ...(host.privateKeyFile ? { privateKey: keys.get(host.privateKeyFile)! } : {}),
          ...(process.env['SSH_AUTH_SOCK'] ? { agent: process.env['SSH_AUTH_SOCK'] } : {}),
          hostKeys: opts.hostKeys,
          connectTimeoutMs: opts.connectTimeoutMs,
        });
      } catch (err) {
        const message = err instanceof HostUnreachableError ? err.message : String(err);
        recap[host.name]!.unreachable = true;
        outcomes.set(host.name, { result: 'unreachable', message });
        countingEmit({ type: 'host', host: host.name, result: 'unreachable', message, durationMs: Date.now() - t0 });
        return;
      }
      try {
        const outcome = await runHost(
          conn,
          host,
          opts.tasks,
          opts.params,
          { runId: opts.runId, dryRun: opts.dryRun, commandTimeoutMs: opts.commandTimeoutMs, backupRoot: opts.backupRoot ?? DEFAULT_BACKUP_ROOT, stopRequested },
          countingEmit,
        );
        outcomes.set(host.name, outcome);
        countingEmit({ type: 'host', host: host.name, result: outcome.result, ...(outcome.message ? { message: outcome.message } : {}), durationMs: Date.now() - t0 });
      } catch (err) {
        // Anything that escapes runHost (connection lost while probing, timeouts) fails this host only.
        const message = (err as Error).message;
        recap[host.name]!.failed++;
        outcomes.set(host.name, { result: 'failed', message });
        countingEmit({ type: 'host', host: host.name, result: 'failed', message, durationMs: Date.now() - t0 });
      } finally {
        conn.close();
      }
    },
    stopRequested,
  );
  for (const host of notStarted) {
    outcomes.set(host.name, { result: 'failed', message: 'not started: interrupted' });
    countingEmit({ type: 'host', host: host.name, result: 'failed', message: 'not started: interrupted', durationMs: 0 });
  }
  const interrupted = opts.interrupt?.signal;
  emit({ type: 'recap', runId: opts.runId, hosts: recap, durationMs: Date.now() - started, ...(interrupted ? { interrupted } : {}) });
  return { runId: opts.runId, recap, outcomes, ...(interrupted ? { interrupted } : {}) };
}

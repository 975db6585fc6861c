import { DEFAULT_BACKUP_ROOT, DEFAULT_KEEP_BACKUPS } from '../backup/layout.js';
import type { ParamValues, Task } from '../dsl/types.js';
import type { Host } from '../inventory/types.js';
import type { HostPlan } from '../plan/types.js';
import { emptyRecap, type EmitFn, type HostRecap, type RunEvent } from './events.js';
import { HostUnreachableError, type HostConnection } from '../ssh/connection.js';
import { splitBatches } from './batches.js';
import type { HostAccess } from '../ssh/access.js';
import { hostConnector } from './connector.js';
import { applySavedPlan, runHost, type HostOutcome, type HostRunOptions } from './host-runner.js';
import { forEachLimited } from './pool.js';

export interface ConnectionSettings extends HostAccess {
  forks: number;
  commandTimeoutMs: number;
  /** Hosts per batch (--serial); all at once when undefined. */
  batchSize?: number;
  /** Failed + unreachable hosts tolerated before no new batch starts (--max-fail). */
  maxFail?: number;
  backupRoot?: string;
  keepBackups?: number;
  /** Set by the CLI's signal handler: no new host or step starts once it is set. */
  interrupt?: Interrupt;
}

export interface Interrupt {
  signal?: 'SIGINT' | 'SIGTERM';
  /** Hosts being worked on right now: what a forced exit (second signal) leaves mid-way. */
  active?: Set<string>;
}

export interface RunOptions extends ConnectionSettings {
  runId: string;
  playbookName: string;
  tasks: readonly Task[];
  params: ParamValues;
  hosts: readonly Host[];
  dryRun: boolean;
}


export interface RunSummary {
  runId: string;
  recap: Record<string, HostRecap>;
  outcomes: Map<string, HostOutcome>;
  interrupted?: 'SIGINT' | 'SIGTERM';
}


export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

type HostWork = (conn: HostConnection, host: Host, opts: HostRunOptions, emit: EmitFn) => Promise<HostOutcome>;

/** The run's bookkeeping: the recap counted from task events, each host's outcome and its `host` event. */
class Tally {
  readonly recap: Record<string, HostRecap>;
  readonly outcomes: RunSummary['outcomes'] = new Map();
  /** Passes events on, counting task statuses into the recap. */
  readonly emit: EmitFn;

  constructor(hosts: readonly Host[], out: EmitFn) {
    this.recap = Object.fromEntries(hosts.map((h) => [h.name, emptyRecap()]));
    this.emit = (ev: RunEvent) => {
      if (ev.type === 'task') this.recap[ev.host]![ev.status]++;
      out(ev);
    };
  }

  end(host: string, outcome: HostOutcome, durationMs: number): void {
    this.outcomes.set(host, outcome);
    const recap = this.recap[host]!;
    if (outcome.result === 'unreachable') recap.unreachable = true;
    // A host refused as a whole (drift, a missing backup) failed even if no single task did.
    if (outcome.result === 'failed' && recap.failed === 0) recap.failed = 1;
    this.emit({ type: 'host', host, result: outcome.result, ...(outcome.message ? { message: outcome.message } : {}), durationMs });
  }

  failures(): number {
    return [...this.outcomes.values()].filter((o) => o.result === 'failed' || o.result === 'unreachable').length;
  }
}

function hostRunOptions(meta: { runId: string; dryRun: boolean }, settings: ConnectionSettings): HostRunOptions {
  return {
    runId: meta.runId,
    dryRun: meta.dryRun,
    commandTimeoutMs: settings.commandTimeoutMs,
    backupRoot: settings.backupRoot ?? DEFAULT_BACKUP_ROOT,
    keepBackups: settings.keepBackups ?? DEFAULT_KEEP_BACKUPS,
    stopRequested: () => settings.interrupt?.signal !== undefined,
  };
}

/** One host: connect (unreachable on failure), the work, the session closed; nothing escapes to the other hosts. */
async function workOnHost(host: Host, connect: (host: Host) => Promise<HostConnection>, work: HostWork, opts: HostRunOptions, tally: Tally): Promise<void> {
  const t0 = Date.now();
  tally.emit({ type: 'phase', host: host.name, phase: 'connecting' });
  let conn: HostConnection;
  try {
    conn = await connect(host);
  } catch (err) {
    const message = err instanceof HostUnreachableError ? err.message : String(err);
    tally.end(host.name, { result: 'unreachable', message }, Date.now() - t0);
    return;
  }
  try {
    tally.end(host.name, await work(conn, host, opts, tally.emit), Date.now() - t0);
  } catch (err) {
    // Anything that escapes the host's work (connection lost while probing, timeouts) fails this host only.
    tally.recap[host.name]!.failed++;
    tally.end(host.name, { result: 'failed', message: (err as Error).message }, Date.now() - t0);
  } finally {
    conn.close();
  }
}

/**
 * The executor: connections, parallelism, batches and the failure budget, around a per-host
 * function. A host's failure never stops the others; only the failure budget stops new batches.
 */
export async function runOnHosts(
  meta: { runId: string; playbookName: string; dryRun: boolean; params: ParamValues; hosts: readonly Host[] },
  settings: ConnectionSettings,
  work: HostWork,
  emit: EmitFn,
): Promise<RunSummary> {
  const started = Date.now();
  const connect = hostConnector(meta.hosts, settings);
  const tally = new Tally(meta.hosts, emit);
  emit({ type: 'start', runId: meta.runId, playbook: meta.playbookName, dryRun: meta.dryRun, hosts: meta.hosts.map((h) => h.name), params: meta.params });
  const opts = hostRunOptions(meta, settings);
  const one = async (host: Host) => {
    settings.interrupt?.active?.add(host.name);
    try {
      await workOnHost(host, connect, work, opts, tally);
    } finally {
      settings.interrupt?.active?.delete(host.name);
    }
  };
  for (const { host, why } of await runBatches(meta.hosts, settings, one, tally)) tally.end(host.name, { result: 'not-started', message: why }, 0);
  const signal = settings.interrupt?.signal;
  emit({ type: 'recap', runId: meta.runId, hosts: tally.recap, durationMs: Date.now() - started, ...(signal ? { interrupted: signal } : {}) });
  return { runId: meta.runId, recap: tally.recap, outcomes: tally.outcomes, ...(signal ? { interrupted: signal } : {}) };
}

/** Batch after batch (--serial), --forks hosts at once; returns the hosts not started (interrupt, --max-fail) and why. */
async function runBatches(hosts: readonly Host[], settings: ConnectionSettings, one: (host: Host) => Promise<void>, tally: Tally): Promise<Array<{ host: Host; why: string }>> {
  const interrupted = () => settings.interrupt?.signal !== undefined;
  const budgetSpent = () => settings.maxFail !== undefined && tally.failures() > settings.maxFail;
  const notStarted: Array<{ host: Host; why: string }> = [];
  for (const batch of splitBatches(hosts, settings.batchSize ?? Math.max(1, hosts.length))) {
    if (interrupted() || budgetSpent()) {
      const why = interrupted() ? 'not started: interrupted' : `not started: failure budget spent (${tally.failures()} failed or unreachable, --max-fail ${settings.maxFail})`;
      notStarted.push(...batch.map((host) => ({ host, why })));
      continue;
    }
    const skipped = await forEachLimited(batch, settings.forks, one, interrupted);
    notStarted.push(...skipped.map((host) => ({ host, why: 'not started: interrupted' })));
  }
  return notStarted;
}

export function runPlaybook(opts: RunOptions, emit: EmitFn): Promise<RunSummary> {
  return runOnHosts(opts, opts, (conn, host, hostOpts, e) => runHost(conn, host, opts.tasks, opts.params, hostOpts, e), emit);
}

/** Apply previously made host plans (a plan file, or a confirmed plan), refusing drifted hosts. */
export function applyPlans(
  meta: { runId: string; playbookName: string; params: ParamValues; hosts: readonly Host[] },
  plans: ReadonlyMap<string, HostPlan>,
  settings: ConnectionSettings,
  emit: EmitFn,
): Promise<RunSummary> {
  return runOnHosts({ ...meta, dryRun: false }, settings, (conn, host, hostOpts, e) => {
    const plan = plans.get(host.name);
    if (!plan) return Promise.resolve({ result: 'failed', message: 'no plan for this host' });
    return applySavedPlan(conn, host, plan, meta.params, hostOpts, e);
  }, emit);
}

/** The plan each host got, from a run's outcomes (hosts that never got one are left out). */
export function plansOf(summary: RunSummary): Map<string, HostPlan> {
  const plans = new Map<string, HostPlan>();
  for (const [host, o] of summary.outcomes) if ('plan' in o && o.plan) plans.set(host, o.plan);
  return plans;
}

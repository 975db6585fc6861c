// One host's run: probe, plan, and apply (or report) it; the probe round is probe-round.ts's,
// the re-probe after the steps verify.ts's, the steps' wire protocol steps.ts's.
import { pruneCommand, runBackupDir } from '../backup/layout.js';
import type { ParamValues, Task } from '../dsl/types.js';
import type { Host } from '../inventory/types.js';
import { detectDrift } from '../plan/drift.js';
import { planHost, probesFor } from '../plan/planner.js';
import { changeOutcome, plannedStatus, type ApplyResult, type LadderState } from '../plan/status.js';
import type { HostPlan, PendingTask, TaskPlan } from '../plan/types.js';
import type { EmitFn, HostResult, TaskStatus } from './events.js';
import type { HostConnection, ShellSession } from '../ssh/connection.js';
import { finishShell, openAndProbe } from './probe-round.js';
import { fuseSteps } from './fuse.js';
import { executeSteps } from './steps.js';
import { verifyChanges } from './verify.js';


export interface HostRunOptions {
  runId: string;
  dryRun: boolean;
  commandTimeoutMs: number;
  backupRoot: string;
  /** Backups kept per host after a run that changed something (older ones are pruned). */
  keepBackups: number;
  /** Checked before every step: once true, the host stops between steps. */
  stopRequested: () => boolean;
}

/** How a host ended, with its plan when it got that far; a host never worked on has only a reason. */
export type HostOutcome =
  | { result: Extract<HostResult, 'ok' | 'failed'>; message?: string; plan?: HostPlan }
  | { result: Extract<HostResult, 'unreachable' | 'not-started'>; message: string };

type EmitTask = (t: TaskPlan, status: TaskStatus, message?: string) => void;

function taskEmitter(host: string, emit: EmitFn): EmitTask {
  return (t, status, message) =>
    emit({
      type: 'task',
      host,
      task: t.title,
      index: t.index,
      status,
      ...(message ? { message } : {}),
      ...(t.status === 'pending' ? { summary: t.summary, diff: t.diff } : {}),
    });
}

/** Report a plan without acting: a dry run, or a host refused before any step. */
function reportPlan(plan: HostPlan, emitTask: EmitTask, dryRun: boolean): HostOutcome {
  const refusedBy = plan.tasks.find((t) => t.status === 'failed');
  for (const t of plan.tasks) {
    const p = plannedStatus(t);
    if (t.status === 'pending' && refusedBy && !dryRun) emitTask(t, 'skipped', `not applied: host refused at "${refusedBy.title}"`);
    else emitTask(t, p.status, p.message);
  }
  return refusedBy ? { result: 'failed', message: `${refusedBy.title}: ${refusedBy.message}`, plan } : { result: 'ok', plan };
}

/** Probe, plan, and unless this is a dry run, apply what the plan says. */
export async function runHost(
  conn: HostConnection,
  host: Host,
  tasks: readonly Task[],
  params: ParamValues,
  opts: HostRunOptions,
  emit: EmitFn,
): Promise<HostOutcome> {
  emit({ type: 'phase', host: host.name, phase: 'probing' });
  const probed = await openAndProbe(conn, probesFor(tasks), opts.commandTimeoutMs);
  const plan = planHost({ host: host.name, tasks, params, facts: probed.facts, results: probed.results, backupDir: backupDirOf(opts) });
  if (opts.dryRun || plan.verdict !== 'changes') {
    await finishShell(probed.session);
    return reportPlan(plan, taskEmitter(host.name, emit), opts.dryRun);
  }
  return applyHostPlan(conn, probed.session, host, tasks, params, plan, opts, emit);
}

/**
 * Apply a plan made earlier (a plan file, or the plan a person just confirmed): probe again
 * first, and refuse the host if anything the plan was decided from has changed since.
 */
export async function applySavedPlan(
  conn: HostConnection,
  host: Host,
  plan: HostPlan,
  params: ParamValues,
  opts: HostRunOptions,
  emit: EmitFn,
): Promise<HostOutcome> {
  const tasks: Task[] = plan.tasks.map((t) => ({ title: t.title, spec: t.spec }));
  emit({ type: 'phase', host: host.name, phase: 'probing' });
  const probed = await openAndProbe(conn, probesFor(tasks), opts.commandTimeoutMs);
  const drift = detectDrift(plan, probed.facts, probed.results);
  if (drift.length > 0 || plan.verdict !== 'changes') await finishShell(probed.session);
  const emitTask = taskEmitter(host.name, emit);
  if (drift.length > 0) {
    const report = drift.map((d) => `${d.what}:\n  planned against:\n${indent(d.planned)}\n  now:\n${indent(d.now)}`).join('\n');
    for (const t of plan.tasks) {
      if (t.status === 'pending') emitTask(t, 'skipped', 'not applied: the host drifted since the plan was made');
    }
    emit({ type: 'drift', host: host.name, drift });
    return { result: 'failed', message: `state changed since the plan was made; refusing to apply:\n${report}`, plan };
  }
  if (plan.verdict !== 'changes') return reportPlan(plan, emitTask, false);
  return applyHostPlan(conn, probed.session, host, tasks, params, plan, opts, emit);
}

const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');
const backupDirOf = (opts: HostRunOptions) => runBackupDir(opts.backupRoot, opts.runId);

async function applyHostPlan(
  conn: HostConnection,
  session: ShellSession,
  host: Host,
  tasks: readonly Task[],
  params: ParamValues,
  plan: HostPlan,
  opts: HostRunOptions,
  emit: EmitFn,
): Promise<HostOutcome> {
  const emitTask = taskEmitter(host.name, emit);
  emit({ type: 'phase', host: host.name, phase: 'applying' });
  const changes = plan.tasks.filter((t): t is PendingTask => t.status === 'pending');
  const verifyProbes = probesFor(changes.map((t) => tasks[t.index]!), { facts: false });
  const { outcomes: outcome, verified: verifyResults, execError, partialOutput } = await executeSteps(
    conn,
    fuseSteps(changes, backupDirOf(opts)),
    {
      timeoutMs: opts.commandTimeoutMs * Math.max(1, changes.length),
      stopRequested: opts.stopRequested,
      session,
      epilogue: pruneCommand(opts.backupRoot, opts.keepBackups),
      verify: verifyProbes,
      onStart: (index, members) => {
        const t = plan.tasks[index];
        const others = members.filter((i) => i !== index);
        if (t) emit({ type: 'progress', host: host.name, task: t.title, index, ...(others.length ? { with: others } : {}) });
      },
    },
  );

  const ran = changes.filter((t) => {
    const o = outcome.get(t.index);
    return o !== undefined && o !== 'stopped' && o.rc === 0;
  });
  const { verified, verifyError } =
    ran.length > 0 && !execError
      ? await verifyChanges({
          conn, host, ran, tasks, params, plan, alreadyProbed: verifyResults, probesAsked: verifyProbes.length,
          timeoutMs: opts.commandTimeoutMs, backupDir: backupDirOf(opts), emit,
        })
      : { verified: new Map<number, TaskPlan>() };

  const ladder: LadderState = { stopped: false };
  const applied: ApplyResult = { ...(execError ? { execError } : {}), partialOutput, ...(verifyError ? { verifyError } : {}) };
  for (const t of plan.tasks) {
    const end = t.status === 'pending' ? changeOutcome(t, outcome.get(t.index), verified.get(t.index), applied, ladder) : plannedStatus(t);
    emitTask(t, end.status, end.message);
  }
  const failure = ladder.failure;
  if (failure) return { result: 'failed', message: failure, plan };
  return { result: 'ok', plan };
}


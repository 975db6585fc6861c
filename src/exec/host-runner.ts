import type { ParamValues, Task } from '../dsl/types.js';
import { factsFrom } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import type { Host } from '../inventory/types.js';
import { planHost, probesFor } from '../plan/planner.js';
import type { HostPlan, TaskPlan } from '../plan/types.js';
import type { EmitFn, TaskStatus } from '../report/events.js';
import { CommandAbortedError, HostConnection } from '../ssh/connection.js';
import { buildProbeScript, buildStepScript, newNonce, parseProbeOutput, StepStreamParser, type ProbeResult } from './probe-script.js';

export interface HostRunOptions {
  runId: string;
  dryRun: boolean;
  commandTimeoutMs: number;
  backupRoot: string;
  /** Checked before every step: once true, the host stops between steps. */
  stopRequested: () => boolean;
}

export type HostOutcome = { result: 'ok' | 'failed'; message?: string; plan?: HostPlan };

export async function probeHost(conn: HostConnection, tasks: readonly Task[], timeoutMs: number): Promise<{ facts: Facts; results: Map<string, ProbeResult> }> {
  const probes = probesFor(tasks);
  const nonce = newNonce();
  const res = await conn.exec(buildProbeScript(probes, nonce), { timeoutMs });
  const results = parseProbeOutput(res.stdout, nonce, probes);
  if (results.size < probes.length) {
    const why = res.stderr.trim() || `exit ${res.code}`;
    throw new CommandAbortedError(`probing stopped early on ${conn.host.name}: ${why.split('\n').slice(-3).join(' ')}`);
  }
  return { facts: factsFrom(results), results };
}

function finalStatus(plan: TaskPlan, dryRun: boolean): { status: TaskStatus; message?: string } {
  switch (plan.status) {
    case 'ok':
      return { status: 'ok', message: plan.message };
    case 'skip':
      return { status: 'skipped', message: plan.message };
    case 'fail':
      return { status: 'failed', message: plan.message };
    case 'change':
      return dryRun ? { status: 'pending', message: plan.summary } : { status: 'changed', message: plan.summary };
  }
}

/**
 * One host, start to end, on one connection: probe everything in one exec, plan, then (unless
 * dry run) run all steps in one exec, and probe again to prove each change converged.
 */
export async function runHost(
  conn: HostConnection,
  host: Host,
  tasks: readonly Task[],
  params: ParamValues,
  opts: HostRunOptions,
  emit: EmitFn,
): Promise<HostOutcome> {
  const backupDir = `${opts.backupRoot}/${opts.runId}`;
  emit({ type: 'phase', host: host.name, phase: 'probing' });
  const probed = await probeHost(conn, tasks, opts.commandTimeoutMs);
  const plan = planHost({ host: host.name, tasks, params, facts: probed.facts, results: probed.results, backupDir });
  const emitTask = (t: TaskPlan, status: TaskStatus, message?: string) =>
    emit({
      type: 'task',
      host: host.name,
      task: t.title,
      index: t.index,
      status,
      ...(message ? { message } : {}),
      ...(t.status === 'change' ? { summary: t.summary, diff: t.diff } : {}),
    });

  if (opts.dryRun || plan.verdict !== 'changes') {
    const refusedBy = plan.tasks.find((t) => t.status === 'fail');
    for (const t of plan.tasks) {
      const f = finalStatus(t, true);
      if (t.status === 'change' && refusedBy && !opts.dryRun) emitTask(t, 'skipped', `not applied: host refused at "${refusedBy.title}"`);
      else emitTask(t, f.status, f.message);
    }
    return refusedBy
      ? { result: 'failed', message: `${refusedBy.title}: ${refusedBy.message}`, plan }
      : { result: 'ok', plan };
  }
  return applyPlan(conn, host, tasks, params, plan, opts, emitTask, emit);
}

async function applyPlan(
  conn: HostConnection,
  host: Host,
  tasks: readonly Task[],
  params: ParamValues,
  plan: HostPlan,
  opts: HostRunOptions,
  emitTask: (t: TaskPlan, status: TaskStatus, message?: string) => void,
  emit: EmitFn,
): Promise<HostOutcome> {
  emit({ type: 'phase', host: host.name, phase: 'applying' });
  const changes = plan.tasks.filter((t): t is Extract<TaskPlan, { status: 'change' }> => t.status === 'change');
  const nonce = newNonce();
  const script = buildStepScript(
    changes.map((t) => ({ index: t.index, commands: [...t.backup, ...t.commands] })),
    nonce,
  );
  const parser = new StepStreamParser(nonce);
  const outcome = new Map<number, { rc: number; output: string } | 'stopped'>();
  let execError: Error | undefined;
  try {
    await conn.exec(script, {
      timeoutMs: opts.commandTimeoutMs * Math.max(1, changes.length),
      keepStdinOpen: true,
      onStdout: (chunk, channel) => {
        for (const ev of parser.feed(chunk)) {
          if (ev.type === 'ready') {
            const go = !opts.stopRequested();
            if (go) {
              const t = plan.tasks[ev.index];
              if (t) emit({ type: 'progress', host: host.name, task: t.title, index: ev.index });
            }
            channel.write(go ? 'go\n' : 'stop\n');
          } else if (ev.type === 'end') {
            outcome.set(ev.index, { rc: ev.rc, output: ev.output });
          } else if (ev.type === 'stopped') {
            outcome.set(ev.index, 'stopped');
          } else if (ev.type === 'done') {
            channel.end();
          }
        }
      },
    });
  } catch (err) {
    execError = err as Error;
  }

  // Re-probe: a step counts as changed only if the state it aimed for is now observed.
  let verified: HostPlan | undefined;
  let verifyError: Error | undefined;
  const anyRan = [...outcome.values()].some((o) => o !== 'stopped' && o.rc === 0);
  if (anyRan && !execError) {
    emit({ type: 'phase', host: host.name, phase: 'verifying' });
    try {
      const again = await probeHost(conn, tasks, opts.commandTimeoutMs);
      verified = planHost({ host: host.name, tasks, params, facts: again.facts, results: again.results, backupDir: `${opts.backupRoot}/${opts.runId}` });
    } catch (err) {
      verifyError = err as Error;
    }
  }

  let failure: string | undefined;
  let stopped = false;
  for (const t of plan.tasks) {
    if (t.status !== 'change') {
      const f = finalStatus(t, false);
      emitTask(t, f.status, f.message);
      continue;
    }
    const o = outcome.get(t.index);
    if (failure) {
      emitTask(t, 'skipped', 'not run: an earlier step failed on this host');
    } else if (o === 'stopped' || (o === undefined && stopped)) {
      stopped = true;
      emitTask(t, 'skipped', 'not run: interrupted');
    } else if (o === undefined) {
      failure = `${t.title}: ${execError ? execError.message : 'step did not report back'}`;
      const partial = parser.partialOutput.trim();
      emitTask(t, 'failed', execError ? `${execError.message}${partial ? `; output so far: ${partial.slice(-500)}` : ''}` : 'step did not report back');
    } else if (o.rc !== 0) {
      failure = `${t.title}: exit ${o.rc}: ${lastLines(o.output)}`;
      emitTask(t, 'failed', `exit ${o.rc}: ${lastLines(o.output) || '(no output)'}`);
    } else if (verifyError) {
      failure = `${t.title}: ran, but could not verify: ${verifyError.message}`;
      emitTask(t, 'failed', `ran, but could not verify: ${verifyError.message}`);
    } else {
      const after = verified?.tasks[t.index];
      if (after && after.status !== 'ok' && after.status !== 'skip') {
        const why = after.status === 'change' ? `still to do: ${after.summary}` : after.message;
        failure = `${t.title}: did not converge (${why})`;
        emitTask(t, 'failed', `ran without error but did not converge: ${why}`);
      } else {
        emitTask(t, 'changed', t.summary);
      }
    }
  }
  if (failure) return { result: 'failed', message: failure, plan };
  return { result: 'ok', plan };
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

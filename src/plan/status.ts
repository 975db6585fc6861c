// The status vocabulary from decide to report, in one place: one set of words, each stage using
// the part that can be true of it. An operation decides ok / pending / failed (ops/types.ts
// Decision); the plan adds skipped (a `when` that did not hold) in TaskPlan; applying a pending
// change makes it changed, failed or skipped. TaskStatus is the whole set, which the reports,
// the JSON events and the plan file all use. plannedStatus reports a plan as it stands,
// changeOutcome (the "outcome ladder") says how a pending change ended.
import type { PendingTask, TaskPlan } from './types.js';

/** What is reported for a task (JSON Lines, recap, JUnit, HTML). */
export type TaskStatus = 'ok' | 'changed' | 'pending' | 'failed' | 'skipped';

export interface TaskEnd {
  status: TaskStatus;
  message: string;
}

/** A task reported as planned, nothing applied: a dry run, or a task that had nothing to apply. */
export function plannedStatus(t: TaskPlan): TaskEnd {
  // The plan's words are the report's (a type error here if they ever part).
  return { status: t.status, message: t.status === 'pending' ? t.summary : t.message };
}

/** What the step of one planned change did: its exit and output, stopped before it ran, or no report at all (undefined). */
export type StepResult = { rc: number; output: string } | 'stopped' | undefined;

/** What held for the whole host once its steps were over. */
export interface ApplyResult {
  /** The exec itself failed (connection lost, timeout): steps that did not report back failed with it. */
  execError?: Error;
  /** Output received before the exec failed. */
  partialOutput: string;
  /** The re-probe after the steps failed: a step that ran cannot be called changed. */
  verifyError?: Error;
}

/** Carried from one change to the next, in plan order: the first failure, and whether the host was stopped. */
export interface LadderState {
  failure?: string;
  stopped: boolean;
}

const lastLines = (text: string, n = 3) => text.trim().split('\n').slice(-n).join(' | ');

/**
 * The outcome ladder: how a planned change ended, first rung that applies wins. A failed step
 * fails (every task of a fused step with its error); after a failure the rest are skipped; after
 * an interrupt, skipped; no report back is a failure (the exec's error); a step that ran but
 * could not be verified, or whose decision on the new state (`after`) is not "ok", failed;
 * else it changed. Updates `state` for the next change.
 */
export function changeOutcome(
  t: PendingTask,
  step: StepResult,
  after: TaskPlan | undefined,
  host: ApplyResult,
  state: LadderState,
): TaskEnd {
  if (step !== undefined && step !== 'stopped' && step.rc !== 0) {
    state.failure ??= `${t.title}: exit ${step.rc}: ${lastLines(step.output)}`;
    return { status: 'failed', message: `exit ${step.rc}: ${lastLines(step.output) || '(no output)'}` };
  }
  if (state.failure) return { status: 'skipped', message: 'not run: an earlier step failed on this host' };
  if (step === 'stopped' || (step === undefined && state.stopped)) {
    state.stopped = true;
    return { status: 'skipped', message: 'not run: interrupted' };
  }
  if (step === undefined) {
    const partial = host.partialOutput.trim();
    const why = host.execError ? host.execError.message : 'the step did not report back';
    state.failure = `${t.title}: ${why}`;
    return { status: 'failed', message: `${why}${partial ? `; output so far: ${partial.slice(-500)}` : ''}` };
  }
  if (host.verifyError) {
    state.failure = `${t.title}: ran, but could not verify: ${host.verifyError.message}`;
    return { status: 'failed', message: `ran, but could not verify: ${host.verifyError.message}` };
  }
  if (after && after.status !== 'ok') {
    const why = after.status === 'pending' ? `still to do: ${after.summary}` : after.status === 'failed' ? after.message : after.status;
    state.failure = `${t.title}: did not converge (${why})`;
    return { status: 'failed', message: `ran without error but did not converge: ${why}` };
  }
  return { status: 'changed', message: t.summary };
}

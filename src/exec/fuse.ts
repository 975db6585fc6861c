import { restoreCommands, type IptablesRestore } from '../ops/iptables-restore.js';
import type { TaskPlan } from '../plan/types.js';
import type { StepRequest } from './probe-script.js';

export type ChangePlan = Extract<TaskPlan, { status: 'change' }>;

/**
 * The steps a host runs for its planned changes. The plan keeps one task per change (what a
 * person reviews, and what is reported); at apply, consecutive iptables changes (in plan order,
 * tasks with nothing to do in between do not break a run) become one step: every backup they
 * need, then one `iptables-restore --noflush` per family holding all their tables. Every other
 * change is a step of its own. A fused step's outcome is the outcome of each of its tasks.
 */
export function fuseSteps(changes: readonly ChangePlan[]): StepRequest[] {
  const steps: StepRequest[] = [];
  let run: Array<ChangePlan & { restore: IptablesRestore }> = [];
  const endRun = () => {
    if (run.length === 0) return;
    steps.push({
      index: run[0]!.index,
      ...(run.length > 1 ? { members: run.map((t) => t.index) } : {}),
      // Tasks on one table back it up with the same lines: each is needed once.
      commands: [...new Set(run.flatMap((t) => t.backup)), ...restoreCommands(run.map((t) => t.restore))],
    });
    run = [];
  };
  for (const t of changes) {
    if (t.restore) {
      run.push(t as ChangePlan & { restore: IptablesRestore });
      continue;
    }
    endRun();
    steps.push({ index: t.index, commands: [...t.backup, ...t.commands] });
  }
  endRun();
  return steps;
}

/** The tasks a step stands for. */
export const membersOf = (s: StepRequest): number[] => s.members ?? [s.index];

import { oneMkdir } from '../backup/write.js';
import { fusedCommands, type FuseGroup } from '../ops/fusers.js';
import { stepIdOf } from '../plan/planner.js';
import type { PendingTask } from '../plan/types.js';
import type { StepRequest } from './probe-script.js';

/**
 * The steps a host runs for its planned changes. The plan keeps one task per change (what a
 * person reviews, and what is reported); at apply, consecutive changes of one fuse group (the
 * decision's `fuse`, in plan order; tasks with nothing to do in between do not break a run)
 * become one step, whose commands the group's fuser in ops/fusers.ts gives:
 * - iptables changes: every backup they need, then one `iptables-restore --noflush` per
 *   family holding all their tables (policies, flushes and chain repairs committed together
 *   per table: no moment where a flushed chain meets a DROP policy);
 * - link deletions: one listing of the links as their backup, then one deletion of them all.
 * Every other change is a step of its own. A fused step's outcome is the outcome of each of
 * its tasks: if it fails, all of them fail with its error. The first step that makes the run's
 * backup directory also makes the directories later steps' backups need (oneMkdir): one mkdir a host.
 */
export function fuseSteps(changes: readonly PendingTask[], backupDir: string): StepRequest[] {
  const steps: StepRequest[] = [];
  let run: PendingTask[] = [];
  let group: FuseGroup | undefined;
  const endRun = () => {
    if (!group || run.length === 0) return;
    // A run of one is the task's own commands (for iptables, the same single restore).
    steps.push(
      run.length === 1
        ? { index: run[0]!.index, commands: [...run[0]!.backup, ...run[0]!.commands] }
        : {
            index: run[0]!.index,
            members: run.map((t) => t.index),
            commands: fusedCommands(group, run.map((t) => ({ hint: t.fuse!, backup: t.backup, stepId: stepIdOf(t.index) })), backupDir),
          },
    );
    run = [];
    group = undefined;
  };
  for (const t of changes) {
    const g = t.fuse?.group;
    if (g !== group) endRun();
    if (g) {
      group = g;
      run.push(t);
      continue;
    }
    steps.push({ index: t.index, commands: [...t.backup, ...t.commands] });
  }
  endRun();
  const commands = oneMkdir(steps.map((s) => s.commands), backupDir);
  return steps.map((s, i) => ({ ...s, commands: commands[i]! }));
}

/** The tasks a step stands for. */
export const membersOf = (s: StepRequest): number[] => s.members ?? [s.index];

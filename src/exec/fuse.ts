import { backupLinkListing } from '../ops/backup.js';
import { deleteLinks } from '../ops/link.js';
import { stepIdOf } from '../plan/planner.js';
import { restoreCommands } from '../ops/iptables-restore.js';
import type { PendingTask } from '../plan/types.js';
import type { StepRequest } from './probe-script.js';


/** Which changes can share a step, and the commands of a run of two or more of them. */
interface Fuser {
  accepts(t: PendingTask): boolean;
  commands(run: readonly PendingTask[], backupDir: string): string[];
}

const FUSERS: readonly Fuser[] = [
  {
    // Every backup the tables need (tasks on one table back it up with the same lines), then
    // one `iptables-restore --noflush` per family and backend holding all their tables.
    accepts: (t) => t.restore !== undefined,
    commands: (run) => [...new Set(run.flatMap((t) => t.backup)), ...restoreCommands(run.flatMap((t) => t.restore!))],
  },
  {
    // One listing of every link as the backup, then one deletion of them all (deleteLinks).
    accepts: (t) => t.linkDelete !== undefined,
    commands: (run, backupDir) => {
      const links = run.map((t) => ({ name: t.linkDelete!, stepId: stepIdOf(t.index) }));
      return [...backupLinkListing(links, { backupDir }), deleteLinks(links.map((l) => l.name))];
    },
  },
];

/**
 * The steps a host runs for its planned changes. The plan keeps one task per change (what a
 * person reviews, and what is reported); at apply, consecutive changes of a sort that can be
 * done at once (in plan order; tasks with nothing to do in between do not break a run) become
 * one step:
 * - iptables changes: every backup they need, then one `iptables-restore --noflush` per
 *   family holding all their tables (policies, flushes and chain repairs committed together
 *   per table: no moment where a flushed chain meets a DROP policy);
 * - link deletions: one listing of the links as their backup, then one deletion of them all.
 * Every other change is a step of its own. A fused step's outcome is the outcome of each of
 * its tasks: if it fails, all of them fail with its error.
 */
export function fuseSteps(changes: readonly PendingTask[], backupDir: string): StepRequest[] {
  const steps: StepRequest[] = [];
  let run: PendingTask[] = [];
  let fuser: Fuser | undefined;
  const endRun = () => {
    if (!fuser || run.length === 0) return;
    // A run of one is the task's own commands (for iptables, the same single restore).
    steps.push(
      run.length === 1
        ? { index: run[0]!.index, commands: [...run[0]!.backup, ...run[0]!.commands] }
        : { index: run[0]!.index, members: run.map((t) => t.index), commands: fuser.commands(run, backupDir) },
    );
    run = [];
    fuser = undefined;
  };
  for (const t of changes) {
    const f = FUSERS.find((x) => x.accepts(t));
    if (f !== fuser) endRun();
    if (f) {
      fuser = f;
      run.push(t);
      continue;
    }
    steps.push({ index: t.index, commands: [...t.backup, ...t.commands] });
  }
  endRun();
  return steps;
}

/** The tasks a step stands for. */
export const membersOf = (s: StepRequest): number[] => s.members ?? [s.index];

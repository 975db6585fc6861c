import type { Facts } from '../facts/types.js';
import type { Decision } from '../ops/types.js';
import type { TaskKind, TaskSpec } from '../dsl/types.js';

/** One task's decision on one host. `state` is what it was decided from (kept for drift checks). */
export type TaskPlan =
  | { index: number; title: string; kind: TaskKind; spec: TaskSpec; status: 'ok'; message: string; state: unknown }
  | { index: number; title: string; kind: TaskKind; spec: TaskSpec; status: 'skipped'; message: string }
  | { index: number; title: string; kind: TaskKind; spec: TaskSpec; status: 'failed'; message: string; state?: unknown }
  // A change carries its decision as is: summary, diff, backup, commands (and restore lines).
  | ({ index: number; title: string; kind: TaskKind; spec: TaskSpec; state: unknown } & Extract<Decision, { status: 'pending' }>);

/** A planned change, not yet applied: what a step carries out and the outcome ladder judges. */
export type PendingTask = Extract<TaskPlan, { status: 'pending' }>;

export interface HostPlan {
  host: string;
  facts: Facts;
  tasks: TaskPlan[];
  /** refused: some task failed while planning, so nothing may change on this host. */
  verdict: 'converged' | 'changes' | 'refused';
}

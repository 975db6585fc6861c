import type { ParamValues, Task } from '../dsl/types.js';
import type { ProbeRequest, ProbeResult } from '../facts/probe.js';
import { FACT_PROBES } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import { operationFor } from '../ops/registry.js';
import { ProbeError } from '../ops/types.js';
import type { HostPlan, TaskPlan } from './types.js';

/** Facts (unless told otherwise) plus every task's probes, each distinct probe once: one exec per host. */
export function probesFor(tasks: readonly Task[], opts: { facts: boolean } = { facts: true }): ProbeRequest[] {
  const seen = new Map<string, ProbeRequest>();
  if (opts.facts) for (const p of FACT_PROBES) seen.set(p.id, p);
  for (const t of tasks) {
    for (const p of operationFor(t.spec.kind).probes(t.spec as never)) {
      const prev = seen.get(p.id);
      if (prev && prev.script !== p.script) throw new Error(`probe id ${p.id} used for two different scripts`);
      seen.set(p.id, p);
    }
  }
  return [...seen.values()];
}

export interface PlanInput {
  host: string;
  tasks: readonly Task[];
  params: ParamValues;
  facts: Facts;
  results: ReadonlyMap<string, ProbeResult>;
  backupDir: string;
  fleet?: ReadonlyMap<string, Facts>;
}

export interface DecideInput {
  facts: Facts;
  params: ParamValues;
  results: ReadonlyMap<string, ProbeResult>;
  backupDir: string;
  fleet?: ReadonlyMap<string, Facts>;
}

/** Zero-padded task position, so backups sort in the order they were taken. */
export const stepIdOf = (index: number) => String(index + 1).padStart(2, '0');

/** One task's decision from probe results, ignoring `when` (the caller knows it applies). */
export function decideTask(task: Task, index: number, input: DecideInput): TaskPlan {
  const base = { index, title: task.title, kind: task.spec.kind, spec: task.spec };
  const ctx = { facts: input.facts, params: input.params, ...(input.fleet ? { fleet: input.fleet } : {}) };
  const op = operationFor(task.spec.kind);
  let state: unknown;
  try {
    state = op.state(task.spec as never, input.results);
  } catch (err) {
    if (err instanceof ProbeError) return { ...base, status: 'failed', message: `cannot see the current state: ${err.message}` };
    throw err;
  }
  const decision = op.decide(task.spec as never, state, {
    ...ctx,
    task,
    backupDir: input.backupDir,
    stepId: stepIdOf(index),
  });
  switch (decision.status) {
    case 'ok':
      return { ...base, status: 'ok', message: decision.message, state };
    case 'failed':
      return { ...base, status: 'failed', message: decision.message, state };
    case 'pending':
      return { ...base, ...decision, state };
  }
}

/** Pure: probe results in, decisions out. Never guesses: a probe it cannot read fails the task. */
export function planHost(input: PlanInput): HostPlan {
  const tasks: TaskPlan[] = input.tasks.map((task, index) => {
    const ctx = { facts: input.facts, params: input.params, ...(input.fleet ? { fleet: input.fleet } : {}) };
    if (task.when && !task.when.test(ctx)) {
      return { index, title: task.title, kind: task.spec.kind, spec: task.spec, status: 'skipped', message: `only when ${task.when.describe}` };
    }
    return decideTask(task as Task, index, input);
  });
  return { host: input.host, facts: input.facts, tasks, verdict: verdictOf(tasks) };
}

export function verdictOf(tasks: readonly TaskPlan[]): HostPlan['verdict'] {
  return tasks.some((t) => t.status === 'failed') ? 'refused' : tasks.some((t) => t.status === 'pending') ? 'changes' : 'converged';
}

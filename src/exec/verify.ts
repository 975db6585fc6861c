// After the steps: a change counts as made only if its own decision on the new state is "ok".
import type { ParamValues, Task } from '../dsl/types.js';
import type { ProbeResult } from '../facts/probe.js';
import type { Host } from '../inventory/types.js';
import { decideTask, probesFor } from '../plan/planner.js';
import type { HostPlan, PendingTask, TaskPlan } from '../plan/types.js';
import type { HostConnection } from '../ssh/connection.js';
import type { EmitFn } from './events.js';
import { runProbes } from './probe-round.js';

export interface VerifyInput {
  conn: HostConnection;
  host: Host;
  /** The changes whose steps ran and exited 0. */
  ran: readonly PendingTask[];
  tasks: readonly Task[];
  params: ParamValues;
  plan: HostPlan;
  /** What the step script probed after its last step, and how many probes it was asked for. */
  alreadyProbed: ReadonlyMap<string, ProbeResult>;
  probesAsked: number;
  timeoutMs: number;
  backupDir: string;
  emit: EmitFn;
}

/**
 * Re-probe: a step counts as changed only if its own decision on the new state is "ok". Only what
 * ran is probed again, without the facts: the decisions of link, file and iptables tasks do not
 * read facts, and a reset is expected to change some (the CNI). Usually the step script already
 * probed (every step ran); else what did run is probed now.
 */
export async function verifyChanges(input: VerifyInput): Promise<{ verified: Map<number, TaskPlan>; verifyError?: Error }> {
  const { conn, host, ran, tasks, params, plan, alreadyProbed, probesAsked, emit } = input;
  const verified = new Map<number, TaskPlan>();
  emit({ type: 'phase', host: host.name, phase: 'verifying' });
  try {
    const results =
      alreadyProbed.size === probesAsked ? alreadyProbed : await runProbes(conn, probesFor(ran.map((t) => tasks[t.index]!), { facts: false }), input.timeoutMs);
    for (const t of ran) {
      verified.set(t.index, decideTask(tasks[t.index]!, t.index, { facts: plan.facts, params, results, backupDir: input.backupDir }));
    }
    return { verified };
  } catch (err) {
    return { verified, verifyError: err as Error };
  }
}


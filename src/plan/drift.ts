import type { Facts } from '../facts/types.js';
import type { ProbeResult } from '../exec/probe-script.js';
import { operationFor } from '../ops/registry.js';
import { ProbeError } from '../ops/types.js';
import type { HostPlan } from './types.js';

export interface Drift {
  what: string;
  planned: string;
  now: string;
}

/** The facts that gates and conditions read: if they moved, the plan's decisions may not hold. */
const factView = (f: Facts) => ({ hostname: f.hostname, os: `${f.os.id} ${f.os.version}`, kernel: f.kernel, cni: f.cni.detected });

function lines(value: unknown): string[] {
  return JSON.stringify(value, null, 1).split('\n').map((l) => l.trim());
}

/** What differs, as -/+ lines, so a drift report reads like a diff and not like two blobs. */
export function describeDifference(planned: unknown, now: unknown): { planned: string; now: string } {
  const a = lines(planned);
  const b = lines(now);
  const onlyA = a.filter((l) => !b.includes(l));
  const onlyB = b.filter((l) => !a.includes(l));
  if (onlyA.length === 0 && onlyB.length === 0) return { planned: '(same lines, in another order)', now: '(same lines, in another order)' };
  return { planned: onlyA.join('\n') || '(not there)', now: onlyB.join('\n') || '(gone)' };
}

/**
 * Compares the state every planned task was decided from with the state now. Any difference
 * means the reviewed plan is no longer what would run, so the host must be refused.
 */
export function detectDrift(plan: HostPlan, facts: Facts, results: ReadonlyMap<string, ProbeResult>): Drift[] {
  const drifts: Drift[] = [];
  const before = factView(plan.facts);
  const after = factView(facts);
  for (const key of Object.keys(before) as Array<keyof typeof before>) {
    if (before[key] !== after[key]) drifts.push({ what: `fact ${key}`, planned: before[key], now: after[key] });
  }
  for (const t of plan.tasks) {
    if (t.status === 'skip' || !('state' in t) || t.state === undefined) continue;
    let now: unknown;
    try {
      now = operationFor(t.spec.kind).state(t.spec as never, results);
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      drifts.push({ what: t.title, planned: 'readable state', now: `cannot read: ${err.message}` });
      continue;
    }
    if (JSON.stringify(now) !== JSON.stringify(t.state)) drifts.push({ what: t.title, ...describeDifference(t.state, now) });
  }
  // Tasks that read the same state (policy and flush of one table) drift together: say it once.
  const merged = new Map<string, Drift>();
  for (const d of drifts) {
    const key = `${d.planned}\u0000${d.now}`;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, what: `${prev.what}; ${d.what}` } : d);
  }
  return [...merged.values()];
}

import type { Facts } from '../facts/types.js';
import type { ProbeResult } from '../facts/probe.js';
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

/** The state as JSON lines, trailing commas dropped (the last item of a list has none). */
function lines(value: unknown): string[] {
  return JSON.stringify(value, null, 1).split('\n').map((l) => l.trim().replace(/,$/, ''));
}

const sorted = (a: string[]) => [...a].sort().join('\n');
/** A line that says where, not what: brackets and `"key": [` openers are no context. */
const isContext = (l: string) => l !== undefined && !/^[[\]{}]$|[[{]$/.test(l);

/**
 * What differs, as the lines only in the plan and the lines only now (a longest-common-subsequence
 * diff), so a drift report reads like a diff and not like two blobs. A changed line keeps the
 * unchanged line before it (`"name": "INPUT"` before a policy) so it says where it changed.
 */
export function describeDifference(planned: unknown, now: unknown): { planned: string; now: string } {
  const a = lines(planned);
  const b = lines(now);
  if (sorted(a) === sorted(b)) return { planned: '(same lines, in another order)', now: '(same lines, in another order)' };
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  let hunk = { a: [] as string[], b: [] as string[] };
  let context: string | undefined;
  const flush = () => {
    const modified = hunk.a.length > 0 && hunk.b.length > 0 && context !== undefined && isContext(context);
    onlyA.push(...(modified ? [context!] : []), ...hunk.a);
    onlyB.push(...(modified ? [context!] : []), ...hunk.b);
    hunk = { a: [], b: [] };
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      context = a[i];
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) hunk.a.push(a[i++]!);
    else hunk.b.push(b[j++]!);
  }
  flush();
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
    if (t.status === 'skipped' || !('state' in t) || t.state === undefined) continue;
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

// Drift detection as data, like the operation cases in test/ops/cases: each case gives the tasks
// of a plan and the raw probe output the plan was made from, then the probe output (and facts)
// now; the drifts `kremedy apply` would refuse the host with must come out, exactly.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from '../../src/dsl/types.js';
import type { ProbeResult } from '../../src/facts/probe.js';
import type { Facts } from '../../src/facts/types.js';
import { detectDrift, type Drift } from '../../src/plan/drift.js';
import type { HostPlan, TaskPlan } from '../../src/plan/types.js';
import { operationFor } from '../../src/ops/registry.js';

type RawProbes = Record<string, Partial<ProbeResult> & { stdout: string }>;
type FactChanges = { hostname?: string; os?: Partial<Facts['os']>; kernel?: string; cni?: Partial<Facts['cni']> };

interface Case {
  description: string;
  /** The plan's tasks, with the status each was planned with (a skipped task has no state). */
  tasks: Array<{ title: string; spec: TaskSpec; status: 'ok' | 'pending' | 'skipped' }>;
  planned: { probes: RawProbes; facts?: FactChanges };
  now: { probes: RawProbes; facts?: FactChanges };
  expect: Drift[];
}

const baseFacts: Facts = {
  hostname: 'h', os: { id: 'debian', family: 'debian', version: '12', pretty: 'Debian 12' }, kernel: '6.1.0', uid: 0,
  cni: { detected: 'flannel', evidence: '/etc/cni/net.d/10-flannel.conflist', configFiles: [] }, links: [], binaries: {},
};
const factsWith = (c: FactChanges = {}): Facts => ({
  ...baseFacts,
  ...(c.hostname ? { hostname: c.hostname } : {}),
  ...(c.kernel ? { kernel: c.kernel } : {}),
  os: { ...baseFacts.os, ...c.os },
  cni: { ...baseFacts.cni, ...c.cni },
});
const results = (probes: RawProbes): Map<string, ProbeResult> => new Map(Object.entries(probes).map(([id, r]) => [id, { stderr: '', rc: 0, ...r } as ProbeResult]));

/** The plan as the planner leaves it: each task's state read from the planned probe output. */
function planOf(c: Case): HostPlan {
  const planned = results(c.planned.probes);
  const tasks = c.tasks.map((t, index): TaskPlan => {
    const base = { index, title: t.title, kind: t.spec.kind, spec: t.spec };
    if (t.status === 'skipped') return { ...base, status: 'skipped', message: 'skipped' };
    const state = operationFor(t.spec.kind).state(t.spec as never, planned);
    return t.status === 'ok'
      ? { ...base, status: 'ok', message: 'ok', state }
      : { ...base, status: 'pending', summary: '', diff: '', backup: [], commands: [], state };
  });
  return { host: 'h', facts: factsWith(c.planned.facts), tasks, verdict: 'changes' };
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'drift-cases');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Case;
  test(`${file}: ${c.description}`, (t) => {
    const asked = new Set(c.tasks.flatMap((x) => operationFor(x.spec.kind).probes(x.spec as never).map((p) => p.id)));
    for (const side of ['planned', 'now'] as const) {
      t.deepEqual(Object.keys(c[side].probes).sort(), [...asked].sort(), `the ${side} probes are exactly those the tasks ask for`);
    }
    t.deepEqual(detectDrift(planOf(c), factsWith(c.now.facts), results(c.now.probes)), c.expect);
  });
}

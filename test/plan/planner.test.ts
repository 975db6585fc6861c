// The pure planner as data, like test/ops/cases: tasks (a `when` given as the CNI it needs),
// the facts and the raw probe output in; every task's planned status and the host's verdict out.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task, TaskSpec } from '../../src/dsl/types.js';
import type { ProbeResult } from '../../src/facts/probe.js';
import type { Facts } from '../../src/facts/types.js';
import { planHost, probesFor } from '../../src/plan/planner.js';
import type { HostPlan } from '../../src/plan/types.js';

interface Case {
  description: string;
  tasks: Array<{ title: string; spec: TaskSpec; whenCni?: string }>;
  /** The detected CNI (default flannel). */
  cni?: Facts['cni']['detected'];
  probes: Record<string, Partial<ProbeResult> & { stdout: string }>;
  expect: { statuses: Array<'ok' | 'skipped' | 'failed' | 'pending'>; messages?: Array<string | null>; verdict: HostPlan['verdict'] };
}

const facts = (cni: Facts['cni']['detected'] = 'flannel'): Facts => ({
  hostname: 'h', os: { id: 'debian', family: 'debian', version: '12', pretty: 'Debian 12' }, kernel: '6.1.0', uid: 0,
  cni: { detected: cni, evidence: '', configFiles: [] }, links: [], binaries: {},
});
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'planner-cases');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Case;
  test(`${file}: ${c.description}`, (t) => {
    const tasks: Task[] = c.tasks.map((x) => ({
      title: x.title,
      spec: x.spec,
      ...(x.whenCni ? { when: { describe: `the CNI is ${x.whenCni}`, test: (ctx) => ctx.facts.cni.detected === x.whenCni } } : {}),
    }));
    t.deepEqual(probesFor(tasks, { facts: false }).map((p) => p.id).sort(), Object.keys(c.probes).sort(), 'the case gives exactly the probes asked, each once');
    const results = new Map(Object.entries(c.probes).map(([id, r]) => [id, { stderr: '', rc: 0, ...r }]));
    const input = { host: 'h', tasks, params: {}, facts: facts(c.cni), results, backupDir: '/var/lib/kremedy/backups/RUN' };
    const plan = planHost(input);
    t.deepEqual(plan.tasks.map((x) => x.status), c.expect.statuses);
    t.is(plan.verdict, c.expect.verdict);
    plan.tasks.forEach((x, i) => {
      const want = c.expect.messages?.[i];
      if (want) t.regex('message' in x ? x.message : x.summary, new RegExp(want), x.title);
    });
    t.deepEqual(planHost(input), plan, 'pure: the same input plans the same');
  });
}

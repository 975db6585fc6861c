import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Task } from '../../src/dsl/types.js';
import type { Host, Inventory } from '../../src/inventory/types.js';
import { countChanges, planFileBody, readPlanFile, writePlanFile, PlanRefusedError, PLAN_FORMAT } from '../../src/plan/file.js';
import type { HostPlan } from '../../src/plan/types.js';
import { VERSION } from '../../src/version.js';

process.env['KREMEDY_PLAN_KEY'] = 'unit-test-key';

const hosts = ['a', 'b', 'c'].map((name, i) => ({ name, address: `10.0.0.${i}`, port: 22, user: 'root' }) as Host);
const inventory = { file: 'inv.yml', hosts: new Map(hosts.map((h) => [h.name, h])) } as unknown as Inventory;
const change = { status: 'pending' } as const;
const plans = new Map<string, HostPlan>([
  ['c', { host: 'c', verdict: 'changes', tasks: [change, { status: 'ok' }, change], facts: {} } as unknown as HostPlan],
  ['a', { host: 'a', verdict: 'converged', tasks: [{ status: 'ok' }], facts: {} } as unknown as HostPlan],
]);
const tasks = [{ title: 't1', spec: { kind: 'note', text: 'x' } }] as unknown as Task[];
const input = {
  runId: 'R1',
  playbook: { name: 'pb', tasks },
  params: { cni: 'flannel' },
  pattern: 'all',
  inventory,
  inventoryText: 'all: {}\n',
  hosts,
  plans,
  unreachable: [{ host: 'b', message: 'ECONNREFUSED' }],
  now: new Date('2026-12-01T00:00:00Z'),
};

test('the plan body: the plans in host order (unplanned hosts left out), the inventory planned against, digests', (t) => {
  const body = planFileBody(input);
  t.is(body.format, PLAN_FORMAT);
  t.is(body.kremedyVersion, VERSION);
  t.is(body.createdAt, '2026-12-01T00:00:00.000Z');
  t.deepEqual(body.hosts.map((p) => p.host), ['a', 'c']);
  t.deepEqual(body.inventory.hosts, hosts.map(({ name, address, port, user }) => ({ name, address, port, user })));
  t.is(body.inventory.file, path.resolve('inv.yml'));
  t.regex(body.playbook.digest, /^[0-9a-f]{64}$/);
  t.not(planFileBody({ ...input, playbook: { name: 'pb', tasks: [{ title: 't2', spec: tasks[0]!.spec } as Task] } }).playbook.digest, body.playbook.digest, 'the digest covers the task titles');
  t.deepEqual(body.unreachable, [{ host: 'b', message: 'ECONNREFUSED' }]);
  t.deepEqual(countChanges(plans.values()), { steps: 2, hosts: 1 });
});

test('a written plan reads back; an edited one is refused', (t) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kr-planfile-')), 'plan.json');
  const written = writePlanFile(file, planFileBody({ ...input, now: new Date() }));
  t.deepEqual(readPlanFile(file, { maxAgeSeconds: 60 }), written);
  const edited = JSON.parse(readFileSync(file, 'utf8'));
  edited.params.cni = 'kube-router';
  writeFileSync(file, JSON.stringify(edited));
  t.throws(() => readPlanFile(file, { maxAgeSeconds: 60 }), { instanceOf: PlanRefusedError, message: /signature does not match/ });
});

test('a plan in an older format (statuses change / fail / skip) is refused with what to do, even when its signature holds', (t) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kr-planfile-')), 'plan.json');
  writePlanFile(file, { ...planFileBody({ ...input, now: new Date() }), format: 'kremedy-plan/1' as typeof PLAN_FORMAT });
  t.throws(() => readPlanFile(file, { maxAgeSeconds: 60 }), { instanceOf: PlanRefusedError, message: /format kremedy-plan\/1, this one reads kremedy-plan\/4\); make the plan again with `kremedy plan`/ });
});

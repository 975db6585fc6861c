import test from 'ava';
import type { Host } from '../../src/inventory/types.js';
import { checkPlanVersion, hostsToApply } from '../../src/plan/apply-checks.js';
import { PlanRefusedError, type PlanFile } from '../../src/plan/file.js';
import type { HostPlan } from '../../src/plan/types.js';

const host = (name: string, address = `10.0.0.${name.length}`, port = 22, user = 'root') => ({ name, address, port, user }) as Host;
const hostPlan = (name: string, verdict: HostPlan['verdict']) => ({ host: name, verdict, tasks: [], facts: {} }) as unknown as HostPlan;

function plan(hosts: HostPlan[], inventoryHosts: Host[]): PlanFile {
  return {
    kremedyVersion: '1.2.3',
    hosts,
    inventory: { file: '/inv.yml', digest: 'x', hosts: inventoryHosts.map(({ name, address, port, user }) => ({ name, address, port, user })) },
  } as unknown as PlanFile;
}

test('a plan made by another kremedy version is refused', (t) => {
  const p = plan([], []);
  t.notThrows(() => checkPlanVersion(p, 'plan.json', '1.2.3'));
  const err = t.throws(() => checkPlanVersion(p, 'plan.json', '1.2.4'), { instanceOf: PlanRefusedError });
  t.is(err?.message, 'plan.json: made by kremedy 1.2.3, this is 1.2.4: make a new plan');
});

const cases: Array<{ name: string; selected: Host[]; plans: HostPlan[]; planned: Host[]; apply?: string[]; refused?: RegExp }> = [
  {
    name: 'only selected hosts whose plan has changes, in selection order',
    selected: [host('c'), host('a'), host('b'), host('d')],
    plans: [hostPlan('a', 'changes'), hostPlan('b', 'converged'), hostPlan('c', 'changes'), hostPlan('d', 'refused')],
    planned: [host('a'), host('b'), host('c'), host('d')],
    apply: ['c', 'a'],
  },
  { name: 'a selected host the plan does not cover is left alone', selected: [host('x')], plans: [], planned: [], apply: [] },
  {
    name: 'a host that moved to another address is refused',
    selected: [host('a', '10.9.9.9')],
    plans: [hostPlan('a', 'changes')],
    planned: [host('a')],
    refused: /^host a is now root@10\.9\.9\.9:22 in the inventory, the plan was made for root@10\.0\.0\.1:22$/,
  },
  { name: 'another port is refused', selected: [host('a', undefined, 2222)], plans: [hostPlan('a', 'changes')], planned: [host('a')], refused: /now root@10\.0\.0\.1:2222/ },
  { name: 'another user is refused', selected: [host('a', undefined, 22, 'ops')], plans: [hostPlan('a', 'changes')], planned: [host('a')], refused: /now ops@/ },
  { name: 'a host missing from the planned inventory is refused', selected: [host('a')], plans: [hostPlan('a', 'changes')], planned: [], refused: /made for no such host$/ },
  { name: 'a moved host without changes does not matter', selected: [host('a', '10.9.9.9')], plans: [hostPlan('a', 'converged')], planned: [host('a')], apply: [] },
];

for (const c of cases) {
  test(`hostsToApply: ${c.name}`, (t) => {
    const p = plan(c.plans, c.planned);
    if (c.refused) {
      const err = t.throws(() => hostsToApply(p, c.selected), { instanceOf: PlanRefusedError });
      t.regex(err?.message ?? '', c.refused);
      return;
    }
    const { hosts, plans } = hostsToApply(p, c.selected);
    t.deepEqual(hosts.map((h) => h.name), c.apply);
    for (const h of hosts) t.is(plans.get(h.name)?.verdict, 'changes');
  });
}

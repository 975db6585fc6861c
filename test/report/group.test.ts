import test from 'ava';
import type { HostRecord, TaskRecord } from '../../src/report/collect.js';
import { distinctPlans, normalisePlan, reviewGroups, samePlans } from '../../src/report/group.js';
import { formatReview } from '../../src/report/review.js';

// A flannel node's reset plan as the runner reports it: its own address (vxlan local), its own
// flannel subnet on flannel.1 and cni0, its name in a file path; the rules are the cluster's.
const RUN = '20261204T190000Z-abcd';
function flannelHost(name: string, ip: string, subnet: number, edit: (tasks: TaskRecord[]) => void = () => {}): HostRecord {
  const tasks: TaskRecord[] = [
    { index: 0, title: 'detect CNI', status: 'ok', message: 'cni=flannel (detected from /etc/cni/net.d/10-flannel.conflist)' },
    { index: 1, title: 'iptables filter: policy ACCEPT', status: 'pending', message: 'filter: set policy ACCEPT on FORWARD', summary: 'filter: set policy ACCEPT on FORWARD', diff: '- :FORWARD DROP\n+ :FORWARD ACCEPT' },
    {
      index: 2, title: 'flush iptables filter table', status: 'pending', message: 'filter: flush 3 rule(s)', summary: 'filter: flush 3 rule(s)',
      diff: `- -A FORWARD -s 10.244.0.0/16 -j ACCEPT\n- -A FORWARD -d 10.244.0.0/16 -j ACCEPT\n- -A INPUT -s 10.96.0.1/32 -j KUBE-SVC`,
    },
    {
      index: 3, title: 'link flannel.1 absent', status: 'pending', message: 'delete link flannel.1', summary: 'delete link flannel.1',
      diff: `- link flannel.1: vxlan (id 1, local ${ip}, dev eth0, dstport 8472), mtu 1450, up\n- address 10.244.${subnet}.0/32`,
    },
    { index: 4, title: 'link cni0 absent', status: 'pending', message: 'delete link cni0', diff: `- link cni0: bridge, mtu 1450, up\n- address 10.244.${subnet}.1/24` },
    { index: 5, title: `backup to /var/lib/kremedy/backups/${RUN}`, status: 'ok', message: `kept on ${name}` },
    { index: 6, title: 'ipsets absent', status: 'skipped', message: 'no Kubernetes ipset' },
  ];
  edit(tasks);
  return { name, tasks, result: 'ok', phases: [] };
}

const fleet = (n: number, edit?: (name: string, tasks: TaskRecord[]) => void) =>
  Array.from({ length: n }, (_, i) => {
    const name = `w${String(i + 1).padStart(2, '0')}`;
    return flannelHost(name, `10.213.0.${20 + i}`, i + 2, (t) => edit?.(name, t));
  });

const plansOf = (hosts: HostRecord[]) => hosts.map((h) => normalisePlan(h, RUN, [h.tasks[3]!.diff!.match(/local (\S+),/)![1]!]));

test('hosts whose plans differ only in their own address, subnet, name and run id are one group', (t) => {
  const groups = reviewGroups(plansOf(fleet(12)));
  t.is(groups.length, 1);
  t.deepEqual(groups[0]!.hosts.length, 12);
  t.deepEqual(groups[0]!.variants, []);
  const flannel = groups[0]!.tasks[3]!.diff!;
  t.is(flannel, '- link flannel.1: vxlan (id 1, local <ip>, dev eth0, dstport 8472), mtu 1450, up\n- address <ip2>/32');
  t.is(groups[0]!.tasks[5]!.message, 'kept on <host>');
  t.is(groups[0]!.tasks[5]!.title, 'backup to /var/lib/kremedy/backups/<run>');
});

test('must not merge: one real diff line differs (a rule, an address in a rule, a count)', (t) => {
  const cases: Array<[string, (tasks: TaskRecord[]) => void]> = [
    ['an extra rule', (ts) => (ts[2]!.diff += '\n- -A INPUT -j DROP')],
    ['another address in a rule', (ts) => (ts[2]!.diff = ts[2]!.diff!.replace('10.96.0.1/32', '10.96.0.2/32'))],
    ['another count in the summary', (ts) => (ts[2]!.summary = 'filter: flush 4 rule(s)')],
    ['another status', (ts) => (ts[4]!.status = 'ok')],
    ['another policy', (ts) => (ts[1]!.diff = '- :FORWARD REJECT\n+ :FORWARD ACCEPT')],
    // An address that is another host's (w02's own vxlan address) in w01's rule is not w01's own.
    ['another host\'s address in a rule', (ts) => (ts[2]!.diff += '\n- -A INPUT -s 10.213.0.21/32 -j DROP')],
  ];
  for (const [what, edit] of cases) {
    const hosts = fleet(3);
    hosts[0] = flannelHost('w01', '10.213.0.20', 2, edit);
    hosts[1] = flannelHost('w02', '10.213.0.21', 3, what === "another host's address in a rule" ? (ts) => (ts[2]!.diff += '\n- -A INPUT -s 10.213.0.20/32 -j DROP') : undefined);
    const plans = plansOf(hosts);
    const exact = samePlans(plans);
    t.is(exact.length, what === "another host's address in a rule" ? 3 : 2, what);
    t.false(exact.some((g) => g.hosts.includes('w01') && g.hosts.length > 1), `${what}: w01 stands alone`);
    t.is(distinctPlans(plans), exact.length, what);
  }
});

test('the host\'s own address is replaced as a whole token only', (t) => {
  // w01's own 10.213.0.2 must not eat the 10.213.0.2 of 10.213.0.25 in a rule.
  const a = flannelHost('w01', '10.213.0.2', 2, (ts) => (ts[2]!.diff += '\n- -A INPUT -s 10.213.0.25/32 -j DROP'));
  const b = flannelHost('w02', '10.213.0.3', 3, (ts) => (ts[2]!.diff += '\n- -A INPUT -s 10.213.0.35/32 -j DROP'));
  t.is(samePlans(plansOf([a, b])).length, 2);
});

test('almost the same plans: the common plan once, each set of hosts\' differences beneath it', (t) => {
  const hosts = fleet(20, (name, ts) => {
    if (name === 'w07' || name === 'w15') ts[2]!.diff += '\n- -A INPUT -j REJECT';
  });
  const kubeRouter: HostRecord = { name: 'kr1', result: 'ok', phases: [], tasks: [{ index: 0, title: 'detect CNI', status: 'ok', message: 'cni=kube-router' }] };
  const groups = reviewGroups([...plansOf(hosts), normalisePlan(kubeRouter, RUN)]);
  t.is(groups.length, 2);
  const [flannel, kr] = groups;
  t.is(flannel!.hosts.length, 20);
  t.is(flannel!.distinct, 2);
  t.deepEqual(flannel!.tasks.filter((x) => x.varies).map((x) => x.index), [2]);
  t.deepEqual(flannel!.variants.map((v) => v.hosts.length), [18, 2]);
  t.regex(flannel!.variants[1]!.tasks[0]!.diff!, /REJECT/);
  t.deepEqual(kr!.hosts, ['kr1']);

  const text = formatReview([...hosts, kubeRouter], RUN, { style: { color: false }, diff: false }).join('\n');
  t.regex(text, /^== w\[01:20\] \(20 hosts\) — almost the same plan \(2 variants\) — 4 changes each$/m);
  t.regex(text, /^ {2}-- on w\[01:06\],w\[08:14\],w\[16:20\] \(18 hosts\):$/m);
  t.regex(text, /^ {2}-- on w07,w15 \(2 hosts\):$/m);
  t.regex(text, /^== kr1 \(1 host\)/m);
  t.is(text.match(/link flannel\.1 absent/g)?.length, 1, 'the common plan is shown once');
});

test('plans that differ in many tasks are not folded together', (t) => {
  const hosts = fleet(4, (name, ts) => {
    if (name === 'w04') for (const i of [1, 2, 3, 4]) ts[i]!.status = 'ok';
  });
  const groups = reviewGroups(plansOf(hosts));
  t.deepEqual(groups.map((g) => g.hosts.length), [3, 1]);
});

test('unreachable hosts with the same reason, up to their address, are one group', (t) => {
  const down = (name: string, ip: string): HostRecord => ({ name, tasks: [], result: 'unreachable', message: `connect to ${ip}:22 timed out`, phases: [] });
  const plans = [down('d1', '10.0.0.1'), down('d2', '10.0.0.2'), { ...down('d3', '10.0.0.3'), message: 'host key changed' }].map((h) =>
    normalisePlan(h, RUN, [h.message!.match(/to (\S+):/)?.[1] ?? '10.0.0.3']),
  );
  const groups = reviewGroups(plans);
  t.deepEqual(groups.map((g) => g.hosts), [['d1', 'd2'], ['d3']]);
  t.is(groups[0]!.outcome, 'unreachable: connect to <ip>:22 timed out');
});

test('--per-host prints every host\'s own lines, as before', (t) => {
  const text = formatReview(fleet(2), RUN, { style: { color: false }, diff: false, perHost: true }).join('\n');
  t.regex(text, /^\[w01\] pending link flannel\.1 absent — delete link flannel\.1$/m);
  t.regex(text, /^\[w02\] pending link flannel\.1 absent/m);
  t.regex(text, /local 10\.213\.0\.21,/);
});

test("MACs: a link's own MAC is the host's, a MAC in a firewall rule is not", (t) => {
  const withMac = (name: string, own: string, rule: string) =>
    flannelHost(name, '10.213.0.20', 2, (ts) => {
      ts[4]!.diff += `\n- link/ether ${own} brd ff:ff:ff:ff:ff:ff`;
      ts[2]!.diff += `\n- -A INPUT -m mac --mac-source ${rule} -j DROP`;
    });
  const same = samePlans(plansOf([withMac('w01', '02:42:ac:11:00:02', 'aa:bb:cc:dd:ee:ff'), withMac('w02', '02:42:ac:11:00:03', 'aa:bb:cc:dd:ee:ff')]));
  t.is(same.length, 1, 'own MACs differ: one plan');
  t.regex(same[0]!.plan.tasks[4]!.diff!, /link\/ether <mac> brd ff:ff:ff:ff:ff:ff$/);
  const apart = samePlans(plansOf([withMac('w01', '02:42:ac:11:00:02', 'aa:bb:cc:dd:ee:01'), withMac('w02', '02:42:ac:11:00:03', 'aa:bb:cc:dd:ee:02')]));
  t.is(apart.length, 2, 'a rule matching another MAC is another plan');
});

test('a fleet review counts what has nothing to change, but lists steps left undone by a failure', (t) => {
  const hosts = fleet(3, (_, ts) => {
    ts[4]!.status = 'failed';
    ts[4]!.message = 'exit 1: Read-only file system';
    ts[5] = { index: 5, title: 'backup', status: 'skipped', message: 'not run: an earlier step failed on this host' };
  });
  const text = formatReview(hosts, RUN, { style: { color: false }, diff: false }).join('\n');
  t.regex(text, /^ {2}failed {2}link cni0 absent — exit 1: Read-only file system$/m);
  t.regex(text, /^ {2}skipped backup — not run: an earlier step failed on this host$/m);
  t.regex(text, /^ {2}1 ok, 1 skipped: nothing to change/m);
});

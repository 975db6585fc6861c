import test from 'ava';
import { kremedy, onHost, recapOf, reseed, snapshot, tasksOf } from './helpers/fleet.js';

// Hosts: centos71 (owned: reseeded and run against). centos74 is owned by
// reset-node-kube-router; here it is only used for the read-only kernel-gate playbook.
test.before(async () => {
  await reseed('centos71', 'kube-router');
});

test.serial('kernel-gate refuses 3.10.0-229 under kube-router and passes 3.10.0-693', async (t) => {
  t.is((await onHost('centos71', 'uname -r')).trim(), '3.10.0-229.7.2.el7.x86_64');
  const res = await kremedy(['run', 'kernel-gate', '--hosts', 'centos71,centos74', '-e', 'cni=kube-router', '--json']);
  t.is(res.code, 2, res.stderr);
  const [refused] = tasksOf(res, 'centos71');
  t.is(refused?.status, 'failed');
  t.regex(refused?.message ?? '', /kernel 3\.10\.0-229\.7\.2\.el7\.x86_64 is refused for kube-router: .*skb_under_panic on br0.*12636/);
  t.regex(refused?.message ?? '', /upgrade to 3\.10\.0-693 or later: yum update kernel and reboot/);
  const [passed] = tasksOf(res, 'centos74');
  t.is(passed?.status, 'ok');
  t.is(passed?.message, 'kernel 3.10.0-693.21.1.el7.x86_64 is not on the refused list');
});

test.serial('kernel-gate with -e min compares the RPM way', async (t) => {
  const res = await kremedy(['run', 'kernel-gate', '--hosts', 'centos71,centos74', '-e', 'cni=flannel', '-e', 'min=3.10.0-693', '--json']);
  t.is(res.code, 2);
  t.regex(tasksOf(res, 'centos71')[0]?.message ?? '', /older than the required minimum 3\.10\.0-693/);
  t.is(tasksOf(res, 'centos74')[0]?.status, 'ok', '693.21.1 >= 693');
});

test.serial('reset-node refuses centos71 at the kernel gate: exit 2, nothing changed', async (t) => {
  const before = await snapshot('centos71');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'centos71', '--json']);
  t.is(res.code, 2, res.stderr + res.stdout);
  const tasks = tasksOf(res, 'centos71');
  const titles = tasks.map((e) => e.task);
  // Right after the CNI gate, before anything that changes the host.
  t.is(titles.indexOf('kernel is not on the refused list'), titles.indexOf('CNI detection is unambiguous') + 1);
  t.is(tasks.find((e) => e.task === 'kernel is not on the refused list')?.status, 'failed');
  t.regex(tasks.find((e) => e.task === 'kernel is not on the refused list')?.message ?? '', /3\.10\.0-229\.7\.2\.el7\.x86_64.*skb_under_panic/);
  t.is(recapOf(res)['centos71']?.changed, 0);
  t.false(tasks.some((e) => e.status === 'changed'));
  t.is(await snapshot('centos71'), before, 'iptables, links, CNI files and /etc/hosts are untouched');
  t.true((await onHost('centos71', 'ip link show kube-bridge')).includes('kube-bridge'));
});

test.serial('after reset-node removed the CNI, kernel-gate still refuses 3.10.0-229 (unknown CNI) unless -e cni=flannel', async (t) => {
  await reseed('centos71', 'clean');
  t.is((await onHost('centos71', 'ls -A /etc/cni/net.d | wc -l')).trim(), '0', 'no CNI config left');
  const res = await kremedy(['run', 'kernel-gate', '--hosts', 'centos71,centos74', '--json']);
  t.is(res.code, 2, res.stderr);
  const [refused] = tasksOf(res, 'centos71');
  t.is(refused?.status, 'failed');
  t.regex(refused?.message ?? '', /kernel 3\.10\.0-229\.7\.2\.el7\.x86_64 is refused: the CNI is unknown here \(none detected/);
  t.regex(refused?.message ?? '', /skb_under_panic.*pass -e cni=flannel/);
  t.is(tasksOf(res, 'centos74')[0]?.status, 'ok', '693 passes whatever the CNI');

  const flannel = await kremedy(['run', 'kernel-gate', '--hosts', 'centos71', '-e', 'cni=flannel', '--json']);
  t.is(flannel.code, 0, flannel.stderr);
  t.is(tasksOf(flannel, 'centos71')[0]?.status, 'ok');
});

test.serial('reset-node -e min= passes the minimum to its kernel gate', async (t) => {
  await reseed('centos71', 'clean');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'centos71', '-e', 'cni=flannel', '-e', 'min=3.10.0-693', '--json']);
  t.is(res.code, 2, res.stderr);
  t.regex(tasksOf(res, 'centos71').find((e) => e.task === 'kernel is not on the refused list')?.message ?? '', /older than the required minimum 3\.10\.0-693/);
  const ok = await kremedy(['run', 'reset-node', '--hosts', 'centos71', '-e', 'cni=flannel', '-e', 'min=3.10.0-229', '--json']);
  t.is(ok.code, 0, ok.stderr + ok.stdout);
  t.is(recapOf(ok)['centos71']?.changed, 0, 'a clean host: nothing to do');
  await reseed('centos71', 'kube-router');
});

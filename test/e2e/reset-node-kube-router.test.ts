import test from 'ava';
import { kremedy, onHost, recapOf, reseed, snapshot, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: node2 (explicit -e cni=kube-router), centos74 (auto-detected kube-router).
test.before(async () => {
  await reseed('node2', 'kube-router');
  await reseed('centos74', 'kube-router');
});

async function assertKubeRouterReset(t: import('ava').ExecutionContext, host: string) {
  const filter = await onHost(host, 'iptables -S');
  t.deepEqual(filter.trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT'], `${host}: ACCEPT policies, no rules`);
  t.deepEqual((await onHost(host, 'iptables -t nat -S')).trim().split('\n').filter((l) => !l.startsWith('-P')), []);
  t.is((await onHost(host, 'ls -A /etc/cni/net.d | wc -l')).trim(), '0', `${host}: /etc/cni/net.d is empty`);
  t.not((await tryOnHost(host, 'ip link show kube-bridge')).code, 0, `${host}: kube-bridge is gone`);
  t.not((await tryOnHost(host, 'ip link show kube-dummy-if')).code, 0, `${host}: kube-dummy-if is gone`);
}

test.serial('kube-router node with -e cni=kube-router: dry run, apply, second run', async (t) => {
  const before = await snapshot('node2');
  const dry = await kremedy(['run', 'reset-node', '--hosts', 'node2', '-e', 'cni=kube-router', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.is(await snapshot('node2'), before);
  const pending = tasksOf(dry, 'node2').filter((e) => e.status === 'pending').map((e) => e.task);
  t.true(pending.includes('/etc/cni/net.d/* absent'));
  t.true(pending.includes('link kube-bridge absent'));
  t.true(pending.includes('iptables filter: policy ACCEPT on INPUT, FORWARD, OUTPUT'));

  const res = await kremedy(['run', 'reset-node', '--hosts', 'node2', '-e', 'cni=kube-router', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  await assertKubeRouterReset(t, 'node2');

  const again = await kremedy(['run', 'reset-node', '--hosts', 'node2', '-e', 'cni=kube-router', '--json']);
  t.is(again.code, 0);
  t.is(recapOf(again)['node2']?.changed, 0);
});

test.serial('kube-router is auto-detected from /etc/cni/net.d', async (t) => {
  // centos74 is legacy-only, as CentOS 7 is (one iptables, the legacy backend): the reset runs
  // the one-backend path and must leave the legacy tables clean.
  t.regex(await onHost('centos74', 'iptables -V'), /legacy/);
  t.not((await tryOnHost('centos74', 'command -v iptables-nft-save')).code, 0, 'no nft iptables on a CentOS 7 host');
  t.regex(await onHost('centos74', 'cat /proc/net/ip_tables_names'), /filter/, 'the seed wrote to the legacy tables');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'centos74', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  const detect = tasksOf(res, 'centos74').find((e) => e.task === 'detect CNI');
  t.regex(detect?.message ?? '', /cni=kube-router \(detected from \/etc\/cni\/net\.d\/10-kuberouter\.conflist\)/);
  t.is(tasksOf(res, 'centos74').find((e) => e.task === 'link flannel.1 absent')?.status, 'skipped');
  await assertKubeRouterReset(t, 'centos74');
  t.deepEqual((await onHost('centos74', 'iptables-legacy-save | grep "^-A" || true')).trim(), '', 'no rule left in any legacy table');
  const again = await kremedy(['run', 'reset-node', '--hosts', 'centos74', '--json']);
  t.is(recapOf(again)['centos74']?.changed, 0);
  t.regex(tasksOf(again, 'centos74').find((e) => e.task === 'detect CNI')?.message ?? '', /no CNI detected/);
});

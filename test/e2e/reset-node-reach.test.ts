import test from 'ava';
import { kremedy, onHost, recapOf, reseed, snapshot, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: plain1 (seed firewall-only: a server's own firewall, nothing of Kubernetes) and
// mixed1 (seed mixed-cni: flannel configured, kube-router's links, config and directory left).
test.before(async () => {
  await reseed('plain1', 'firewall-only');
  await reseed('mixed1', 'mixed-cni');
});

test.serial('bad parameters are refused with exit 1 before any host is touched', async (t) => {
  const before = await snapshot('plain1');
  for (const bad of [['cni=calico'], ['force=maybe'], ['stop_kubelet=perhaps'], ['ipv6=2'], ['min=new'], ['force=true', 'restart_docker=true'], ['nosuch=1']]) {
    const res = await kremedy(['run', 'reset-node', '--hosts', 'plain1', ...bad.flatMap((e) => ['-e', e]), '--json']);
    t.is(res.code, 1, `${bad.join(' ')}: ${res.stderr}`);
    t.false(res.events.some((e) => e['type'] === 'task'), `${bad.join(' ')}: no host was probed`);
  }
  t.is(await snapshot('plain1'), before);
});

test.serial('no Kubernetes or CNI state: the firewall is left alone, unless -e force=true', async (t) => {
  const rules = await onHost('plain1', 'iptables-save | grep -v "^#"');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'plain1', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(recapOf(res)['plain1']?.changed, 0);
  const flush = tasksOf(res, 'plain1').find((e) => e.task === 'flush iptables filter table and delete its user chains');
  t.is(flush?.status, 'ok');
  t.regex(flush?.message ?? '', /left alone: no Kubernetes or CNI state found .*-e force=true/);
  t.regex(tasksOf(res, 'plain1').find((e) => e.task.startsWith('iptables filter: policy'))?.message ?? '', /left alone/);
  t.is(await onHost('plain1', 'iptables-save | grep -v "^#"'), rules, 'INPUT DROP and SITE-BLOCK are untouched');

  const forced = await kremedy(['run', 'reset-node', '--hosts', 'plain1', '-e', 'force=true', '--json']);
  t.is(forced.code, 0, forced.stderr + forced.stdout);
  t.deepEqual((await onHost('plain1', 'iptables -S')).trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
});

test.serial('several CNIs: auto and cni=kube-router refuse (naming the active config), cni=all cleans both', async (t) => {
  const before = await snapshot('mixed1');
  const auto = await kremedy(['run', 'reset-node', '--hosts', 'mixed1', '--json']);
  t.is(auto.code, 2);
  t.regex(tasksOf(auto, 'mixed1').find((e) => e.task === 'CNI detection is unambiguous')?.message ?? '', /both flannel and kube-router.*-e cni=all/);

  const kr = await kremedy(['run', 'reset-node', '--hosts', 'mixed1', '-e', 'cni=kube-router', '--json']);
  t.is(kr.code, 2, kr.stderr);
  const gate = tasksOf(kr, 'mixed1').find((e) => e.task === 'no other CNI config in /etc/cni/net.d');
  t.is(gate?.status, 'failed');
  t.regex(gate?.message ?? '', /\/etc\/cni\/net\.d\/10-flannel\.conflist \(flannel\)/);
  t.is(await snapshot('mixed1'), before, 'refused hosts are not touched');
  t.regex(await onHost('mixed1', 'ls /etc/cni/net.d'), /10-flannel\.conflist/);

  const all = await kremedy(['run', 'reset-node', '--hosts', 'mixed1', '-e', 'cni=all', '--json']);
  t.is(all.code, 0, all.stderr + all.stdout);
  for (const l of ['flannel.1', 'cni0', 'kube-bridge', 'kube-dummy-if']) t.not((await tryOnHost('mixed1', `ip link show ${l}`)).code, 0, `${l} is gone`);
  t.is((await onHost('mixed1', 'ls -A /etc/cni/net.d | wc -l')).trim(), '0');
  t.is((await onHost('mixed1', 'for d in /run/flannel /var/lib/kube-router; do [ -e $d ] && echo $d; done; true')).trim(), '');
  const again = await kremedy(['run', 'reset-node', '--hosts', 'mixed1', '-e', 'cni=all', '--json']);
  t.is(again.code, 0);
  t.is(recapOf(again)['mixed1']?.changed, 0);
});

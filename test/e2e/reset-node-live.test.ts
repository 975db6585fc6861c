import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf, tryOnHost } from './helpers/fleet.js';

// Host: live1 (seed flannel-live): a flannel node whose stand-in kubelet and flanneld units put
// kube-proxy's and flannel's chains (and flannel.1) back every 2 s, as a live node's would; a
// docker CLI stand-in lists two k8s_ containers and one that is not Kubernetes'.
const LIVE = 'no Kubernetes component running (kubelet, node units, k8s_ containers, CRI pods)';
const STOP = 'kubelet and the node units stopped and disabled';

test.before(async () => {
  await reseed('live1', 'flannel-live');
  // The units start without blocking the seed: wait until both have made their chains.
  for (let i = 0; i < 20; i++) {
    if ((await tryOnHost('live1', 'iptables -S FLANNEL-FWD && systemctl is-active kubelet flanneld')).code === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
});

const units = async () => (await tryOnHost('live1', 'systemctl is-active kubelet.service flanneld.service; systemctl is-enabled kubelet.service flanneld.service')).stdout.trim().split('\n');

test.serial('a live node is refused by default: exit 2, the running units named, nothing changed; the other host goes on', async (t) => {
  const before = await onHost('live1', 'iptables -S; ip -o link show flannel.1 | cut -d" " -f2');
  // `clean` (seed clean, read-only here): nothing to do there, and it is not held up by live1.
  const res = await kremedy(['run', 'reset-node', '--hosts', 'live1,clean', '--json']);
  t.is(res.code, 2, res.stderr);
  t.is(recapOf(res)['clean']?.failed, 0);
  t.is(res.events.find((e) => e['type'] === 'host' && e['host'] === 'clean')?.['result'], 'ok');
  const gate = tasksOf(res, 'live1').find((e) => e.task === LIVE);
  t.is(gate?.status, 'failed');
  t.regex(gate?.message ?? '', /live Kubernetes node: kubelet\.service active, flanneld\.service active, 2 k8s_ container\(s\) running \(k8s_kube-flannel_kube-flannel-ds-x7k2p_kube-system_5d2c_0, k8s_POD_/);
  t.regex(gate?.message ?? '', /-e stop_kubelet=true/);
  t.is(recapOf(res)['live1']?.changed, 0);
  t.deepEqual(await units(), ['active', 'active', 'enabled', 'enabled']);
  t.is(await onHost('live1', 'iptables -S; ip -o link show flannel.1 | cut -d" " -f2'), before);
});

test.serial('stop_kubelet=true stops and disables kubelet and flanneld first, says so; the reset stays clean', async (t) => {
  const res = await kremedy(['run', 'reset-node', '--hosts', 'live1', '-e', 'stop_kubelet=true', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  const tasks = tasksOf(res, 'live1');
  const stop = tasks.find((e) => e.task === STOP);
  t.is(stop?.status, 'changed');
  t.is(stop?.message, 'stop and disable kubelet.service, flanneld.service; stop 2 k8s_ container(s) (container runtime: docker.service is running (left running))');
  t.is((await onHost('live1', 'docker ps')).trim(), '1a2b3c4d5e6f registry', "only kubelet's containers were stopped");
  t.is((await onHost('live1', 'systemctl is-active docker.service')).trim(), 'active', 'the runtime keeps running');
  // Stopped before the first iptables change.
  const titles = tasks.map((e) => e.task);
  t.true(titles.indexOf(STOP) < titles.indexOf('iptables filter: policy ACCEPT on INPUT, FORWARD, OUTPUT'));
  t.deepEqual(await units(), ['inactive', 'inactive', 'disabled', 'disabled']);
  // Three cycles of the stand-ins' 2 s loop: nothing comes back.
  await new Promise((r) => setTimeout(r, 6000));
  t.deepEqual((await onHost('live1', 'iptables -S')).trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
  t.deepEqual((await onHost('live1', 'iptables -t nat -S')).trim().split('\n').filter((l) => !l.startsWith('-P')), []);
  t.not((await tryOnHost('live1', 'ip link show flannel.1')).code, 0, 'flannel.1 stays gone');

  const again = await kremedy(['run', 'reset-node', '--hosts', 'live1', '-e', 'stop_kubelet=true', '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)['live1']?.changed, 0);
  t.regex(tasksOf(again, 'live1').find((e) => e.task === STOP)?.message ?? '', /no kubelet, kube-proxy, flanneld or kube-router running/);
  // And without stop_kubelet the stopped node is no longer refused.
  const plain = await kremedy(['run', 'reset-node', '--hosts', 'live1', '--json']);
  t.is(plain.code, 0, plain.stderr);
  t.is(recapOf(plain)['live1']?.changed, 0);

  // undo enables and starts the units again, after the network state is back.
  const runId = res.events.find((e) => e['type'] === 'start')?.['runId'] as string;
  const undo = await kremedy(['undo', runId, '--hosts', 'live1', '--json']);
  t.is(undo.code, 0, undo.stderr + undo.stdout);
  t.deepEqual(await units(), ['active', 'active', 'enabled', 'enabled']);
  t.regex(await onHost('live1', 'iptables -S'), /-P FORWARD DROP/);
  await reseed('live1', 'flannel-live');
});

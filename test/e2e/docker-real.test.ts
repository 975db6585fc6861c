// A real dockerd (Debian's docker.io 20.10, from the fleet image's local apt repository) on a
// flannel node: reset-node -e restart_docker=true flushes the broken rules and the real daemon
// makes its own chains again. In a fleet host the daemon runs with the vfs storage driver and
// --ip-forward=false (/proc/sys is read-only there); containers cannot start (runc cannot write
// the read-only cgroup v1 hierarchy), so the `k8s_` container guard stays covered by the
// stand-in docker of test/e2e/reset-node-live.test.ts (test/fleet/README.md has the measurements).
// Hosts: dock1 only.
import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf } from './helpers/fleet.js';

const HOST = 'dock1';
const DROP_IN = `[Service]
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --storage-driver=vfs --ip-forward=false
`;

test.before(async () => {
  await onHost(HOST, 'command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null');
  await onHost(HOST, `mkdir -p /etc/systemd/system/docker.service.d && printf '%s' '${DROP_IN}' > /etc/systemd/system/docker.service.d/kremedy-fleet.conf && systemctl daemon-reload`);
  // A flannel node's broken rules first (with the daemon stopped: it would put its chains back
  // while the seed deletes them), then the live daemon adds its chains on top, as on a node.
  await onHost(HOST, 'systemctl stop docker.service docker.socket');
  await reseed(HOST, 'flannel');
  await onHost(HOST, 'systemctl restart docker.service && timeout 30 sh -c "until docker info >/dev/null 2>&1; do sleep 1; done"');
});

test.serial('the real daemon runs and made its own chains beside the broken flannel ones', async (t) => {
  t.is((await onHost(HOST, 'systemctl is-active docker.service')).trim(), 'active');
  t.regex(await onHost(HOST, 'docker version --format "{{.Server.Version}}"'), /^20\.10\./);
  const filter = await onHost(HOST, 'iptables -S');
  t.regex(filter, /^-A FORWARD -j DOCKER-USER$/m, "Docker's own rules");
  t.regex(filter, /^-A INPUT -j KUBE-FIREWALL$/m, "the seed's kube-proxy rules are still there");
  // dockerd 20.10 deletes the pre-17.06 DOCKER-ISOLATION chain when it starts: the field note's
  // broken chain survives only while Docker is not restarted (as the note's fix relies on).
  t.notRegex(filter, /^-A DOCKER-ISOLATION -j DROP$/m);
  t.regex(await onHost(HOST, 'iptables -t nat -S'), /-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/);
});

test.serial('reset-node -e restart_docker=true: flushed, Docker restarted and its chains back, made by dockerd itself', async (t) => {
  const pidBefore = (await onHost(HOST, 'systemctl show -p MainPID --value docker.service')).trim();
  const res = await kremedy(['run', 'reset-node', '--hosts', HOST, '-e', 'restart_docker=true', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(tasksOf(res, HOST).find((e) => /docker/i.test(e.task) && /restart/i.test(JSON.stringify(e)))?.status, 'changed');
  t.not((await onHost(HOST, 'systemctl show -p MainPID --value docker.service')).trim(), pidBefore, 'a new dockerd');

  const filter = await onHost(HOST, 'iptables -S');
  t.notRegex(filter, /KUBE-|FLANNEL|^-A DOCKER-ISOLATION -j DROP$/m, 'Kubernetes rules and the broken isolation chain are gone');
  t.regex(filter, /^-N DOCKER-ISOLATION-STAGE-1$/m, "dockerd's chains are back");
  t.regex(filter, /^-A FORWARD -j DOCKER-USER$/m);
  t.regex(filter, /^-P FORWARD ACCEPT$/m);
  const nat = await onHost(HOST, 'iptables -t nat -S');
  t.notRegex(nat, /KUBE-/);
  t.regex(nat, /-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/, 'its NAT is back');
  t.regex(await onHost(HOST, 'ip -o link show; true'), /docker0/);
  t.notRegex(await onHost(HOST, 'ip -o link show; true'), /flannel\.1|cni0/);
});

test.serial('a second run changes nothing: the daemon\'s own chains are no reason to flush or restart again', async (t) => {
  const pidBefore = (await onHost(HOST, 'systemctl show -p MainPID --value docker.service')).trim();
  const again = await kremedy(['run', 'reset-node', '--hosts', HOST, '-e', 'restart_docker=true', '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)[HOST]?.changed, 0);
  t.is((await onHost(HOST, 'systemctl show -p MainPID --value docker.service')).trim(), pidBefore, 'Docker was not restarted');
});

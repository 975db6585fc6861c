import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf } from './helpers/fleet.js';

// Host: fw1 (seed docker-firewall): a CentOS-style flannel node. iptables.service is enabled and
// restores /etc/sysconfig/iptables (stock REJECT --reject-with icmp-host-prohibited in INPUT and
// FORWARD) at boot; a stand-in docker.service makes Docker's chains each time it starts.
test.before(async () => {
  await reseed('fw1', 'docker-firewall');
  for (let i = 0; i < 20 && (await onHost('fw1', 'systemctl is-active docker.service || true')).trim() !== 'active'; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
});

const findings = (res: { events: Array<Record<string, any>> }) => res.events.filter((e) => e['type'] === 'finding' && e['host'] === 'fw1');

test.serial('doctor finds the host-prohibited REJECT and the service that restores it at boot', async (t) => {
  const res = await kremedy(['doctor', '--hosts', 'fw1', '--json']);
  t.is(res.code, 3, res.stderr);
  const prohibited = findings(res).find((f) => f['id'] === 'HOST-PROHIBITED');
  t.is(prohibited?.['severity'], 'critical');
  t.regex(prohibited?.['title'] ?? '', /Destination Host Prohibited/);
  t.true((prohibited?.['evidence'] as string[]).includes('filter: -A FORWARD -j REJECT --reject-with icmp-host-prohibited'));
  const boot = findings(res).find((f) => f['id'] === 'BOOT-FIREWALL');
  t.is(boot?.['severity'], 'warning');
  t.regex(boot?.['title'] ?? '', /iptables\.service is enabled and \/etc\/sysconfig\/iptables holds 2 REJECT rule\(s\)/);
});

test.serial('restart_docker=true: after the flush Docker makes its own chains again; a second run is clean', async (t) => {
  const res = await kremedy(['run', 'reset-node', '--hosts', 'fw1', '-e', 'restart_docker=true', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  const restart = tasksOf(res, 'fw1').find((e) => e.task.startsWith("Docker's chains"));
  t.is(restart?.status, 'changed');
  t.regex(restart?.message ?? '', /restart docker\.service/);
  const filter = await onHost('fw1', 'iptables -S');
  t.regex(filter, /-N DOCKER-ISOLATION-STAGE-1/);
  t.regex(filter, /-A FORWARD -o docker0 -j DOCKER/);
  t.notRegex(filter, /REJECT|KUBE-|DOCKER-ISOLATION -j DROP/, 'the REJECTs, kube chains and the broken isolation chain are gone');
  t.regex(await onHost('fw1', 'iptables -t nat -S'), /-A POSTROUTING -s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/);

  const again = await kremedy(['run', 'reset-node', '--hosts', 'fw1', '-e', 'restart_docker=true', '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)['fw1']?.changed, 0);

  // The live REJECT is gone; the boot-time one is still waiting in /etc/sysconfig/iptables.
  const doctor = await kremedy(['doctor', '--hosts', 'fw1', '--json']);
  t.false(findings(doctor).some((f) => f['id'] === 'HOST-PROHIBITED'));
  t.true(findings(doctor).some((f) => f['id'] === 'BOOT-FIREWALL'));
});

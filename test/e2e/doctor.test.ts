import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { CLIENT_KEY, KNOWN_HOSTS, REPO, hostIp, kremedy, onHost, tryOnHost, type CliResult } from './helpers/fleet.js';

// Hosts: w08 (reseeded to doctor-findings, then only read), clean (read-only). Serial: they share w08.
// The seed goes through fleet.sh so the host runs the current test/fleet/image/kremedy-seed.
const execFileAsync = promisify(execFile);

test.before(async () => {
  await execFileAsync('bash', [path.join(REPO, 'test/fleet/fleet.sh'), 'reseed', 'w08', 'doctor-findings']);
});

const findingsOf = (res: CliResult, host: string) => res.events.filter((e) => e['type'] === 'finding' && e['host'] === host);
const byId = (res: CliResult, host: string, id: string) => findingsOf(res, host).find((f) => f['id'] === id);

/** What the doctor could touch, as text: equal before and after means it changed nothing. */
const state = (host: string) =>
  onHost(host, 'iptables-save | grep -v "^#"; ip -o link show | cut -d" " -f2; ls -la /etc/cni/net.d /etc/kubernetes /etc/keepalived 2>&1; md5sum /var/log/messages 2>&1');

/** Findings that come from this machine's kernel (shared by every container), not from the seed. */
async function environmentFindings(host: string): Promise<Array<[string, string]>> {
  const env: Array<[string, string]> = [];
  if ((await tryOnHost(host, 'command -v iscsiadm')).code !== 0) env.push(['ISCSIADM-MISSING', 'info']);
  if (/\[always\]/.test(await onHost(host, 'cat /sys/kernel/mm/transparent_hugepage/enabled'))) env.push(['THP-ALWAYS', 'warning']);
  return env;
}

test.serial('doctor-findings host: every seeded problem is found, with evidence and fix; nothing changes', async (t) => {
  const before = await state('w08');
  const res = await kremedy(['doctor', '--hosts', 'w08', '--json']);
  t.is(res.code, 3, res.stderr + res.stdout);
  t.is(await state('w08'), before, 'the doctor is read-only');

  const ids = findingsOf(res, 'w08').map((f) => [f['id'], f['severity']]);
  const thp = (await environmentFindings('w08')).filter(([id]) => id === 'THP-ALWAYS');
  t.deepEqual(
    ids.sort(),
    [
      ['CNI-LEFTOVERS', 'warning'],
      ['DOCKER-ISOLATION', 'critical'],
      ['ETCD-SLOW', 'critical'],
      ['IPTABLES-SIZE', 'warning'],
      ['ISCSIADM-MISSING', 'critical'],
      ['KEEPALIVED-SUBNET', 'warning'],
      ['MANIFESTS-MISSING', 'warning'],
      ...thp,
    ].sort(),
  );
  t.is((await tryOnHost('w08', 'command -v iscsiadm')).code === 0, false, 'precondition: no iscsiadm on w08');

  const iso = byId(res, 'w08', 'DOCKER-ISOLATION')!;
  t.deepEqual(iso['evidence'], ['-A DOCKER-ISOLATION -j DROP   (12 times)']);
  t.is(iso['fix'], 'docker-isolation');

  const cni = byId(res, 'w08', 'CNI-LEFTOVERS')!;
  // Not reset-node -e cni=kube-router: that would empty /etc/cni/net.d, the active flannel config with it.
  t.is(cni['fix'], "none: manual (remove only kube-router's leftovers, keeping /etc/cni/net.d/10-flannel.conflist: rm /etc/cni/net.d/10-kuberouter.conflist)");
  t.regex(cni['evidence'].join('\n'), /configured: flannel \(config \/etc\/cni\/net.d\/10-flannel.conflist, link flannel.1, link cni0, directory \/run\/flannel\)/);
  t.regex(cni['evidence'].join('\n'), /leftover: kube-router \(config \/etc\/cni\/net.d\/10-kuberouter.conflist\)/);

  const etcd = byId(res, 'w08', 'ETCD-SLOW')!;
  t.regex(etcd['title'], /4 request\(s\) took too long, worst 6.475 s/);
  t.regex(etcd['evidence'][1], /took too long \(6.475365013s\)/);
  t.regex(etcd['fix'], /^none: manual \(etcd disk latency/);

  const rules = Number((await onHost('w08', 'iptables-save | grep -c "^-A"')).trim());
  t.true(rules > 6000);
  t.deepEqual(byId(res, 'w08', 'IPTABLES-SIZE')!['evidence'], [`iptables-save: ${rules} "-A" rules over all tables`]);

  const ka = byId(res, 'w08', 'KEEPALIVED-SUBNET')!;
  t.is(ka['evidence'][0], '/etc/keepalived/keepalived.conf: unicast_peer 192.168.100.12');
  t.regex(ka['evidence'].at(-1), new RegExp(`host subnets: ${hostIp('w08').replace(/\./g, '\\.')}/16 \\(eth0\\)`));
  t.is(ka['evidence'].length, 2, 'the peer and the VIP in the host subnet are not reported');

  t.regex(byId(res, 'w08', 'ISCSIADM-MISSING')!['evidence'].join('\n'), /executable file not found in \$PATH/);
  t.is(byId(res, 'w08', 'ISCSIADM-MISSING')!['fix'], 'iscsi-prereqs');
  t.regex(byId(res, 'w08', 'MANIFESTS-MISSING')!['evidence'].join('\n'), /Unable to read manifest path/);

  const summary = res.events.find((e) => e['type'] === 'summary');
  t.like(summary, { hosts: 1, unreachable: 0, critical: 3, warning: 4 + thp.length, info: 0 });
  t.is(res.events.at(-1), summary, 'the summary comes last');
});

test.serial('a clean host has no findings beyond the documented environment ones, and exits 0', async (t) => {
  t.is((await tryOnHost('clean', 'test -d /etc/kubernetes/manifests')).code, 0, 'clean must be seeded by the current kremedy-seed (fleet.sh reseed clean)');
  const env = await environmentFindings('clean');
  const res = await kremedy(['doctor', '--hosts', 'clean', '--json']);
  t.deepEqual(findingsOf(res, 'clean').map((f) => [f['id'], f['severity']]), env);
  // Info findings do not change the status; THP (warning) would, and is then expected.
  t.is(res.code, env.some(([, s]) => s !== 'info') ? 3 : 0, res.stderr);
});

test.serial('clocks of the fleet agree (containers share the kernel clock): no CLOCK-SKEW', async (t) => {
  const res = await kremedy(['doctor', '--hosts', 'w08,clean', '--json']);
  t.is(res.code, 3);
  t.deepEqual(res.events.filter((e) => e['id'] === 'CLOCK-SKEW'), []);
  t.like(res.events.at(-1), { type: 'summary', hosts: 2, unreachable: 0 });
});

test.serial('human report: grouped by host, evidence indented, fix named, summary line, no colour without a terminal', async (t) => {
  const res = await kremedy(['doctor', '--hosts', 'w08,clean']);
  t.is(res.code, 3);
  t.regex(res.stdout, /^w08: \d+ finding\(s\)$/m);
  t.regex(res.stdout, /^ {2}CRITICAL DOCKER-ISOLATION: /m);
  t.regex(res.stdout, /^ {6}-A DOCKER-ISOLATION -j DROP {3}\(12 times\)$/m);
  t.regex(res.stdout, /^ {6}fix: kremedy run docker-isolation --hosts w08$/m);
  t.regex(res.stdout, /^2 host\(s\) checked: 3 critical, \d+ warning, \d+ info; 0 unreachable$/m);
  t.notRegex(res.stdout, /\x1b\[/);
});

test.serial('--skip leaves checks out; an unknown check id is bad input', async (t) => {
  const res = await kremedy(['doctor', '--hosts', 'w08', '--json', '--skip', 'DOCKER-ISOLATION,ETCD-SLOW', '--skip', 'ISCSIADM-MISSING']);
  t.is(res.code, 3);
  const ids = findingsOf(res, 'w08').map((f) => f['id']);
  for (const id of ['DOCKER-ISOLATION', 'ETCD-SLOW', 'ISCSIADM-MISSING']) t.false(ids.includes(id));
  t.true(ids.includes('CNI-LEFTOVERS'));

  const bad = await kremedy(['doctor', '--hosts', 'w08', '--skip', 'NOPE']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--skip: unknown check NOPE \(checks: DOCKER-ISOLATION, /);
  const nomatch = await kremedy(['doctor', '--hosts', 'no-such-host']);
  t.is(nomatch.code, 1);
});

test.serial('an unreachable host: exit 4, reported, and the reachable host still diagnosed', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kremedy-doctor-'));
  const inv = path.join(dir, 'hosts.yml');
  writeFileSync(
    inv,
    `all:\n  hosts:\n    w08:\n      ansible_host: ${hostIp('w08')}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n` +
      `    dead:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n      ansible_user: root\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n`,
  );
  const res = await kremedy(['doctor', '-i', inv, '--known-hosts', KNOWN_HOSTS, '--json', '--connect-timeout', '3'], { fleetDefaults: false });
  t.is(res.code, 4, res.stderr);
  t.like(res.events.find((e) => e['type'] === 'unreachable'), { host: 'dead' });
  t.true(findingsOf(res, 'w08').length >= 7);
  t.like(res.events.at(-1), { type: 'summary', hosts: 2, unreachable: 1 });
});

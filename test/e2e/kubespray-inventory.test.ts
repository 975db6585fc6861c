// A kubespray user's layout, end to end: `kremedy run reset-node -i inventory/mycluster/ --hosts
// kube_node` from the directory holding the cluster's ansible.cfg, with hosts.yaml, group_vars/ and
// host_vars/ as kubespray lays them out. The workers are reached as the non-root sudo user
// `deploy` on port 2222, both set only in group_vars (the sudo password through
// lookup('env', ...)); the fleet's sshd listens on 22 only, so the test starts a second sshd on
// 2222 on each worker for its duration. ansible-core, when installed, is asked the same thing
// first (`ansible -m raw`), so both are seen to log in the same way: same user, same port, root
// through sudo.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_KEY, KNOWN_HOSTS, hostIp, kremedy, onHost, recapOf, reseed, snapshot, tryOnHost } from './helpers/fleet.js';

const execFileAsync = promisify(execFile);
// Hosts: ks1 (control plane, must stay untouched), ks2 and ks3 (workers): this file's own.
const WORKERS = ['ks2', 'ks3'];
const CONTROL_PLANE = 'ks1';
const PORT = 2222;
const SSHD_PID = `/run/kremedy-e2e-sshd-${PORT}.pid`;
const SSHD_LOG = `/run/kremedy-e2e-sshd-${PORT}.log`;

// An ansible.cfg as kubespray users keep it at the repository root (ssh_args with ControlPersist,
// host_key_checking off, kubespray's inventory ignore settings), plus the inventory and the key.
const ANSIBLE_CFG = (key: string) => `[ssh_connection]
pipelining=True
ssh_args = -o ControlMaster=auto -o ControlPersist=30m -o ConnectionAttempts=100 -o UserKnownHostsFile=/dev/null
[defaults]
force_valid_group_names = ignore
inventory = inventory/mycluster/
private_key_file = ${key}
host_key_checking=False
gathering = smart
timeout = 300
deprecation_warnings=False
inventory_ignore_extensions = ~, .orig, .bak, .ini, .cfg, .retry, .pyc, .pyo, .creds, .gpg
[inventory]
ignore_patterns = artifacts, credentials
`;

let dir = '';
let knownHosts = '';

test.before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kr-kubespray-'));
  const inv = path.join(dir, 'inventory', 'mycluster');
  mkdirSync(path.join(inv, 'group_vars', 'all'), { recursive: true });
  mkdirSync(path.join(inv, 'group_vars', 'k8s_cluster'), { recursive: true });
  mkdirSync(path.join(inv, 'host_vars'), { recursive: true });
  writeFileSync(path.join(dir, 'ansible.cfg'), ANSIBLE_CFG(CLIENT_KEY));
  const host = (n: string) => `    ${n}:\n      ansible_host: ${hostIp(n)}\n      ip: ${hostIp(n)}\n`;
  writeFileSync(
    path.join(inv, 'hosts.yaml'),
    `all:\n  hosts:\n${[CONTROL_PLANE, ...WORKERS].map(host).join('')}    localhost:\n      ansible_connection: local\n` +
      `  children:\n    kube_control_plane:\n      hosts:\n        ${CONTROL_PLANE}:\n    etcd:\n      hosts:\n        ${CONTROL_PLANE}:\n` +
      `    kube_node:\n      hosts:\n${WORKERS.map((w) => `        ${w}:\n`).join('')}    k8s_cluster:\n      children:\n        kube_control_plane:\n        kube_node:\n    calico_rr:\n      hosts: {}\n`,
  );
  writeFileSync(
    path.join(inv, 'group_vars', 'all', 'all.yml'),
    "ansible_user: deploy\nansible_become: true\nansible_become_password: \"{{ lookup('env', 'KREMEDY_E2E_SUDO_PW') }}\"\nbin_dir: /usr/local/bin\n",
  );
  writeFileSync(path.join(inv, 'group_vars', 'k8s_cluster', 'k8s-cluster.yml'), `kube_network_plugin: flannel\nansible_port: ${PORT}\nkube_config_dir: /etc/kubernetes\nkube_cert_dir: "{{ kube_config_dir }}/ssl"\n`);
  // A leftover INI beside hosts.yaml: Ansible skips .ini files in an inventory directory, so must kremedy.
  writeFileSync(path.join(inv, 'inventory.ini'), `[kube_node]\nnode-from-the-ini ansible_host=${hostIp('clean')}\n`);
  // The same host keys answer on the second port: known_hosts names them as [ip]:port.
  const fleetKnown = readFileSync(KNOWN_HOSTS, 'utf8').split('\n');
  knownHosts = path.join(dir, 'known_hosts');
  const lines = WORKERS.flatMap((w) => fleetKnown.filter((l) => l.split(' ')[0]!.split(',').includes(hostIp(w))).map((l) => l.replace(/^\S+/, `[${hostIp(w)}]:${PORT}`)));
  writeFileSync(knownHosts, lines.join('\n') + '\n');
  for (const w of WORKERS) {
    await reseed(w, 'flannel');
    await onHost(w, `/usr/sbin/sshd -p ${PORT} -o PidFile=${SSHD_PID} -E ${SSHD_LOG} && for i in 1 2 3 4 5 6 7 8 9 10; do ss -ltn | grep -q ':${PORT} ' && break; sleep 0.2; done`);
  }
  await reseed(CONTROL_PLANE, 'flannel');
});

test.after.always(async () => {
  for (const w of WORKERS) await tryOnHost(w, `[ -f ${SSHD_PID} ] && kill "$(cat ${SSHD_PID})"; rm -f ${SSHD_PID}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  kremedy(args, { fleetDefaults: false, cwd: dir, env: { KREMEDY_E2E_SUDO_PW: 'deploy-pass', ANSIBLE_CONFIG: '', ...env } });

test.serial('kremedy inventory shows where each setting of the kubespray layout comes from', async (t) => {
  const res = await run(['inventory', '-i', 'inventory/mycluster/', '--hosts', 'kube_node', '--json']);
  t.is(res.code, 0, res.stderr);
  const hosts = JSON.parse(res.stdout) as Array<{ name: string; port: number; user: string; become: boolean; settings: Record<string, { value: unknown; from: string }> }>;
  t.deepEqual(hosts.map((h) => h.name), WORKERS, 'the .ini beside hosts.yaml is skipped, as Ansible skips it');
  for (const h of hosts) {
    t.is(h.port, PORT);
    t.regex(h.settings['port']!.from, /group_vars\/k8s_cluster\/k8s-cluster\.yml:2 \(ansible_port\)$/);
    t.is(h.user, 'deploy');
    t.regex(h.settings['user']!.from, /group_vars\/all\/all\.yml:1 \(ansible_user\)$/);
    t.true(h.become);
    t.is(h.settings['privateKeyFile']!.value, CLIENT_KEY);
    t.regex(h.settings['privateKeyFile']!.from, /ansible\.cfg:\d+ \[defaults\] private_key_file$/);
    t.is(h.settings['becomePassword']!.value, '********');
  }
  t.regex(res.stderr, /host_key_checking = False .* is not honoured: kremedy always checks host keys/);
  t.false(res.stdout.includes('deploy-pass'));

  // Without -i, ansible.cfg's inventory is used, and kremedy says so.
  const fromCfg = await run(['inventory', '--hosts', 'kube_node', '--json']);
  t.is(fromCfg.code, 0, fromCfg.stderr);
  t.regex(fromCfg.stderr, /kremedy: inventory .*inventory\/mycluster \(from .*ansible\.cfg:\d+ \[defaults\] inventory; -i overrides it\)/);
});

test.serial('ansible-core connects to the kube_node hosts as deploy on port 2222 and becomes root with sudo', async (t) => {
  const ansible = await execFileAsync('ansible', ['--version']).then(() => true, () => false);
  if (!ansible) {
    t.log('ansible-core is not installed: only kremedy is checked');
    t.pass();
    return;
  }
  const logBefore = Object.fromEntries(await Promise.all(WORKERS.map(async (w) => [w, (await onHost(w, `wc -l < ${SSHD_LOG}`)).trim()] as const)));
  // kubespray's ssh_args but without a 30-minute ControlPersist master left behind by the test.
  const res = await execFileAsync('ansible', ['-i', 'inventory/mycluster/', 'kube_node', '-m', 'raw', '-a', 'echo "login=$SUDO_USER uid=$(id -u)"'], {
    cwd: dir,
    env: { ...process.env, KREMEDY_E2E_SUDO_PW: 'deploy-pass', ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ConnectionAttempts=100 -o UserKnownHostsFile=/dev/null', ANSIBLE_NOCOLOR: '1' },
  });
  for (const w of WORKERS) {
    // ssh reports the [address]:port it reached; sudo gave uid 0 to the deploy login.
    t.regex(res.stdout, new RegExp(`${w} \\| CHANGED[^]*?login=deploy uid=0[^]*?\\[${hostIp(w).replace(/\./g, '\\.')}\\]:${PORT}`), res.stdout);
    const log = await onHost(w, `tail -n +${Number(logBefore[w]) + 1} ${SSHD_LOG}`);
    t.regex(log, /Accepted publickey for deploy from \S+ port \d+ ssh2/, `${w} sshd log:\n${log}`);
  }
});

test.serial('kremedy run reset-node -i inventory/mycluster/ --hosts kube_node resets the workers through deploy@:2222 with sudo', async (t) => {
  const controlPlaneBefore = await snapshot(CONTROL_PLANE);
  const logBefore = Object.fromEntries(await Promise.all(WORKERS.map(async (w) => [w, (await onHost(w, `wc -l < ${SSHD_LOG}`)).trim()] as const)));

  // --hosts all would select localhost (ansible_connection=local): refused before any host is touched.
  const all = await run(['run', 'reset-node', '-i', 'inventory/mycluster/', '--hosts', 'all', '--known-hosts', knownHosts, '--json']);
  t.is(all.code, 1, all.stderr);
  t.regex(all.stderr, /host localhost: .*hosts\.yaml:\d+ \(ansible_connection\): ansible_connection=local would run on this machine/);
  t.is(all.events.filter((e) => e['type'] === 'task').length, 0, 'nothing ran anywhere');

  const res = await run(['run', 'reset-node', '-i', 'inventory/mycluster/', '--hosts', 'kube_node', '--known-hosts', knownHosts, '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  const recap = recapOf(res);
  t.deepEqual(Object.keys(recap).sort(), WORKERS);
  for (const w of WORKERS) {
    t.is(recap[w]?.failed, 0);
    t.true((recap[w]?.changed ?? 0) >= 5, `${w} changed ${recap[w]?.changed}`);
    // The host's real state, read as root over the fleet's own port 22.
    t.deepEqual((await onHost(w, 'iptables -S')).trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
    t.not((await tryOnHost(w, 'ip link show flannel.1')).code, 0, `${w}: flannel.1 is gone`);
    t.not((await tryOnHost(w, 'ip link show cni0')).code, 0, `${w}: cni0 is gone`);
    // kremedy logged in on 2222 as deploy (sshd's own log), as ansible-core did.
    const log = await onHost(w, `tail -n +${Number(logBefore[w]) + 1} ${SSHD_LOG}`);
    t.regex(log, /Accepted publickey for deploy from \S+ port \d+ ssh2/, `${w} sshd log:\n${log}`);
    t.notRegex(log, /for root/);
  }
  t.false((res.stdout + res.stderr).includes('deploy-pass'), 'the sudo password never shows');
  t.is(await snapshot(CONTROL_PLANE), controlPlaneBefore, 'the control plane (not in kube_node) is untouched');
});

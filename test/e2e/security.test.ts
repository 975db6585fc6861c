import test from 'ava';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_KEY, INVENTORY, KNOWN_HOSTS, hostIp, kremedy, onHost, recapOf, reseed, tasksOf, tryOnHost } from './helpers/fleet.js';
import { inHost } from './helpers/faults.js';

// Owns f06 (serial: the host is reseeded, gets hostile file names, and has its host keys
// swapped in the last test). Hostile values must be quoted or refused: a marker file that a
// successful injection would create is looked for on the host and on this machine.

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kr-sec-'));
const TOKEN = `krpwn${process.pid}`;
const markers: string[] = [];
const marker = (tag: string) => {
  const m = `/tmp/${TOKEN}-${tag}`;
  markers.push(m);
  return m;
};
/** The payloads, each creating its own marker if it ever reaches a shell. */
const payloads = (tag: string) => [
  `$(touch ${marker(`${tag}-dollar`)})`,
  `\`touch ${marker(`${tag}-tick`)}\``,
  `x;touch ${marker(`${tag}-semi`)}`,
  `x'; touch ${marker(`${tag}-squote`)}; '`,
  `x"; touch ${marker(`${tag}-dquote`)}; "`,
  `x\ntouch ${marker(`${tag}-newline`)}`,
  `x|touch ${marker(`${tag}-pipe`)}`,
  `x&&touch ${marker(`${tag}-and`)}`,
];

async function assertNoMarkers(t: import('ava').ExecutionContext): Promise<void> {
  const local = readdirSync('/tmp').filter((f) => f.startsWith(TOKEN));
  t.deepEqual(local, [], 'marker created on this machine');
  const remote = (await onHost('f06', `ls /tmp | grep ${TOKEN} || true`)).trim();
  t.is(remote, '', 'marker created on the host');
}

function yamlInventory(dir: string, hosts: Record<string, Record<string, unknown>>, groups: Record<string, string[]> = {}): string {
  const file = path.join(dir, `inv-${Math.random().toString(36).slice(2)}.yml`);
  const lines = ['all:', '  vars:', `    ansible_ssh_private_key_file: ${JSON.stringify(CLIENT_KEY)}`, '  hosts:'];
  for (const [name, vars] of Object.entries(hosts)) {
    lines.push(`    ${JSON.stringify(name)}:`);
    for (const [k, v] of Object.entries(vars)) lines.push(`      ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  }
  if (Object.keys(groups).length) {
    lines.push('  children:');
    for (const [g, members] of Object.entries(groups)) {
      lines.push(`    ${JSON.stringify(g)}:`, '      hosts:');
      for (const m of members) lines.push(`        ${JSON.stringify(m)}:`);
    }
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const dryRun = (inv: string, extra: string[] = []) =>
  kremedy(['run', 'reset-node', '--hosts', 'all', '--dry-run', '--json', '-i', inv, '--known-hosts', KNOWN_HOSTS, '--connect-timeout', '3', ...extra], { fleetDefaults: false });

test.before(async () => {
  await reseed('f06', 'kube-router');
});
test.after.always(() => {
  for (const m of markers) rmSync(m, { force: true });
});

test.serial('hostile inventory values (host names, ansible_host, ansible_user, group names, vars, key path) are quoted or refused', async (t) => {
  const dir = tmp();
  const ip = hostIp('f06');
  const outcomes: string[] = [];
  let tried = 0;
  const check = async (what: string, inv: string, allowed: number[]) => {
    tried++;
    const res = await dryRun(inv);
    outcomes.push(`${what}: exit ${res.code}`);
    t.true(allowed.includes(res.code), `${what}: exit ${res.code}\n${res.stdout}\n${res.stderr}`);
    t.false(/internal error/.test(res.stderr), `${what}: crashed\n${res.stderr}`);
  };
  for (const [i, p] of payloads('hostname').entries()) {
    // A name is only a label when ansible_host gives the address: refused (1) or used as a label (0).
    await check(`host name #${i}`, yamlInventory(dir, { [`f06${p}`]: { ansible_host: ip } }), [0, 1]);
  }
  for (const [i, p] of payloads('addr').entries()) await check(`ansible_host #${i}`, yamlInventory(dir, { f06: { ansible_host: `${ip}${p}` } }), [1, 4]);
  for (const [i, p] of payloads('user').entries()) await check(`ansible_user #${i}`, yamlInventory(dir, { f06: { ansible_host: ip, ansible_user: `root${p}` } }), [1, 4]);
  for (const [i, p] of payloads('group').entries()) await check(`group name #${i}`, yamlInventory(dir, { f06: { ansible_host: ip } }, { [`g${p}`]: ['f06'] }), [0, 1]);
  for (const [i, p] of payloads('var').entries()) await check(`vars #${i}`, yamlInventory(dir, { f06: { ansible_host: ip, some_var: p, [`k${i}`]: p } }), [0, 1]);
  for (const [i, p] of payloads('key').entries()) await check(`key file #${i}`, yamlInventory(dir, { f06: { ansible_host: ip, ansible_ssh_private_key_file: `/tmp/k${p}` } }), [1]);
  t.log(`${tried} hostile inventories: ${outcomes.join('; ')}`);
  await assertNoMarkers(t);
});

test.serial('hostile -e parameters are refused before any host is touched', async (t) => {
  let tried = 0;
  for (const [i, p] of payloads('param').entries()) {
    for (const args of [
      ['run', 'reset-node', '--hosts', 'f06', '--dry-run', '-e', `cni=${p}`],
      ['run', 'pin-registry-hosts', '--hosts', 'f06', '--dry-run', '-e', `pins=registry.example.com=${p}`],
      ['run', 'pin-registry-hosts', '--hosts', 'f06', '--dry-run', '-e', `pins=reg${p}=10.0.0.1`],
      ['run', 'pin-registry-hosts', '--hosts', 'f06', '--dry-run', '-e', `resolver=${p}`],
      ['run', './test/fixtures/playbooks/slow-steps.ts', '--hosts', 'f06', '--dry-run', '-e', `dir=/var/tmp/${p}`],
    ]) {
      tried++;
      const res = await kremedy(args);
      t.is(res.code, 1, `#${i} ${args.join(' ')}\n${res.stdout}${res.stderr}`);
      t.regex(res.stderr, /cni|pins|resolver|dir/, `the parameter is named: ${res.stderr}`);
    }
  }
  t.log(`${tried} hostile -e values refused`);
  await assertNoMarkers(t);
});

test.serial('hostile file names found on the host are moved as data, never run; backups are root-only (700 dirs, 600 files)', async (t) => {
  const names = payloads('file').map((p) => `x${p}`).filter((n) => !n.includes('/'));
  // Each name is written by python (no shell in between) so it lands on disk byte for byte.
  const py = `import os,json\nfor n in json.loads(${JSON.stringify(JSON.stringify(names))}):\n  open(os.path.join('/etc/cni/net.d', n), 'w').write('hostile\\n')`;
  await onHost('f06', `python3 -c ${shq(py)}`);
  t.is(Number((await onHost('f06', 'ls -A /etc/cni/net.d | wc -l')).trim()) >= names.length, true);
  const res = await kremedy(['run', 'reset-node', '--hosts', 'f06', '--json', '-e', 'cni=kube-router']);
  t.is(res.code, 0, res.stdout + res.stderr);
  t.truthy(tasksOf(res, 'f06').find((x) => x.task === '/etc/cni/net.d/* absent' && x.status === 'changed'));
  t.is((await onHost('f06', 'ls -A /etc/cni/net.d')).trim(), '', 'every hostile name was moved');
  await assertNoMarkers(t);

  const runId = res.events.find((e) => e['type'] === 'start')!['runId'];
  const dir = `/var/lib/kremedy/backups/${runId}`;
  const moved = await onHost('f06', `python3 -c ${shq(`import os,json\nprint(json.dumps(sorted(os.listdir(${JSON.stringify(dir + '/files/etc/cni/net.d')}))))`)}`);
  t.deepEqual(JSON.parse(moved).filter((n: string) => n.startsWith('x')), [...names].sort(), 'the originals are in the backup, names intact');

  // Root only: every directory 700; every file kremedy wrote 600; moved files keep their own mode
  // (undo restores them as they were) but sit below 700 directories.
  const dirs = (await onHost('f06', `find ${dir} -type d -printf '%m %p\\n'`)).trim().split('\n');
  for (const d of dirs) t.regex(d, /^700 /, d);
  const written = (await onHost('f06', `find ${dir} -maxdepth 1 -type f -printf '%m %u %p\\n'`)).trim().split('\n');
  t.true(written.length >= 2, written.join('\n'));
  for (const f of written) t.regex(f, /^600 root /, f);
  t.is((await onHost('f06', 'stat -c %a /var/lib/kremedy/backups')).trim(), '700');
  const asDeploy = await tryOnHost('f06', `su deploy -s /bin/sh -c ${shq(`cat ${dir}/MANIFEST`)}`);
  t.not(asDeploy.code, 0, 'a non-root user cannot read the backup');
  t.regex(asDeploy.stderr + asDeploy.stdout, /Permission denied/);
});

test.serial('passwords and become passwords never appear in output, JSON, JUnit/HTML reports, plan files or inventory listings', async (t) => {
  const dir = tmp();
  const ip = hostIp('f06');
  const BECOME = 'Wr0ng-become-PW-%s-7';
  const SSH = 'Ssh-pw-$(nope)-9';
  const inv = yamlInventory(dir, {
    f06: { ansible_host: ip, ansible_user: 'deploy', ansible_become: true, ansible_become_password: BECOME },
    f06pw: { ansible_host: ip, ansible_user: 'deploy', ansible_password: SSH, ansible_ssh_private_key_file: path.join(dir, 'no-such-key-so-password') },
  });
  // A password-only host: the key var is cleared so the password is what gets tried.
  writeFileSync(inv, readFileSync(inv, 'utf8').replace(`      "ansible_ssh_private_key_file": ${JSON.stringify(path.join(dir, 'no-such-key-so-password'))}\n`, ''));
  const texts: Record<string, string> = {};
  const junit = path.join(dir, 'r.xml');
  const html = path.join(dir, 'r.html');
  // Apply (not a dry run) so sudo fails on the step path too; the wrong become password fails the probe.
  const res = await kremedy(['run', 'reset-node', '--hosts', 'all', '--json', '-i', inv, '--known-hosts', KNOWN_HOSTS, '--junit', junit, '--report', html, '--timeout', '20'], { fleetDefaults: false });
  t.true(res.code === 2 || res.code === 4, `${res.code}\n${res.stdout}${res.stderr}`);
  t.regex(res.stdout + res.stderr, /f06.*(sudo|password|incorrect|authentication)/is, 'the failure is explained');
  texts['run output'] = res.stdout + res.stderr;
  if (existsSync(junit)) texts['junit'] = readFileSync(junit, 'utf8');
  if (existsSync(html)) texts['html'] = readFileSync(html, 'utf8');
  t.true(existsSync(junit) && existsSync(html), 'report files were written');
  for (const args of [['inventory', '--json'], ['inventory'], ['inventory', '--graph']]) {
    const r = await kremedy([...args, '-i', inv], { fleetDefaults: false });
    t.is(r.code, 0, r.stderr);
    texts[args.join(' ')] = r.stdout + r.stderr;
  }
  // The right become password, through a plan file.
  const good = yamlInventory(dir, { f06: { ansible_host: ip, ansible_user: 'deploy', ansible_become: true, ansible_become_password: 'deploy-pass' } });
  const planFile = path.join(dir, 'plan.json');
  const plan = await kremedy(['plan', 'reset-node', '--hosts', 'f06', '-o', planFile, '-i', good, '--known-hosts', KNOWN_HOSTS, '--json'], { fleetDefaults: false });
  t.is(plan.code, 0, plan.stdout + plan.stderr);
  texts['plan output'] = plan.stdout + plan.stderr;
  texts['plan file'] = readFileSync(planFile, 'utf8');
  // Retry files and anything else kremedy left in the working tree or the temp dir.
  for (const f of readdirSync(dir)) if (!f.endsWith('.yml')) texts[`file ${f}`] = readFileSync(path.join(dir, f), 'utf8');
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of [BECOME, SSH, 'deploy-pass']) t.false(text.includes(secret), `${secret} leaked into ${where}`);
  }
  t.log(`checked ${Object.keys(texts).length} outputs: ${Object.keys(texts).join(', ')}`);
});

test.serial('a host whose key changed is refused with both fingerprints; the real key is restored afterwards', async (t) => {
  const dir = tmp();
  const known = path.join(dir, 'known_hosts');
  // A copy: the shared fleet known_hosts is everybody's, and it is exactly what must NOT change.
  copyFileSync(KNOWN_HOSTS, known);
  const copied = readFileSync(known, 'utf8');
  // Only f06's lines: other engineers' `fleet.sh up` may rewrite the rest meanwhile.
  const f06Lines = () => readFileSync(KNOWN_HOSTS, 'utf8').split('\n').filter((l) => l.startsWith(`${hostIp('f06')} `)).join('\n');
  const sharedBefore = f06Lines();
  const withCopy = (args: string[]) => kremedy([...args, '-i', INVENTORY, '--known-hosts', known], { fleetDefaults: false });
  const before = await withCopy(['facts', '--hosts', 'f06']);
  t.is(before.code, 0, before.stderr);
  await inHost('f06', 'mkdir -p /root/kr-hostkeys && cp -p /etc/ssh/ssh_host_* /root/kr-hostkeys/ && rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh');
  try {
    const newFp = (await inHost('f06', 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1]!;
    const res = await withCopy(['run', 'reset-node', '--hosts', 'f06', '--trust-new-hosts', '--json']);
    t.is(res.code, 4, res.stdout + res.stderr);
    t.true(recapOf(res)['f06']!.unreachable);
    const msg = res.stdout + res.stderr;
    t.regex(msg, /HOST KEY CHANGED for 10\.\d+\.\d+\.\d+:22: it offered ssh-ed25519 SHA256:\S+, but .*known_hosts:\d+ expects SHA256:/);
    t.true(msg.includes(newFp), `the offered fingerprint ${newFp} is shown`);
    t.is(readFileSync(known, 'utf8'), copied, '--trust-new-hosts never overwrites a changed key');
  } finally {
    await inHost('f06', 'cp -p /root/kr-hostkeys/ssh_host_* /etc/ssh/ && rm -rf /root/kr-hostkeys && systemctl restart ssh');
  }
  const after = await kremedy(['facts', '--hosts', 'f06']);
  t.is(after.code, 0, `restored key accepted again: ${after.stderr}`);
  t.is(f06Lines(), sharedBefore, "the shared known_hosts' entry for f06 was never touched");
});

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

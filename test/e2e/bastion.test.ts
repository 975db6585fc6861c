// A host reachable only through a jump host: the fleet's `inner` sits on a private network
// (test/fleet/fleet.sh: group behind_bastion) that only `bastion` is attached to; this machine
// has no route to it. kremedy reaches it through ProxyJump from an ssh_config (-F), from
// ansible_ssh_common_args, and from the fleet inventory's `ssh -W %h:%p` ProxyCommand. The
// state on `inner` is read with OpenSSH through the bastion (`ssh -J bastion`, helpers/fleet.ts).
// Serial: the tests change `inner` and stop `bastion`.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fleetSh } from './helpers/faults.js';
import { CLIENT_KEY, KNOWN_HOSTS, RUN_DIR, fleet, hostIp, kremedy, onHost, recapOf, reseed, tasksOf } from './helpers/fleet.js';

const execFileAsync = promisify(execFile);
const SSH_CONFIG = path.join(RUN_DIR, 'ssh_config');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kr-e2e-bastion-'));
const innerIp = () => hostIp('inner');
const bastionIp = () => hostIp('bastion');
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** inner (and clean, reached directly) by name only: everything else comes from the fleet's ssh_config. */
const configInventory = (dir: string) => write(dir, 'config.yml', 'all:\n  hosts:\n    inner: {}\n    clean: {}\n');

/** inner by address, with the jump in ansible_ssh_common_args; the bastion is tried with the inventory key. */
const argsInventory = (dir: string) =>
  write(
    dir,
    'args.yml',
    `all:\n  hosts:\n    inner:\n      ansible_host: ${innerIp()}\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n` +
      `      ansible_ssh_common_args: '-o ProxyJump=root@${bastionIp()} -o ServerAliveInterval=5'\n`,
  );

/** What reset-node changes on a flannel-seeded node, read through the bastion with OpenSSH. */
async function innerState(): Promise<string> {
  return onHost('inner', 'iptables -S; ip -o link show | cut -d" " -f2');
}

test.before(() => {
  const hosts = fleet();
  if (hosts.get('inner')?.via !== 'bastion') throw new Error('the fleet has no `inner` behind `bastion`: run fleet.sh up with the current hosts.tsv');
});

test.serial('inner cannot be reached from this machine directly: not by OpenSSH, not by kremedy', async (t) => {
  const direct = await execFileAsync('ssh', ['-i', CLIENT_KEY, '-o', `UserKnownHostsFile=${KNOWN_HOSTS}`, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', `root@${innerIp()}`, 'true']).then(
    () => 0,
    (e: { code?: number }) => e.code,
  );
  t.is(direct, 255);
  const dir = tmp();
  const inv = write(dir, 'direct.yml', `all:\n  hosts:\n    inner:\n      ansible_host: ${innerIp()}\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n`);
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--dry-run', '--json', '-i', inv, '--known-hosts', KNOWN_HOSTS, '-F', 'none', '--connect-timeout', '3'], {
    fleetDefaults: false,
  });
  t.is(res.code, 4, res.stderr);
  t.true(recapOf(res)['inner']?.unreachable);
  t.regex(res.stderr, new RegExp(`inner.*UNREACHABLE.*${esc(innerIp())}:22`));
});

test.serial('reset-node through the bastion from an ssh_config (-F): Host blocks, HostName, User, IdentityFile, ProxyJump', async (t) => {
  await reseed('inner', 'flannel');
  const before = await innerState();
  t.regex(before, /^-P FORWARD DROP$/m);
  t.regex(before, /^flannel\.1:/m);
  const dir = tmp();
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--json', '-i', configInventory(dir), '-F', SSH_CONFIG, '--known-hosts', KNOWN_HOSTS], { fleetDefaults: false });
  t.is(res.code, 0, res.stderr);
  t.true(recapOf(res)['inner']!.changed > 0);
  const after = await innerState();
  t.regex(after, /^-P FORWARD ACCEPT$/m);
  t.notRegex(after, /DOCKER-ISOLATION|KUBE-FIREWALL/);
  t.notRegex(after, /^(flannel\.1|cni0):/m);
  t.regex(after, /^eth0@/m, 'inner keeps its own network');
  // Idempotent through the bastion too.
  const again = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--json', '-i', configInventory(dir), '-F', SSH_CONFIG, '--known-hosts', KNOWN_HOSTS], { fleetDefaults: false });
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)['inner']!.changed, 0);
  t.is(await innerState(), after);
});

test.serial('reset-node through the bastion from ansible_ssh_common_args -o ProxyJump=root@BASTION', async (t) => {
  await reseed('inner', 'flannel');
  t.regex(await innerState(), /^flannel\.1:/m);
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--json', '-i', argsInventory(tmp()), '-F', 'none', '--known-hosts', KNOWN_HOSTS], { fleetDefaults: false });
  t.is(res.code, 0, res.stderr);
  t.true(recapOf(res)['inner']!.changed > 0);
  const after = await innerState();
  t.regex(after, /^-P FORWARD ACCEPT$/m);
  t.notRegex(after, /^(flannel\.1|cni0):/m);
  await reseed('inner', 'flannel');
});

test.serial("the fleet inventory's ProxyCommand 'ssh -W %h:%p ... root@BASTION' is followed as a jump host", async (t) => {
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--dry-run', '--json', '-F', 'none'], {});
  t.is(res.code, 0, res.stderr);
  t.true(tasksOf(res, 'inner').some((e) => e.status === 'pending' && /flannel\.1/.test(e.task)));
});

test.serial('an unknown bastion key is refused, naming the jump host; inner is not touched', async (t) => {
  await reseed('inner', 'flannel');
  const before = await innerState();
  const dir = tmp();
  const known = write(
    dir,
    'known_hosts',
    readFileSync(KNOWN_HOSTS, 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith(`${bastionIp()},`))
      .join('\n'),
  );
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--json', '-i', configInventory(dir), '-F', SSH_CONFIG, '--known-hosts', known], { fleetDefaults: false });
  t.is(res.code, 4, res.stderr);
  t.true(recapOf(res)['inner']?.unreachable);
  t.regex(res.stderr, new RegExp(`jump host bastion \\(${esc(bastionIp())}:22\\) is unreachable: host ${esc(bastionIp())}:22 is not in ${esc(known)}`));
  t.is(await innerState(), before);
});

test.serial("a changed key of inner is refused even through a trusted bastion; inner is not touched", async (t) => {
  const before = await innerState();
  const dir = tmp();
  const lines = readFileSync(KNOWN_HOSTS, 'utf8').split('\n');
  // inner's entries replaced by master's keys under inner's address and name.
  const impostor = lines.filter((l) => l.startsWith(`${hostIp('master')},`)).map((l) => l.replace(/^\S+/, `${innerIp()},inner`));
  const known = write(dir, 'known_hosts', [...lines.filter((l) => !l.startsWith(`${innerIp()},`)), ...impostor].join('\n') + '\n');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'inner', '--json', '-i', configInventory(dir), '-F', SSH_CONFIG, '--known-hosts', known], { fleetDefaults: false });
  t.is(res.code, 4, res.stderr);
  t.regex(res.stderr, new RegExp(`HOST KEY CHANGED for ${esc(innerIp())}:22: .*\\(through jump host bastion \\(${esc(bastionIp())}:22\\)\\)`));
  t.is(await innerState(), before);
});

test.serial('the bastion down: inner is reported unreachable naming the bastion, a direct host finishes', async (t) => {
  const dir = tmp();
  await fleetSh('stop', 'bastion');
  try {
    const res = await kremedy(
      ['run', 'reset-node', '--hosts', 'inner,clean', '--dry-run', '--json', '-i', configInventory(dir), '-F', SSH_CONFIG, '--known-hosts', KNOWN_HOSTS, '--connect-timeout', '3'],
      { fleetDefaults: false },
    );
    t.is(res.code, 4, res.stderr);
    const recap = recapOf(res);
    t.true(recap['inner']?.unreachable);
    t.false(recap['clean']?.unreachable);
    t.is(recap['clean']?.failed, 0);
    const unreachable = res.events.find((e) => e['type'] === 'host' && e['host'] === 'inner');
    t.regex(String(unreachable?.['message']), new RegExp(`^jump host bastion \\(${esc(bastionIp())}:22\\) is unreachable: connection to ${esc(bastionIp())}:22 timed out`));
  } finally {
    await fleetSh('start', 'bastion');
  }
  // Back: inner is reachable again through it.
  t.regex(await innerState(), /^eth0@/m);
});

test.serial('a ProxyCommand kremedy cannot follow is bad input (exit 1) before any host is touched', async (t) => {
  const dir = tmp();
  const inv = write(
    dir,
    'nc.yml',
    `all:\n  hosts:\n    clean:\n      ansible_host: ${hostIp('clean')}\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n    inner:\n      ansible_host: ${innerIp()}\n      ansible_ssh_private_key_file: ${CLIENT_KEY}\n` +
      `      ansible_ssh_common_args: '-o ProxyCommand="nc -x ${bastionIp()}:1080 %h %p"'\n`,
  );
  const res = await kremedy(['run', 'reset-node', '--hosts', 'all', '--json', '-i', inv, '-F', 'none', '--known-hosts', KNOWN_HOSTS], { fleetDefaults: false });
  t.is(res.code, 1, res.stderr);
  t.regex(res.stderr, /kremedy: host inner: ProxyCommand "nc -x [\d.]+:1080 %h %p" \(the ssh options of inner\) is not supported: it does not run ssh/);
  t.deepEqual(res.events.filter((e) => e['type'] === 'task'), [], 'no host was touched');
});

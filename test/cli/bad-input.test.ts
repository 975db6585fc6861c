import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI, REPO } from './helpers.js';

// Bad input is refused before any host is touched: exit 1, a clear message, and not one
// connection attempt. Every inventory here points at a TCP port this test listens on locally;
// the listener counts connections and must count none. (No fleet needed.)

let server: net.Server;
let port = 0;
let connections = 0;

test.before(async () => {
  server = net.createServer((sock) => {
    connections++;
    sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
test.after.always(() => server.close());

const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-bad-'));
const keyFile = path.join(dir, 'id_test');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);

function inventory(name: string, body: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, body);
  return f;
}
const goodInventory = () =>
  inventory(
    'good.yml',
    `all:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${keyFile}\n`,
  );

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', CI: 'true', SSH_AUTH_SOCK: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end();
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function refused(t: import('ava').ExecutionContext, args: string[], message: RegExp): Promise<void> {
  const before = connections;
  const res = await run([...args, '--known-hosts', path.join(dir, 'known_hosts'), '--connect-timeout', '2']);
  t.is(res.code, 1, `${args.join(' ')}\n${res.stdout}${res.stderr}`);
  t.regex(res.stderr, message);
  t.false(/internal error/.test(res.stderr));
  // Give a stray connect a moment to land before counting.
  await new Promise((r) => setTimeout(r, 100));
  t.is(connections, before, 'no connection was attempted');
}

test.serial('the listener really counts connections (the check can fail)', async (t) => {
  const before = connections;
  const res = await run(['facts', '-i', goodInventory(), '--known-hosts', path.join(dir, 'known_hosts'), '--connect-timeout', '2']);
  t.not(res.code, 0);
  await new Promise((r) => setTimeout(r, 100));
  t.true(connections > before, 'a valid run does connect');
});

test.serial('malformed inventory YAML: file:line:col', async (t) => {
  const inv = inventory('broken.yml', 'all:\n  hosts:\n    a: {ansible_host: 127.0.0.1\n    b:\n');
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '-i', inv], /broken\.yml:\d+:\d+/);
});

test.serial('a key file that is not a private key', async (t) => {
  const junk = path.join(dir, 'junk-key');
  writeFileSync(junk, 'not a key\n', { mode: 0o600 });
  const inv = inventory('junk.yml', `all:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_ssh_private_key_file: ${junk}\n`);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '-i', inv], /junk-key/);
});

test.serial('malformed INI inventory: file:line', async (t) => {
  const inv = inventory('broken.ini', `[web\ntarget ansible_host=127.0.0.1 ansible_port=${port}\n`);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '-i', inv], /broken\.ini:\d+/);
});

test.serial('unknown inventory keys are warned about with their place', async (t) => {
  const inv = inventory('typo.yml', `all:\n  hostz:\n    target:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n`);
  const before = connections;
  const res = await run(['inventory', '-i', inv]);
  t.is(res.code, 0, res.stderr);
  t.regex(res.stderr, /typo\.yml:2\b.*unexpected key "hostz"/);
  t.is(connections, before);
});

test.serial('an unknown playbook: the nearest name is suggested', async (t) => {
  await refused(t, ['run', 'reset-nod', '--hosts', 'all', '-i', goodInventory()], /unknown playbook "reset-nod" \(did you mean "reset-node"\?\)/);
});

test.serial('a host pattern matching nothing', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'nosuchhost', '--dry-run', '-i', goodInventory()], /nosuchhost/);
});

test.serial('parameters of the wrong type name the parameter', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '-e', 'cni=calico', '-i', goodInventory()], /cni/);
  await refused(t, ['run', 'pin-registry-hosts', '--hosts', 'all', '--dry-run', '-e', 'timeout=soon', '-i', goodInventory()], /timeout/);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '-e', 'nosuch=1', '-i', goodInventory()], /nosuch/);
});

test.serial('an unreadable key file (a directory, a missing file) is refused before connecting', async (t) => {
  const keyDir = path.join(dir, 'keydir');
  mkdirSync(keyDir, { recursive: true });
  for (const [name, key] of [['dir', keyDir], ['missing', path.join(dir, 'no-such-key')]] as const) {
    const inv = inventory(`key-${name}.yml`, `all:\n  hosts:\n    target:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_ssh_private_key_file: ${key}\n`);
    await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '-i', inv], new RegExp(key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  }
});

test.serial('bad numbers for --forks, --timeout, --serial are refused', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '--forks', '0', '-i', goodInventory()], /--forks/);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '--timeout', '-5', '-i', goodInventory()], /--timeout/);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--serial', 'lots', '-i', goodInventory()], /--serial/);
});

test.serial('a missing inventory file and a missing playbook file', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '-i', path.join(dir, 'nope.yml')], /nope\.yml/);
  await refused(t, ['run', './no-such-playbook.ts', '--hosts', 'all', '--dry-run', '-i', goodInventory()], /no-such-playbook\.ts/);
});

test.serial('a single-value option given twice is refused (it used to crash on --hosts a --hosts b); -i is repeatable, as in Ansible', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'a', '--hosts', 'target', '--dry-run', '-i', goodInventory()], /--hosts given more than once/);
  // `inventory` connects to nothing and takes no connection options: run it bare.
  const inv = await run(['inventory', '-i', goodInventory(), '-i', goodInventory(), '--json']);
  t.is(inv.code, 0, inv.stderr);
  t.true(JSON.parse(inv.stdout).length > 0);
});

test.serial('--shard that is not i/n with 1 <= i <= n is refused before connecting (run, plan, doctor)', async (t) => {
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '--shard', '0/3', '-i', goodInventory()], /--shard 0\/3: the shard must be between 1 and 3/);
  await refused(t, ['plan', 'reset-node', '--shard', '4/3', '-i', goodInventory(), '-o', path.join(dir, 'plan.json')], /--shard 4\/3: the shard must be between 1 and 3/);
  await refused(t, ['doctor', '--shard', 'a/b', '-i', goodInventory()], /--shard must be i\/n .*got "a\/b"/);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--shard', '1/0', '-i', goodInventory()], /number of shards must be at least 1/);
  await refused(t, ['run', 'reset-node', '--hosts', 'all', '--dry-run', '--shard', '1/2', '--shard', '2/2', '-i', goodInventory()], /--shard given more than once/);
});

test.serial('a shard that holds none of the selected hosts is nothing to do: exit 0, no connection', async (t) => {
  const { shardOf } = await import('../../src/inventory/shard.js');
  const other = shardOf('target', 2) === 1 ? 2 : 1;
  const before = connections;
  const res = await run(['run', 'reset-node', '--hosts', 'all', '--dry-run', '--shard', `${other}/2`, '-i', goodInventory(), '--known-hosts', path.join(dir, 'known_hosts')]);
  t.is(res.code, 0, res.stderr);
  t.regex(res.stderr, new RegExp(`shard ${other}/2: 0 of the 1 selected host\\(s\\): nothing to do`));
  await new Promise((r) => setTimeout(r, 100));
  t.is(connections, before);
});

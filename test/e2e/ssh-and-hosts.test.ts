import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_KEY, FLEET_NET, KNOWN_HOSTS, hostIp, kremedy, recapOf } from './helpers/fleet.js';

// Read-only commands (facts, dry runs) on the `clean` host and w01: safe to run beside other files.
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kr-e2e-'));

function inventory(dir: string, hosts: Record<string, Record<string, unknown>>): string {
  const file = path.join(dir, 'hosts.yml');
  const lines = ['all:', '  vars:', `    ansible_ssh_private_key_file: ${CLIENT_KEY}`, '  hosts:'];
  for (const [name, vars] of Object.entries(hosts)) {
    lines.push(`    ${name}:`);
    for (const [k, v] of Object.entries(vars)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('an unreachable host is reported while the others finish (exit 4)', async (t) => {
  const dir = tmp();
  // FLEET_NET.0.250 is inside the fleet's own bridge subnet and has no host behind it.
  const inv = inventory(dir, { clean: { ansible_host: hostIp('clean') }, ghost: { ansible_host: `${FLEET_NET}.0.250` } });
  const res = await kremedy(['run', 'reset-node', '--hosts', 'all', '--dry-run', '--json', '--connect-timeout', '2', '-i', inv], { fleetDefaults: false, env: { KREMEDY_KNOWN_HOSTS: KNOWN_HOSTS } });
  t.is(res.code, 4, res.stderr);
  const recap = recapOf(res);
  t.true(recap['ghost']?.unreachable);
  t.false(recap['clean']?.unreachable);
  t.is(recap['clean']?.failed, 0);
  t.regex(res.stderr, new RegExp(`ghost.*UNREACHABLE.*${FLEET_NET.replace('.', '\\.')}\\.0\\.250:22`));
});

test('unknown host keys are refused unless --trust-new-hosts records them; a changed key is always refused', async (t) => {
  const dir = tmp();
  const known = path.join(dir, 'known_hosts');
  const inv = inventory(dir, { clean: { ansible_host: hostIp('clean') } });
  const refused = await kremedy(['facts', '--hosts', 'clean', '-i', inv, '--known-hosts', known], { fleetDefaults: false });
  t.is(refused.code, 4);
  t.regex(refused.stdout, /not in .*known_hosts \(it offered ssh-ed25519 SHA256:[A-Za-z0-9+/]+\); verify the fingerprint and pass --trust-new-hosts/);

  const trusted = await kremedy(['facts', '--hosts', 'clean', '-i', inv, '--known-hosts', known, '--trust-new-hosts'], { fleetDefaults: false });
  t.is(trusted.code, 0, trusted.stdout + trusted.stderr);
  t.regex(readFileSync(known, 'utf8'), new RegExp(`^${hostIp('clean').replace(/\./g, '\\.')} ssh-ed25519 `, 'm'));

  // Swap in another key for the same name: the host now looks like an impostor.
  const other = path.join(dir, 'other');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const otherKey = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(known, `${hostIp('clean')} ${otherKey}\n`);
  const changed = await kremedy(['facts', '--hosts', 'clean', '-i', inv, '--known-hosts', known, '--trust-new-hosts'], { fleetDefaults: false });
  t.is(changed.code, 4);
  t.regex(changed.stdout, /HOST KEY CHANGED .* offered ssh-ed25519 SHA256:\S+, but .*known_hosts:1 expects SHA256:/);
  t.is(readFileSync(known, 'utf8'), `${hostIp('clean')} ${otherKey}\n`, 'a changed key is never overwritten');
});

test('become: a non-root user with sudo and a password probes as root, and the password never shows', async (t) => {
  const dir = tmp();
  const inv = inventory(dir, {
    w01: { ansible_host: hostIp('w01'), ansible_user: 'deploy', ansible_become: true, ansible_become_password: 'deploy-pass' },
  });
  const res = await kremedy(['run', 'reset-node', '--hosts', 'w01', '--dry-run', '--json', '-i', inv, '--known-hosts', KNOWN_HOSTS], { fleetDefaults: false });
  t.is(res.code, 0, res.stdout + res.stderr);
  t.true((recapOf(res)['w01']?.pending ?? 0) > 0, 'iptables was readable, so sudo worked');
  t.false((res.stdout + res.stderr).includes('deploy-pass'));

  const wrong = inventory(tmp(), {
    w01: { ansible_host: hostIp('w01'), ansible_user: 'deploy', ansible_become: true, ansible_become_password: 'not-it' },
  });
  const bad = await kremedy(['run', 'reset-node', '--hosts', 'w01', '--dry-run', '--json', '-i', wrong, '--known-hosts', KNOWN_HOSTS, '--timeout', '20'], { fleetDefaults: false });
  t.is(bad.code, 2);
  t.false((bad.stdout + bad.stderr).includes('not-it'));
});

test('wrong credentials give a clear authentication error', async (t) => {
  const dir = tmp();
  const key = path.join(dir, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const inv = path.join(dir, 'inv.yml');
  writeFileSync(inv, `all:\n  hosts:\n    clean:\n      ansible_host: ${hostIp('clean')}\n      ansible_ssh_private_key_file: ${key}\n`);
  copyFileSync(KNOWN_HOSTS, path.join(dir, 'kh'));
  const res = await kremedy(['facts', '--hosts', 'clean', '-i', inv, '--known-hosts', path.join(dir, 'kh')], { fleetDefaults: false });
  t.is(res.code, 4);
  t.regex(res.stdout, /authentication failed for root@10\.\d+\.\S+ \(tried: key .*stranger\)/);
});

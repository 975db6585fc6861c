import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf } from './helpers/fleet.js';

// Hosts: w06 (owned). Pins are always passed explicitly: this machine has no DNS, and tests
// must never send traffic to 8.8.8.8.
const PINS = 'registry-1.docker.io=52.204.202.231,auth.docker.io=54.152.209.167';
const BLOCK = [
  '# BEGIN kremedy pin-registry-hosts',
  '54.152.209.167 auth.docker.io',
  '52.204.202.231 registry-1.docker.io',
  '# END kremedy pin-registry-hosts',
];

let original = '';
test.before(async () => {
  await reseed('w06', 'flannel');
  // Start from the host's own /etc/hosts without any block left by an earlier run.
  await onHost('w06', "sed -i '/^# BEGIN kremedy pin-registry-hosts$/,/^# END kremedy pin-registry-hosts$/d' /etc/hosts");
  original = await onHost('w06', 'cat /etc/hosts');
});

test.serial('pin-registry-hosts: dry run, run, second run, state=absent', async (t) => {
  const dry = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', `pins=${PINS}`, '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.is(await onHost('w06', 'cat /etc/hosts'), original, 'the dry run changed nothing');
  const plan = tasksOf(dry, 'w06')[0];
  t.is(plan?.status, 'pending');
  const diff = (plan?.diff ?? '').split('\n');
  t.deepEqual(diff.slice(0, 2), ['--- /etc/hosts', '+++ /etc/hosts']);
  t.regex(diff[2] ?? '', /^@@ -\d+,\d+ \+\d+,\d+ @@$/);
  t.deepEqual(diff.filter((l) => l.startsWith('+') && !l.startsWith('+++')), BLOCK.map((l) => `+${l}`));

  const res = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', `pins=${PINS}`, '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(await onHost('w06', 'cat /etc/hosts'), original + BLOCK.join('\n') + '\n', 'every other line kept, block appended');
  t.is((await onHost('w06', 'getent hosts registry-1.docker.io')).trim().split(/\s+/)[0], '52.204.202.231');
  t.is((await onHost('w06', "stat -c '%a %U' /etc/hosts")).trim(), '644 root');
  t.is(await onHost('w06', 'cat /var/lib/kremedy/backups/*/files/etc/hosts'), original, 'the previous file is kept in the backup');
  t.is((await onHost('w06', 'ls -a /etc | grep -c "hosts.kremedy" || true')).trim(), '0', 'no temp file left behind');

  const again = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', `pins=${PINS}`, '--json']);
  t.is(again.code, 0);
  t.is(recapOf(again)['w06']?.changed, 0);

  // A changed pin replaces the block in place.
  const moved = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', 'pins=registry-1.docker.io=52.204.202.232,auth.docker.io=54.152.209.167', '--json']);
  t.is(recapOf(moved)['w06']?.changed, 1);
  t.regex(await onHost('w06', 'cat /etc/hosts'), /^52\.204\.202\.232 registry-1\.docker\.io$/m);

  const absent = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', 'state=absent', '--json']);
  t.is(absent.code, 0, absent.stderr);
  t.is(await onHost('w06', 'cat /etc/hosts'), original, 'only the block is removed');
  const absentAgain = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', 'state=absent', '--json']);
  t.is(recapOf(absentAgain)['w06']?.changed, 0);
});

test.serial('invalid pins are refused before any host is touched', async (t) => {
  const res = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', 'pins=registry-1.docker.io=999.1.1.1', '--json']);
  t.is(res.code, 1);
  t.regex(res.stderr, /pins\.registry-1\.docker\.io/);
  t.is(await onHost('w06', 'cat /etc/hosts'), original);
});

test.serial('without pins, an unreachable resolver is an input error that suggests -e pins', async (t) => {
  // 127.0.0.1:9 (discard) on this machine: refused at once, no traffic leaves the machine.
  const res = await kremedy(['run', 'pin-registry-hosts', '--hosts', 'w06', '-e', 'resolver=127.0.0.1:9', '-e', 'timeout=1', '--dry-run', '--json']);
  t.is(res.code, 1);
  t.regex(res.stderr, /cannot resolve registry-1\.docker\.io with DNS server 127\.0\.0\.1:9/);
  t.regex(res.stderr, /-e pins=registry-1\.docker\.io=IP,auth\.docker\.io=IP/);
});

import test from 'ava';
import { LINK_DELETE_GROUP } from '../../src/ops/link.js';
import { kremedy, onHost, recapOf, reseed, snapshot, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: master (reset), node1 (must stay untouched). Tests in this file share them: serial.
test.before(async () => {
  await reseed('master', 'flannel');
  await reseed('node1', 'flannel');
});

test.serial('dry run on a broken flannel master changes nothing and lists every pending step', async (t) => {
  const before = await snapshot('master');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'master', '--dry-run', '--json']);
  t.is(res.code, 0, res.stderr);
  t.is(await snapshot('master'), before, 'dry run must not change the host');
  const pending = tasksOf(res, 'master').filter((e) => e.status === 'pending').map((e) => e.task);
  t.deepEqual(pending, [
    'iptables filter: policy ACCEPT on INPUT, FORWARD, OUTPUT',
    'flush iptables filter table and delete its user chains',
    'flush iptables nat table and delete its user chains',
    'link flannel.1 absent',
    'link cni0 absent',
    '/run/flannel absent',
    '/etc/cni/net.d/10-flannel.conflist absent',
  ]);
  const flush = tasksOf(res, 'master').find((e) => e.task.startsWith('flush iptables filter'));
  t.regex(flush?.diff ?? '', /- -A DOCKER-ISOLATION -j DROP/, 'the plan shows the rules that go');
  t.deepEqual(Object.keys(recapOf(res)), ['master'], 'only the selected host is reported');
  t.regex(res.stderr, /DRY RUN/);
});

test.serial('reset-node on master converges it, leaves node1 and other CNI files alone, keeps backups', async (t) => {
  const node1Before = await snapshot('node1');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'master', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(recapOf(res)['master']?.failed, 0);
  t.true((recapOf(res)['master']?.changed ?? 0) >= 7);

  const filter = await onHost('master', 'iptables -S');
  t.deepEqual(filter.trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
  const nat = await onHost('master', 'iptables -t nat -S');
  t.deepEqual(nat.trim().split('\n'), ['-P PREROUTING ACCEPT', '-P INPUT ACCEPT', '-P OUTPUT ACCEPT', '-P POSTROUTING ACCEPT']);
  t.notRegex(filter, /DOCKER-ISOLATION|DROP/);
  t.not((await tryOnHost('master', 'ip link show flannel.1')).code, 0, 'flannel.1 is gone');
  t.not((await tryOnHost('master', 'ip link show cni0')).code, 0, 'cni0 is gone');
  t.is((await onHost('master', 'test -e /run/flannel && echo yes || echo no')).trim(), 'no');
  t.is((await onHost('master', 'ls /etc/cni/net.d')).trim(), '99-loopback.conf', 'only the flannel conflist was removed');

  // What was destroyed is kept, readable by root only.
  const run = res.events.find((e) => e['type'] === 'start')?.['runId'] as string;
  const backups = await onHost('master', `cd /var/lib/kremedy/backups/${run} && stat -c '%a' . && find . -type f | sort`);
  t.regex(backups, /^700\n/);
  t.regex(backups, /iptables-filter\.rules/);
  t.regex(backups, /link-flannel\.1\.json/);
  t.regex(backups, /files\/etc\/cni\/net\.d\/10-flannel\.conflist/);
  t.regex(await onHost('master', `cat /var/lib/kremedy/backups/${run}/iptables-filter.rules`), /-A DOCKER-ISOLATION -j DROP/);

  t.is(await snapshot('node1'), node1Before, 'a host outside the pattern is untouched');
});

test.serial('a second run changes nothing and says so', async (t) => {
  const res = await kremedy(['run', 'reset-node', '--hosts', 'master', '--json']);
  t.is(res.code, 0, res.stderr);
  t.is(recapOf(res)['master']?.changed, 0);
  t.is(recapOf(res)['master']?.failed, 0);
  t.regex(res.stderr, /0 change\(s\) made, 1 already converged/);
});

test.serial('fused iptables steps fail together: a failing iptables-restore fails every iptables task with its error, and nothing after it runs', async (t) => {
  await reseed('master', 'flannel');
  // A shim ahead of the real binary on sshd's PATH: the restore fails the way a rejected
  // input does (exit 1, a message naming the line), after the backups were taken.
  const shim = '/usr/local/sbin/iptables-restore';
  await onHost('master', `printf '#!/bin/sh\\ncat >/dev/null\\necho "iptables-restore: line 3 failed (injected)" >&2\\nexit 1\\n' > ${shim} && chmod 755 ${shim}`);
  try {
    const before = await onHost('master', 'iptables-save | grep -v "^#"');
    const res = await kremedy(['run', 'reset-node', '--hosts', 'master', '--json']);
    t.is(res.code, 2, res.stderr);
    const tasks = tasksOf(res, 'master');
    const iptablesTasks = tasks.filter((e) => /iptables/.test(e.task) && e.status !== 'ok');
    t.deepEqual(iptablesTasks.map((e) => e.task), [
      'iptables filter: policy ACCEPT on INPUT, FORWARD, OUTPUT',
      'flush iptables filter table and delete its user chains',
      'flush iptables nat table and delete its user chains',
    ]);
    for (const e of iptablesTasks) {
      t.is(e.status, 'failed', e.task);
      t.regex(e.message ?? '', /line 3 failed \(injected\)/, e.task);
    }
    t.true(tasks.filter((e) => /absent/.test(e.task) && e.status !== 'ok').every((e) => e.status === 'skipped'), 'no step after the failed restore ran');
    t.is(await onHost('master', 'iptables-save | grep -v "^#"'), before, 'the rules are as they were');
    t.is((await tryOnHost('master', 'ip link show flannel.1')).code, 0, 'flannel.1 is still there');
  } finally {
    await onHost('master', `rm -f ${shim}`);
  }
});

test.serial('links are deleted together through kremedy\'s link group, and a link already in that group is never taken with them', async (t) => {
  // A shim ahead of the real ip on sshd's PATH that keeps what each batch was asked to do.
  const shim = '/usr/local/sbin/ip';
  const batches = '/root/ip-batches';
  await onHost('master', `printf '#!/bin/sh\\nif [ "$1" = -batch ]; then tee -a ${batches} | /usr/sbin/ip "$@"; else exec /usr/sbin/ip "$@"; fi\\n' > ${shim} && chmod 755 ${shim}`);
  const run = async () => {
    await onHost('master', `rm -f ${batches}`);
    const res = await kremedy(['run', 'reset-node', '--hosts', 'master', '--json']);
    t.is(res.code, 0, res.stderr + res.stdout);
    t.deepEqual(tasksOf(res, 'master').filter((e) => e.task.startsWith('link ') && e.status === 'changed').map((e) => e.task), ['link flannel.1 absent', 'link cni0 absent']);
    t.is((await onHost('master', 'ip -o link show | grep -cE ": (flannel\\.1|cni0)[:@]" || true')).trim(), '0', 'both links are gone');
    return (await onHost('master', `cat ${batches}`)).trim();
  };
  try {
    // Someone else's link in the group kremedy deletes by (a bridge: this kernel has no dummy
    // links): the links go one by one, and that link stays.
    await reseed('master', 'flannel');
    await onHost('master', `ip link add kr-keep type bridge && ip link set dev kr-keep group ${LINK_DELETE_GROUP}`);
    try {
      t.is(await run(), 'link delete dev flannel.1\nlink delete dev cni0');
      t.regex(await onHost('master', 'ip -o link show kr-keep'), new RegExp(`group ${LINK_DELETE_GROUP}\\b`), 'the other link stays, still in the group');
    } finally {
      await tryOnHost('master', 'ip link delete kr-keep');
    }
    // The group empty: one pass, and nothing is left in the group.
    await reseed('master', 'flannel');
    t.is(await run(), `link set dev flannel.1 group ${LINK_DELETE_GROUP}\nlink set dev cni0 group ${LINK_DELETE_GROUP}\nlink delete group ${LINK_DELETE_GROUP}`);
    t.is((await onHost('master', `ip -o link show group ${LINK_DELETE_GROUP}`)).trim(), '');
  } finally {
    await onHost('master', `rm -f ${shim} ${batches}`);
  }
});

import test from 'ava';
import { kremedy, onHost, recapOf, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: w04 (owned). /sys is mounted read-only in the fleet's containers, so THP cannot be
// switched at run time there: the persisted unit must be installed and enabled, and the host
// must then fail at the runtime write with the real reason (not report success).
const UNIT = '/etc/systemd/system/kremedy-disable-thp.service';
const THP = '/sys/kernel/mm/transparent_hugepage';

test.before(async () => {
  await onHost('w04', `systemctl disable kremedy-disable-thp.service >/dev/null 2>&1 || true; rm -f ${UNIT}; systemctl daemon-reload`);
});

test.serial('disable-thp: dry run, run, second run on a read-only /sys', async (t) => {
  t.regex(await onHost('w04', "awk '$2==\"/sys\"{print $4}' /proc/mounts"), /^ro,/, 'precondition: /sys is read-only here');
  const thpBefore = await onHost('w04', `cat ${THP}/enabled ${THP}/defrag`);
  t.notRegex(thpBefore.split('\n')[0] ?? '', /\[never\]/);

  const dry = await kremedy(['run', 'disable-thp', '--hosts', 'w04', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.not((await tryOnHost('w04', `test -e ${UNIT}`)).code, 0, 'the dry run wrote nothing');
  const sysTask = tasksOf(dry, 'w04')[2];
  t.is(sysTask?.status, 'pending');
  t.regex(sysTask?.message ?? '', /not writable here/, 'the plan warns that the write will fail');

  const res = await kremedy(['run', 'disable-thp', '--hosts', 'w04', '--json']);
  t.is(res.code, 2);
  t.deepEqual(tasksOf(res, 'w04').map((e) => e.status), ['changed', 'changed', 'failed', 'skipped']);
  t.regex(tasksOf(res, 'w04')[2]?.message ?? '', /cannot write never to \/sys\/kernel\/mm\/transparent_hugepage\/enabled: Read-only file system \(\/sys is mounted ro/);
  const unit = await onHost('w04', `cat ${UNIT}`);
  t.regex(unit, /^Type=oneshot$/m);
  t.regex(unit, /^WantedBy=basic\.target$/m);
  t.regex(unit, /echo never > \/sys\/kernel\/mm\/transparent_hugepage\/enabled && echo never > \/sys\/kernel\/mm\/transparent_hugepage\/defrag/);
  t.is((await onHost('w04', 'systemctl is-enabled kremedy-disable-thp.service')).trim(), 'enabled');
  t.is((await onHost('w04', 'readlink /etc/systemd/system/basic.target.wants/kremedy-disable-thp.service')).trim(), UNIT);
  t.is(await onHost('w04', `cat ${THP}/enabled ${THP}/defrag`), thpBefore, 'the kernel setting did not change (and nobody claims it did)');

  const again = await kremedy(['run', 'disable-thp', '--hosts', 'w04', '--json']);
  t.is(again.code, 2);
  t.deepEqual(tasksOf(again, 'w04').map((e) => e.status), ['ok', 'ok', 'failed', 'skipped']);
  t.is(recapOf(again)['w04']?.changed, 0);
});

import test from 'ava';
import { kremedy, onHost, recapOf, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: rhel01 (owned), the fleet's RPM-family host (os rhel8, see test/fleet/README.md): RHEL 8
// release files, Debian's dnf and rpm with an rpmdb at /var/lib/rpm, one yum repository on its own
// disk (file:///srv/rpm-repo) serving iscsi-initiator-utils, no apt-get or dpkg on PATH. The package
// is a stand-in built by the fleet with rpmbuild (test/fleet/image/rpm): its iscsid runs without a
// kernel iSCSI transport, so here the whole playbook converges, through the yum/dnf path.

test.before(async () => {
  // Every run of this file starts without the package, as dnf would leave a host after `dnf remove`
  // (its %preun stops and disables iscsid); the name file is removed too (%ghost, never regenerated).
  await onHost(
    'rhel01',
    'dnf remove -y -q iscsi-initiator-utils >/dev/null 2>&1 || true; rm -rf /etc/iscsi; ' +
      'systemctl daemon-reload; systemctl reset-failed iscsid.service >/dev/null 2>&1 || true',
  );
});

test.serial('facts: the RPM host is detected as the rhel family, with dnf and yum and without apt-get', async (t) => {
  const res = await kremedy(['facts', '--hosts', 'rhel01', '--json']);
  t.is(res.code, 0, res.stderr);
  const facts = res.events.find((e) => e['type'] === 'facts' && e['host'] === 'rhel01')?.['facts'];
  t.like(facts?.os, { id: 'rhel', family: 'rhel', version: '8.10' });
  t.is(facts?.binaries['dnf'], '/usr/bin/dnf');
  t.is(facts?.binaries['yum'], '/usr/bin/yum');
  t.is(facts?.binaries['apt-get'], null);
});

test.serial('iscsi-prereqs on the RPM host: dry run, run with dnf, second run changes nothing', async (t) => {
  t.not((await tryOnHost('rhel01', 'rpm -q iscsi-initiator-utils')).code, 0, 'precondition: not installed');
  const dry = await kremedy(['run', 'iscsi-prereqs', '--hosts', 'rhel01', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  const planned = tasksOf(dry, 'rhel01');
  t.deepEqual(planned.map((e) => e.status), ['pending', 'pending', 'pending']);
  t.regex(planned[0]?.message ?? '', /install iscsi-initiator-utils with dnf/);
  t.regex(planned[2]?.message ?? '', /enable and start iscsid\.service \(now not-found, inactive\)/);
  t.not((await tryOnHost('rhel01', 'rpm -q iscsi-initiator-utils')).code, 0, 'the dry run installed nothing');
  t.not((await tryOnHost('rhel01', 'test -e /etc/iscsi/initiatorname.iscsi')).code, 0);

  const res = await kremedy(['run', 'iscsi-prereqs', '--hosts', 'rhel01', '--json']);
  t.is(res.code, 0, res.stderr);
  const [pkg, file, svc] = tasksOf(res, 'rhel01');
  t.is(pkg?.status, 'changed');
  t.is(file?.status, 'changed');
  t.is(svc?.status, 'changed');
  // Real host state, read with the host's own tools.
  t.regex((await onHost('rhel01', 'rpm -q iscsi-initiator-utils')).trim(), /^iscsi-initiator-utils-6\.2\.1\.4-0\.kremedy1\.noarch$/);
  t.regex(await onHost('rhel01', 'dnf -q -C list --installed iscsi-initiator-utils'), /iscsi-initiator-utils\.noarch\s+6\.2\.1\.4-0\.kremedy1\s+@kremedy-local/);
  t.is((await onHost('rhel01', 'rpm -qf /usr/sbin/iscsiadm')).trim(), 'iscsi-initiator-utils-6.2.1.4-0.kremedy1.noarch');
  const name = await onHost('rhel01', 'cat /etc/iscsi/initiatorname.iscsi');
  t.regex(name, /^InitiatorName=iqn\.2016-04\.com\.open-iscsi:[0-9a-f]{12}\n$/);
  t.is((await onHost('rhel01', "stat -c '%a' /etc/iscsi/initiatorname.iscsi")).trim(), '600');
  t.is((await onHost('rhel01', 'systemctl is-enabled iscsid.service')).trim(), 'enabled');
  t.is((await onHost('rhel01', 'systemctl is-active iscsid.service')).trim(), 'active');
  // iscsiadm reaches the running iscsid: no sessions (21), not "can not connect" (20).
  const session = await tryOnHost('rhel01', 'iscsiadm -m session');
  t.is(session.code, 21, session.stderr);
  t.regex(session.stderr, /No active sessions/);

  const again = await kremedy(['run', 'iscsi-prereqs', '--hosts', 'rhel01', '--json']);
  t.is(again.code, 0, again.stderr);
  t.deepEqual(tasksOf(again, 'rhel01').map((e) => e.status), ['ok', 'ok', 'ok']);
  t.is(recapOf(again)['rhel01']?.changed, 0);
  t.is(await onHost('rhel01', 'cat /etc/iscsi/initiatorname.iscsi'), name, 'the initiator name is never regenerated');
  t.is((await onHost('rhel01', 'rpm -qa iscsi-initiator-utils | wc -l')).trim(), '1');
});

test.serial('a stopped iscsid is started again; iscsiadm says it cannot reach it meanwhile', async (t) => {
  await onHost('rhel01', 'systemctl stop iscsid.service');
  const down = await tryOnHost('rhel01', 'iscsiadm -m session');
  t.is(down.code, 20, 'the stand-in iscsiadm really talks to iscsid');
  t.regex(down.stderr, /can not connect to iSCSI daemon/);
  const res = await kremedy(['run', 'iscsi-prereqs', '--hosts', 'rhel01', '--json']);
  t.is(res.code, 0, res.stderr);
  t.deepEqual(tasksOf(res, 'rhel01').map((e) => e.status), ['ok', 'ok', 'changed']);
  t.is((await onHost('rhel01', 'systemctl is-active iscsid.service')).trim(), 'active');
});

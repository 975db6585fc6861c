import test from 'ava';
import { cniOfConfigFile, detectCni, factsFrom, osFamilyOf, parseOsRelease } from '../../src/facts/gather.js';

test('os-release parsing and family', (t) => {
  const osr = parseOsRelease('NAME="CentOS Linux"\nVERSION_ID="7"\nID="centos"\nID_LIKE="rhel fedora"\n# comment\n');
  t.deepEqual(osr, { NAME: 'CentOS Linux', VERSION_ID: '7', ID: 'centos', ID_LIKE: 'rhel fedora' });
  t.is(osFamilyOf('centos', 'rhel fedora', undefined), 'rhel');
  t.is(osFamilyOf('debian', '', undefined), 'debian');
  t.is(osFamilyOf('ubuntu', 'debian', undefined), 'debian');
  t.is(osFamilyOf('unknown', '', 'CentOS Linux release 7.1.1503 (Core)'), 'rhel');
  t.is(osFamilyOf('alpine', '', undefined), 'other');
});

const cases: Array<[string, Parameters<typeof detectCni>[0], string[], string]> = [
  ['flannel conflist', [{ path: '/etc/cni/net.d/10-flannel.conflist', hints: '"type": "flannel"' }], [], 'flannel'],
  ['kube-router by bridge name', [{ path: '/etc/cni/net.d/10-kuberouter.conflist', hints: '"type": "bridge" "bridge": "kube-bridge"' }], [], 'kube-router'],
  ['nothing', [{ path: '/etc/cni/net.d/99-loopback.conf', hints: '"type": "loopback"' }], [], 'none'],
  ['leftover flannel link only', [], ['lo', 'eth0', 'flannel.1'], 'flannel'],
  ['both configs', [{ path: '/etc/cni/net.d/10-flannel.conflist', hints: '' }, { path: '/etc/cni/net.d/10-kuberouter.conflist', hints: '' }], [], 'ambiguous'],
];
for (const [name, files, links, expected] of cases) test(`detectCni: ${name}`, (t) => t.is(detectCni(files, links).detected, expected));

test('factsFrom reads every fact probe', (t) => {
  const r = (stdout: string) => ({ stdout, stderr: '', rc: 0 });
  const facts = factsFrom(
    new Map([
      ['fact:hostname', r('centos71\n')],
      ['fact:os-release', r('ID="centos"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\nID_LIKE="rhel fedora"')],
      ['fact:redhat-release', r('CentOS Linux release 7.1.1503 (Core)')],
      ['fact:kernel', r('3.10.0-229.7.2.el7.x86_64\n')],
      ['fact:cni', r('file\t/etc/cni/net.d/10-kuberouter.conflist\t"type":"bridge" "bridge":"kube-bridge" \n')],
      ['links', r('1: lo: <LOOPBACK,UP> mtu 65536\n2: eth0@if9: <BROADCAST,UP> mtu 1500\n    veth\n3: kube-bridge: <BROADCAST> mtu 1500\n    bridge\n')],
      ['fact:binaries', r('/usr/sbin/iptables\n/usr/bin/sudo\n')],
      ['fact:uid', r('0')],
    ]),
  );
  t.is(facts.kernel, '3.10.0-229.7.2.el7.x86_64');
  t.is(facts.os.family, 'rhel');
  t.is(facts.os.redhatRelease, 'CentOS Linux release 7.1.1503 (Core)');
  t.is(facts.cni.detected, 'kube-router');
  t.deepEqual(facts.links, ['lo', 'eth0', 'kube-bridge']);
  t.is(facts.binaries['iptables'], '/usr/sbin/iptables');
  t.is(facts.binaries['sudo'], '/usr/bin/sudo');
  t.is(facts.binaries['iscsiadm'], null, 'a binary that was not found is null, not absent');
  t.false('clock' in facts, 'the host clock is read by doctor only');
});

test('each CNI config file is placed: flannel, kube-router, calico, the loopback plugin, or unknown', (t) => {
  t.is(cniOfConfigFile('/etc/cni/net.d/10-flannel.conf', '"type": "flannel" '), 'flannel');
  t.is(cniOfConfigFile('/etc/cni/net.d/10-net.conflist', '"type": "bridge" "bridge": "kube-bridge" '), 'kube-router');
  t.is(cniOfConfigFile('/etc/cni/net.d/10-calico.conflist', '"type": "calico" "type": "portmap" '), 'calico');
  t.is(cniOfConfigFile('/etc/cni/net.d/99-loopback.conf', '"type": "loopback" '), 'loopback');
  t.is(cniOfConfigFile('/etc/cni/net.d/05-custom.conf', '"type": "bridge" "bridge": "br9" '), 'unknown');
  const cni = detectCni([{ path: '/etc/cni/net.d/10-flannel.conflist', hints: '"type": "flannel" ' }, { path: '/etc/cni/net.d/99-loopback.conf', hints: '"type": "loopback" ' }], []);
  t.deepEqual(cni.configs, [{ path: '/etc/cni/net.d/10-flannel.conflist', cni: 'flannel' }, { path: '/etc/cni/net.d/99-loopback.conf', cni: 'loopback' }]);
});

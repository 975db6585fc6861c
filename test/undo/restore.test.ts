import test from 'ava';
import { linkCreateArgs, parseBackupProbe, parseManifest, restoreSteps } from '../../src/undo/restore.js';
import { backupLink } from '../../src/backup/write.js';

const DIR = '/var/lib/kremedy/backups/R';

test('manifest lines are parsed; unknown or malformed lines are ignored', (t) => {
  t.deepEqual(parseManifest('iptables\tfilter\tiptables-filter.rules\nlink\tcni0\t10-link-cni0.json\nmoved\t/run/flannel\ncopied\t/etc/hosts\nbogus\nmoved\trelative/path\n'), [
    { kind: 'iptables', table: 'filter', file: 'iptables-filter.rules' },
    { kind: 'link', name: 'cni0', file: '10-link-cni0.json' },
    { kind: 'moved', path: '/run/flannel' },
    { kind: 'copied', path: '/etc/hosts' },
  ]);
});

test('links are recreated from `ip -d -j addr show`: kind, settings, MTU, MAC, addresses, up', (t) => {
  const vxlan = [{
    ifname: 'flannel.1', mtu: 1450, address: 'd6:29:3e:af:47:4d', flags: ['BROADCAST', 'UP'],
    linkinfo: { info_kind: 'vxlan', info_data: { id: 1, local: '10.213.0.16', link: 'eth0', port: 8472, learning: false } },
    addr_info: [{ family: 'inet', local: '10.244.7.0', prefixlen: 32 }, { family: 'inet6', local: 'fe80::1', prefixlen: 64 }],
  }];
  const { steps, cannot } = restoreSteps(DIR, parseManifest('link\tflannel.1\t09-link-flannel.1.json'), new Map([['09-link-flannel.1.json', JSON.stringify(vxlan)]]));
  t.deepEqual(cannot, []);
  t.is(steps[0]?.title, 'recreate vxlan link flannel.1');
  t.deepEqual(steps[0]?.commands.slice(1), [
    'ip link add flannel.1 type vxlan id 1 local 10.213.0.16 dev eth0 dstport 8472 nolearning',
    'ip link set dev flannel.1 mtu 1450',
    'ip link set dev flannel.1 address d6:29:3e:af:47:4d',
    'ip addr add 10.244.7.0/32 dev flannel.1',
    'ip link set dev flannel.1 up',
  ]);
});

test('links deleted together share one listing of every link: each is rebuilt from its own entry', (t) => {
  const listing = [
    { ifname: 'lo', mtu: 65536, flags: ['LOOPBACK', 'UP'], linkinfo: undefined },
    { ifname: 'cni0', mtu: 1450, flags: ['UP'], linkinfo: { info_kind: 'bridge' }, addr_info: [{ family: 'inet', local: '10.244.7.1', prefixlen: 24 }] },
    { ifname: 'flannel.1', mtu: 1450, flags: ['UP'], linkinfo: { info_kind: 'vxlan', info_data: { id: 1, port: 8472 } } },
  ];
  const manifest = parseManifest('link\tflannel.1\t09-links.json\nlink\tcni0\t09-links.json');
  const { steps, cannot } = restoreSteps(DIR, manifest, new Map([['09-links.json', JSON.stringify(listing)]]));
  t.deepEqual(cannot, []);
  t.deepEqual(steps.map((s) => s.title), ['recreate bridge link cni0', 'recreate vxlan link flannel.1']);
  t.true(steps[0]!.commands.includes('ip addr add 10.244.7.1/24 dev cni0'));
  t.true(steps[1]!.commands.includes('ip link add flannel.1 type vxlan id 1 dstport 8472'));
});

test('a link kind kremedy cannot rebuild is reported, with the file that describes it', (t) => {
  const { steps, cannot } = restoreSteps(DIR, parseManifest('link\tveth0\t05-link-veth0.json'), new Map([['05-link-veth0.json', JSON.stringify([{ linkinfo: { info_kind: 'veth' } }])]]));
  t.deepEqual(steps, []);
  t.regex(cannot[0] ?? '', /link veth0: kind veth cannot be recreated by kremedy; details are in \/var\/lib\/kremedy\/backups\/R\/05-link-veth0\.json/);
  t.is(linkCreateArgs('x', { linkinfo: { info_kind: 'bridge' } }), 'ip link add x type bridge');
});

test('iptables come back from the first save of each table; files are copied back, newest first', (t) => {
  const manifest = parseManifest('iptables\tfilter\tiptables-filter.rules\nmoved\t/run/flannel\niptables\tfilter\tlater.rules\nmoved\t/etc/cni/net.d/x y');
  const { steps } = restoreSteps(DIR, manifest, new Map());
  t.deepEqual(steps.map((s) => s.title), ['restore iptables filter from iptables-filter.rules', 'restore /etc/cni/net.d/x y', 'restore /run/flannel']);
  t.true(steps[1]!.commands.some((c) => c.includes("cp -a '/var/lib/kremedy/backups/R/files/etc/cni/net.d/x y' '/etc/cni/net.d/x y'")), 'paths are quoted');
});

test('the backup probe output splits into manifest and files; a missing run is recognised', (t) => {
  t.deepEqual(parseBackupProbe('#KR:NO-RUN\n'), { exists: false, manifest: [], files: new Map() });
  const parsed = parseBackupProbe('#KR:MANIFEST\nmoved\t/run/flannel\n#KR:FILE a.json\n[{"ifname":"a"}]\n');
  t.true(parsed.exists);
  t.deepEqual(parsed.manifest, [{ kind: 'moved', path: '/run/flannel' }]);
  t.is(parsed.files.get('a.json')?.trim(), '[{"ifname":"a"}]');
});

test('the new backups come back in a safe order: ipsets first, then tables, IPVS, routes, units last', (t) => {
  const manifest = parseManifest(
    [
      'unit\tkubelet.service\tenabled\tactive',
      'iptables\tnat\tiptables-nat.rules',
      'ip6tables\tfilter\tip6tables-filter.rules',
      'ipset\t12-ipsets.save',
      'ipvs\t13-ipvs.rules',
      'routes\tzebra\t20-routes-zebra.txt',
      'unit\tbad name\tenabled\tactive',
    ].join('\n'),
  );
  t.is(manifest.length, 7);
  const { steps } = restoreSteps(DIR, manifest, new Map());
  t.deepEqual(steps.map((s) => s.title), [
    'restore ipsets from 12-ipsets.save',
    'restore iptables nat from iptables-nat.rules',
    'restore ip6tables filter from ip6tables-filter.rules',
    'restore IPVS virtual servers from 13-ipvs.rules',
    'restore proto zebra routes from 20-routes-zebra.txt',
    'enable and start kubelet.service (as before the run)',
  ]);
  t.true(steps[2]!.commands.includes(`ip6tables-restore < ${DIR}/ip6tables-filter.rules`));
  t.true(steps[3]!.commands.some((c) => c.includes('not overwritten')), 'a different IPVS table is never replaced');
  t.true(steps[3]!.commands.includes(`ipvsadm -R < ${DIR}/13-ipvs.rules`));
  t.deepEqual(steps[5]!.commands.slice(1), ['systemctl enable kubelet.service', 'timeout 90 systemctl start kubelet.service']);
});

test('tun and ipip links can be recreated', (t) => {
  t.is(linkCreateArgs('tun-0ad50b0c', { linkinfo: { info_kind: 'tun', info_data: { type: 'tun' } } }), 'ip tuntap add tun-0ad50b0c mode tun');
  t.is(
    linkCreateArgs('tun-0ad50b0d', { linkinfo: { info_kind: 'ipip', info_data: { remote: '10.213.0.12', local: '10.213.0.11', link: 'eth0' } } }),
    'ip link add tun-0ad50b0d type ipip remote 10.213.0.12 local 10.213.0.11 dev eth0',
  );
});

test('a link backed up from the probe\'s listing (backupLink) is rebuilt like one from `ip -j`', (t) => {
  const details = '6: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000\n    link/ether 8a:09:b6:73:70:f3 brd ff:ff:ff:ff:ff:ff promiscuity 0\n    bridge forward_delay 1500\n    inet 10.244.7.1/24 brd 10.244.7.255 scope global cni0';
  const lines = backupLink('cni0', details, { backupDir: DIR, stepId: '09' });
  const written = /^printf '%s' '(.*)' > /s.exec(lines[1] ?? '')?.[1] ?? '';
  const { steps, cannot } = restoreSteps(DIR, parseManifest('link\tcni0\t09-link-cni0.json'), new Map([['09-link-cni0.json', written]]));
  t.deepEqual(cannot, []);
  t.deepEqual(steps[0]?.commands.slice(1), [
    'ip link add cni0 type bridge',
    'ip link set dev cni0 mtu 1450',
    'ip link set dev cni0 address 8a:09:b6:73:70:f3',
    'ip addr add 10.244.7.1/24 dev cni0',
    'ip link set dev cni0 up',
  ]);
  t.is((JSON.parse(written) as Array<{ probed: string }>)[0]?.probed, details, 'the probed block is kept as it was');
});

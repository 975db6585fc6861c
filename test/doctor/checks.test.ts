// Every host check, table-driven: raw probe output in, findings (id, severity, evidence, fix) out.
import test from 'ava';
import { diagnoseHost } from '../../src/doctor/diagnose.js';
import { HOST_CHECKS } from '../../src/doctor/registry.js';
import type { Severity } from '../../src/doctor/types.js';
import { hostProbe } from './helpers/probe.js';

interface Case {
  name: string;
  output: Record<string, string>;
  /** Findings expected from all host checks together: id → severity (and optionally fix / evidence fragments). */
  expect: Array<{ id: string; severity: Severity; fix?: string; evidence?: RegExp[]; title?: RegExp }>;
}

const FLANNEL_CNI = 'file\t/etc/cni/net.d/10-flannel.conflist\t"type": "flannel" \n';
const KR_CNI = 'file\t/etc/cni/net.d/10-kuberouter.conflist\t"type": "bridge" "bridge": "kube-bridge" \n';
const NO_ISCSI = '/usr/sbin/iptables';
const ETCD = (d: string) => `May 30 18:23:04 harbortest etcd: read-only range request "key:\\"/registry/pods/x\\" " took too long (${d}) to execute`;

const cases: Case[] = [
  { name: 'a healthy host has no findings', output: {}, expect: [] },
  {
    name: 'DOCKER-ISOLATION with bare DROPs (field note 1)',
    output: { 'doctor:iptables': 'filter -A DOCKER-ISOLATION -j DROP\n'.repeat(12) + 'filter -A DOCKER-ISOLATION -j RETURN\ncount 30' },
    expect: [{ id: 'DOCKER-ISOLATION', severity: 'critical', fix: 'docker-isolation', title: /12 unconditional DROP/, evidence: [/^-A DOCKER-ISOLATION -j DROP +\(12 times\)$/] }],
  },
  {
    name: "Docker's conditional isolation DROPs are normal",
    output: { 'doctor:iptables': 'filter -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\nfilter -A DOCKER-ISOLATION-STAGE-1 -j RETURN\ncount 40' },
    expect: [],
  },
  { name: 'a healthy DOCKER-ISOLATION (RETURN only)', output: { 'doctor:iptables': 'filter -A DOCKER-ISOLATION -j RETURN\ncount 1' }, expect: [] },
  {
    name: 'iptables-save that cannot run is reported, not passed',
    output: { 'doctor:iptables': 'error iptables-save v1.8.9 (legacy): Permission denied (you must be root)' },
    expect: [
      { id: 'DOCKER-ISOLATION', severity: 'info', title: /not checked.*Permission denied/ },
      { id: 'HOST-PROHIBITED', severity: 'info', title: /not checked/ },
      { id: 'IPTABLES-SIZE', severity: 'info', title: /not checked/ },
    ],
  },
  {
    name: 'CentOS stock REJECT in FORWARD (field note 1: "Destination Host Prohibited"): critical, with the exact delete',
    output: { 'doctor:iptables': 'filter -A INPUT -j REJECT --reject-with icmp-host-prohibited\nfilter -A FORWARD -j REJECT --reject-with icmp-host-prohibited\ncount 8' },
    expect: [{ id: 'HOST-PROHIBITED', severity: 'critical', title: /Destination Host Prohibited/, evidence: [/^filter: -A INPUT -j REJECT/, /^filter: -A FORWARD/], fix: 'none: manual (iptables -t filter -D INPUT -j REJECT --reject-with icmp-host-prohibited; iptables -t filter -D FORWARD -j REJECT --reject-with icmp-host-prohibited; then keep it from coming back at boot (see BOOT-FIREWALL))' }],
  },
  {
    name: 'host-prohibited REJECT in INPUT only: warning',
    output: { 'doctor:iptables': 'filter -A INPUT -j REJECT --reject-with icmp-host-prohibited\ncount 3' },
    expect: [{ id: 'HOST-PROHIBITED', severity: 'warning' }],
  },
  {
    name: 'iptables.service enabled with REJECT lines in /etc/sysconfig/iptables, and firewalld enabled',
    output: { 'doctor:boot-firewall': 'unit firewalld enabled\nunit iptables enabled\nunit ip6tables \nreject /etc/sysconfig/iptables:9:-A INPUT -j REJECT --reject-with icmp-host-prohibited' },
    expect: [
      { id: 'BOOT-FIREWALL', severity: 'warning', title: /firewalld is enabled/ },
      { id: 'BOOT-FIREWALL', severity: 'warning' },
    ],
  },
  {
    name: 'iptables.service enabled but no REJECT saved; REJECT saved but the service disabled: nothing',
    output: { 'doctor:boot-firewall': 'unit firewalld disabled\nunit iptables enabled\nunit ip6tables disabled\nreject /etc/sysconfig/ip6tables:3:-A INPUT -j REJECT' },
    expect: [],
  },
  { name: '5000 rules is still fine', output: { 'doctor:iptables': 'count 5000' }, expect: [] },
  { name: '5001 rules: warning', output: { 'doctor:iptables': 'count 5001' }, expect: [{ id: 'IPTABLES-SIZE', severity: 'warning', evidence: [/5001 "-A" rules/] }] },
  { name: '20001 rules: critical', output: { 'doctor:iptables': 'count 20001' }, expect: [{ id: 'IPTABLES-SIZE', severity: 'critical' }] },
  {
    name: 'kube-router config plus flannel links and /run/flannel',
    output: { 'fact:cni': KR_CNI, 'fact:links': 'lo\neth0\nkube-bridge\nflannel.1\ncni0', 'doctor:cni-dirs': '/run/flannel' },
    // Never reset-node beside a configured CNI: only the leftovers' own removal.
    expect: [{ id: 'CNI-LEFTOVERS', severity: 'warning', fix: "none: manual (remove only flannel's leftovers, keeping /etc/cni/net.d/10-kuberouter.conflist: ip link delete flannel.1; ip link delete cni0; rm -r /run/flannel)", evidence: [/configured: kube-router/, /leftover: flannel \(link flannel.1, link cni0, directory \/run\/flannel\)/] }],
  },
  {
    name: 'flannel is loaded first; the kube-router config after it is the leftover',
    output: { 'fact:cni': FLANNEL_CNI + KR_CNI, 'fact:links': 'lo\neth0\nflannel.1\ncni0' },
    expect: [{ id: 'CNI-LEFTOVERS', severity: 'warning', fix: "none: manual (remove only kube-router's leftovers, keeping /etc/cni/net.d/10-flannel.conflist: rm /etc/cni/net.d/10-kuberouter.conflist)", title: /loads \/etc\/cni\/net.d\/10-flannel.conflist/ }],
  },
  {
    name: 'leftover links with no CNI configured',
    output: { 'fact:links': 'lo\neth0\nkube-bridge' },
    expect: [{ id: 'CNI-LEFTOVERS', severity: 'warning', fix: 'reset-node -e cni=kube-router', title: /no CNI configured/ }],
  },
  {
    name: "kube-router leftovers beside calico's config: never a reset that would empty /etc/cni/net.d",
    output: { 'fact:cni': 'file\t/etc/cni/net.d/10-calico.conflist\t"type": "calico" \n', 'fact:links': 'lo\neth0\nkube-bridge' },
    expect: [{ id: 'CNI-LEFTOVERS', severity: 'warning', title: /configured for calico \(kubelet loads \/etc\/cni\/net.d\/10-calico.conflist\)/, fix: "none: manual (remove only kube-router's leftovers, keeping /etc/cni/net.d/10-calico.conflist: ip link delete kube-bridge)" }],
  },
  {
    name: 'leftovers of both CNIs with none configured: reset-node -e cni=all',
    output: { 'fact:links': 'lo\neth0\nkube-bridge\nflannel.1' },
    expect: [
      { id: 'CNI-LEFTOVERS', severity: 'warning', fix: 'reset-node -e cni=all', title: /leftovers on a host with no CNI configured/ },
      { id: 'CNI-LEFTOVERS', severity: 'warning', fix: 'reset-node -e cni=all' },
    ],
  },
  { name: 'a consistent flannel node', output: { 'fact:cni': FLANNEL_CNI, 'fact:links': 'lo\neth0\nflannel.1\ncni0', 'doctor:cni-dirs': '/run/flannel' }, expect: [] },
  {
    name: 'CentOS 7.1 kernel on a kube-router host',
    output: { 'fact:kernel': '3.10.0-229.7.2.el7.x86_64', 'fact:cni': KR_CNI, 'fact:links': 'lo\nkube-bridge' },
    expect: [{ id: 'KERNEL-REFUSED', severity: 'critical', fix: 'kernel-gate', evidence: [/uname -r: 3.10.0-229.7.2/] }],
  },
  { name: 'CentOS 7.1 kernel with flannel is not refused', output: { 'fact:kernel': '3.10.0-229.7.2.el7.x86_64', 'fact:cni': FLANNEL_CNI }, expect: [] },
  { name: 'CentOS 7.4 kernel with kube-router is fine', output: { 'fact:kernel': '3.10.0-693.21.1.el7.x86_64', 'fact:cni': KR_CNI }, expect: [] },
  { name: '3.10.0-2290 is not 3.10.0-229.', output: { 'fact:kernel': '3.10.0-2290.el7.x86_64', 'fact:cni': KR_CNI }, expect: [] },
  { name: 'no iscsiadm, no sign of iSCSI: info', output: { 'fact:binaries': NO_ISCSI }, expect: [{ id: 'ISCSIADM-MISSING', severity: 'info', fix: 'iscsi-prereqs' }] },
  {
    name: 'no iscsiadm, kubelet has iSCSI volumes: warning',
    output: { 'fact:binaries': NO_ISCSI, 'doctor:iscsi-use': '/var/lib/kubelet/pods/28837f50/volumes/kubernetes.io~iscsi' },
    expect: [{ id: 'ISCSIADM-MISSING', severity: 'warning', evidence: [/iscsiadm: not on PATH/, /present: .*kubernetes.io~iscsi/] }],
  },
  {
    name: 'no iscsiadm and kubelet fails on it (field note pod挂载pvc): critical',
    output: {
      'fact:binaries': NO_ISCSI,
      'doctor:logs':
        'Jun  7 05:19:34 node5 kubelet: E0607 05:19:34.279815 1988 iscsi_util.go:209] iscsi: could not read iface default error:\n' +
        'Jun  7 05:19:34 node5 kubelet: Operation for "kubernetes.io/iscsi/10.96.94.155:3260" failed: executable file not found in $PATH',
    },
    expect: [{ id: 'ISCSIADM-MISSING', severity: 'critical', evidence: [/not on PATH/, /could not read iface/, /executable file not found/] }],
  },
  { name: 'iscsiadm installed: nothing, whatever the logs say', output: { 'doctor:logs': 'kubelet: iscsi: could not read iface default error:' }, expect: [] },
  {
    name: 'etcd slow requests: count and worst, text format',
    output: { 'doctor:logs': [ETCD('186.374578ms'), ETCD('5.248197799s'), ETCD('6.475365013s'), ETCD('167.811417ms')].join('\n') },
    expect: [{ id: 'ETCD-SLOW', severity: 'critical', title: /4 request\(s\).*worst 6.475 s/, evidence: [/^4 "took too long" line/, /6.475365013s/] }],
  },
  {
    name: 'etcd slow but under a second: warning; a line read twice (syslog + journal) counts once',
    output: { 'doctor:logs': [ETCD('186.374578ms'), ETCD('186.374578ms'), ETCD('605.249675ms')].join('\n') },
    expect: [{ id: 'ETCD-SLOW', severity: 'warning', title: /2 request\(s\).*worst 605.2 ms/ }],
  },
  {
    name: 'etcd 3.5 JSON log line',
    output: { 'doctor:logs': 'Jun 01 10:00:00 m1 etcd[812]: {"level":"warn","msg":"apply request took too long","took":"1.5s","expected-duration":"100ms"}' },
    expect: [{ id: 'ETCD-SLOW', severity: 'critical', title: /worst 1.500 s/ }],
  },
  { name: '"took too long" from something else is not etcd', output: { 'doctor:logs': 'kube-apiserver: request took too long (3s)' }, expect: [] },
  {
    name: 'keepalived peer in another subnet (field note keepalived脑裂)',
    output: {
      'doctor:keepalived': 'vrrp_instance VI_1 {\n unicast_src_ip 10.0.0.5\n unicast_peer {\n  10.0.0.6\n  192.168.100.12\n }\n virtual_ipaddress {\n  10.0.0.100/24 dev eth0\n }\n}',
      'doctor:ipv4': '1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0',
    },
    expect: [{ id: 'KEEPALIVED-SUBNET', severity: 'warning', evidence: [/unicast_peer 192.168.100.12/, /host subnets: 10.0.0.5\/24 \(eth0\)/] }],
  },
  {
    name: 'keepalived VIP held as /32 does not make its own subnet',
    output: {
      'doctor:keepalived': 'vrrp_instance VI_1 {\n virtual_ipaddress {\n  172.16.9.9/32\n }\n}',
      'doctor:ipv4': '2: eth0    inet 10.0.0.5/24 scope global eth0\n2: eth0    inet 172.16.9.9/32 scope global eth0',
    },
    expect: [{ id: 'KEEPALIVED-SUBNET', severity: 'warning', evidence: [/virtual_ipaddress 172.16.9.9\/32/] }],
  },
  {
    name: 'keepalived all in one subnet',
    output: {
      'doctor:keepalived': 'vrrp_instance VI_1 { unicast_src_ip 10.0.0.5\n unicast_peer { 10.0.0.6 10.0.0.7 }\n virtual_ipaddress { 10.0.0.100 }\n}',
      'doctor:ipv4': '2: eth0    inet 10.0.0.5/24 scope global eth0',
    },
    expect: [],
  },
  { name: 'THP [always] (field note soft lockup)', output: { 'doctor:thp': '[always] madvise never' }, expect: [{ id: 'THP-ALWAYS', severity: 'warning', fix: 'disable-thp' }] },
  { name: 'THP never', output: { 'doctor:thp': 'always madvise [never]' }, expect: [] },
  { name: 'no manifests dir, kubelet silent: info', output: { 'doctor:manifests': 'missing' }, expect: [{ id: 'MANIFESTS-MISSING', severity: 'info', fix: 'none: manual (mkdir -p /etc/kubernetes/manifests)' }] },
  {
    name: 'no manifests dir, kubelet complains: warning with the log line',
    output: { 'doctor:manifests': 'missing', 'doctor:logs': 'Jun  7 05:18:45 node5 kubelet: E0607 file.go:76] Unable to read manifest path "/etc/kubernetes/manifests": path does not exist, ignoring' },
    expect: [{ id: 'MANIFESTS-MISSING', severity: 'warning', evidence: [/no such directory/, /Unable to read manifest path/] }],
  },
];

for (const c of cases) {
  test(`doctor: ${c.name}`, (t) => {
    const findings = diagnoseHost(hostProbe(c.output), HOST_CHECKS);
    t.deepEqual(
      findings.map((f) => [f.id, f.severity]).sort(),
      c.expect.map((e) => [e.id, e.severity]).sort(),
      JSON.stringify(findings, null, 1),
    );
    for (const e of c.expect) {
      const f = findings.find((x) => x.id === e.id)!;
      t.is(f.host, 'n1');
      t.true(f.evidence.length > 0, 'every finding carries evidence');
      t.true(f.fix.length > 0);
      if (e.fix) t.is(f.fix, e.fix);
      if (e.title) t.regex(f.title, e.title);
      e.evidence?.forEach((re, i) => t.regex(f.evidence[i] ?? '', re, `evidence line ${i}: ${JSON.stringify(f.evidence)}`));
    }
  });
}

test('every check has a unique id and a description', (t) => {
  const ids = HOST_CHECKS.map((c) => c.id);
  t.is(new Set(ids).size, ids.length);
  for (const c of HOST_CHECKS) t.true(c.describe.length > 0);
});

test('every fix is a built-in playbook or manual advice', async (t) => {
  const { builtInNames } = await import('../../src/catalog.js');
  const fixes = new Set(cases.flatMap((c) => diagnoseHost(hostProbe(c.output), HOST_CHECKS).map((f) => f.fix)));
  t.true(fixes.size >= 6);
  for (const fix of fixes) {
    if (fix.startsWith('none: manual (')) continue;
    t.true(builtInNames().includes(fix.split(' ')[0]!), `fix "${fix}" names no playbook (have: ${builtInNames().join(', ')})`);
  }
});

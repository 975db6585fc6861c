import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteLinks, LINK_DELETE_GROUP, summariseLink } from '../../src/ops/link.js';

test('a vxlan link is summarised with its identity, MTU, state and address', (t) => {
  const details = [
    '5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000',
    '    link/ether d6:29:3e:af:47:4d brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535',
    '    vxlan id 1 local 10.213.0.16 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300',
    '5: flannel.1    inet 10.244.7.0/32 scope global flannel.1\\       valid_lft forever preferred_lft forever',
  ].join('\n');
  t.deepEqual(summariseLink('flannel.1', details), [
    'link flannel.1: vxlan (id 1, local 10.213.0.16, dev eth0, dstport 8472), mtu 1450, up',
    'address 10.244.7.0/32',
  ]);
});

test('a bridge that is down, and an unknown kind, still read clearly', (t) => {
  t.deepEqual(summariseLink('kube-bridge', '7: kube-bridge: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN\n    bridge forward_delay 1500 hello_time 200'), [
    'link kube-bridge: bridge, mtu 1500, down',
  ]);
  t.deepEqual(summariseLink('x', '9: x: <NOARP,UP> mtu 1480 qdisc noqueue'), ['link x: unknown kind, mtu 1480, up']);
});

// deleteLinks' shell runs here for real, with a stand-in `ip` on PATH that answers `link show
// group` as told and writes every call (and each batch's input) to a log.
function runDelete(names: string[], groupListing: string | 'fails'): string[] {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-link-delete-'));
  try {
    const log = path.join(root, 'log');
    writeFileSync(path.join(root, 'listing'), groupListing === 'fails' ? '' : groupListing);
    writeFileSync(
      path.join(root, 'ip'),
      [
        '#!/bin/sh',
        `echo "ip $*" >> ${log}`,
        'case "$*" in',
        `  "-o link show group ${LINK_DELETE_GROUP}") ${groupListing === 'fails' ? 'echo "Invalid group" >&2; exit 1' : `cat ${path.join(root, 'listing')}`} ;;`,
        `  "-batch -") sed 's/^/  /' >> ${log} ;;`,
        'esac',
      ].join('\n'),
    );
    chmodSync(path.join(root, 'ip'), 0o755);
    execFileSync('/bin/sh', ['-ec', deleteLinks(names)], { env: { PATH: `${root}:/usr/bin:/bin` } });
    return readFileSync(log, 'utf8').trimEnd().split('\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('two links: when kremedy\'s group is empty they join it and are deleted in one pass', (t) => {
  t.deepEqual(runDelete(['flannel.1', 'cni0'], ''), [
    `ip -o link show group ${LINK_DELETE_GROUP}`,
    'ip -batch -',
    `  link set dev flannel.1 group ${LINK_DELETE_GROUP}`,
    `  link set dev cni0 group ${LINK_DELETE_GROUP}`,
    `  link delete group ${LINK_DELETE_GROUP}`,
  ]);
});

for (const [why, listing] of [
  ['a link is in kremedy\'s group already', `9: kr-keep: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group ${LINK_DELETE_GROUP}\n`],
  ['`ip` cannot list a group', 'fails'],
] as const) {
  test(`two links: when ${why}, they are deleted one by one and nothing else is`, (t) => {
    t.deepEqual(runDelete(['flannel.1', 'cni0'], listing), [`ip -o link show group ${LINK_DELETE_GROUP}`, 'ip -batch -', '  link delete dev flannel.1', '  link delete dev cni0']);
  });
}

test('one link, or a name ip -batch would not read as one word: plain deletions, no group', (t) => {
  t.deepEqual(runDelete(['cni0'], ''), ['ip link delete dev cni0']);
  t.deepEqual(runDelete(['tun-a', "tun'b"], ''), ['ip link delete dev tun-a', "ip link delete dev tun'b"]);
});

import test from 'ava';
import { summariseLink } from '../../src/ops/link.js';

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

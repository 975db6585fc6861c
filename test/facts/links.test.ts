import test from 'ava';
import { groupInUse, linkFromListing, linkNames, linkRecord } from '../../src/facts/links.js';

test('a link is read from the full listing by exact name, IPv4 addresses in, IPv6 out', (t) => {
  const listing = [
    '2: eth0@if6: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP group default',
    '    veth',
    '    inet 10.213.0.16/16 scope global eth0',
    '       valid_lft forever preferred_lft forever',
    '    inet6 fe80::1/64 scope link',
    '       valid_lft forever preferred_lft forever',
    '3: cni01: <BROADCAST> mtu 1500 qdisc noop state DOWN group default',
    '    bridge',
  ].join('\n');
  t.is(
    linkFromListing(listing, 'eth0'),
    '2: eth0@if6: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP group default\n    veth\n    inet 10.213.0.16/16 scope global eth0\n       valid_lft forever preferred_lft forever',
  );
  t.is(linkFromListing(listing, 'cni0'), undefined, 'cni01 is not cni0');
  t.deepEqual(linkNames(listing), ['eth0', 'cni01']);
});

test('a link block reads as the record undo rebuilds it from: kind and settings, MTU, MAC, IPv4 addresses, flags', (t) => {
  const block = [
    '5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default',
    '    link/ether d6:29:3e:af:47:4d brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535',
    '    vxlan id 1 local 10.213.0.16 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 addrgenmode eui64',
    '    inet 10.244.7.0/32 scope global flannel.1',
    '       valid_lft forever preferred_lft forever',
  ].join('\n');
  t.deepEqual(linkRecord(block), {
    ifname: 'flannel.1', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1450, address: 'd6:29:3e:af:47:4d',
    linkinfo: { info_kind: 'vxlan', info_data: { id: 1, local: '10.213.0.16', link: 'eth0', port: 8472, learning: false } },
    addr_info: [{ family: 'inet', local: '10.244.7.0', prefixlen: 32 }],
  });
  t.deepEqual(linkRecord('9: tun-a: <POINTOPOINT,NOARP> mtu 1500 qdisc noop state DOWN\n    link/none  promiscuity 0\n    tun type tun pi off vnet_hdr off persist on').linkinfo, { info_kind: 'tun', info_data: { type: 'tun' } });
  t.is(linkRecord('2: eth0@if6: <UP> mtu 1500\n    link/ether 5a:43:4c:1d:5f:e7 brd ff:ff:ff:ff:ff:ff\n    addrgenmode eui64').linkinfo, undefined, 'no kind: nothing undo would rebuild');
});

test('links in a link group are seen in the headers of the listing', (t) => {
  const listing = '2: eth0@if6: <UP> mtu 1500 qdisc noqueue state UP group default\n4: x: <NOARP> mtu 1500 qdisc noop state DOWN group 27506 qlen 1000\n';
  t.true(groupInUse(listing, 27506));
  t.false(groupInUse(listing, 2750));
  t.false(groupInUse(listing.replace('group 27506', 'group default'), 27506));
});

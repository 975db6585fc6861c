import test from 'ava';
import { linkFromListing, linkNames } from '../../src/facts/links.js';

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

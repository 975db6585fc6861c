import test from 'ava';
import type os from 'node:os';
import { localSubnets } from '../../src/ssh/local-subnet.js';

test('loopback and the subnets of this machine\'s interfaces, not beyond a router, not names', (t) => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
    eth0: [
      { address: '192.168.7.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.7.20/24' },
      { address: 'fd00:7::20', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fd00:7::20/64', scopeid: 0 },
    ],
  } as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  const onLocalSubnet = localSubnets(ifaces);
  t.true(onLocalSubnet('127.0.0.1'));
  t.true(onLocalSubnet('192.168.7.1'));
  t.true(onLocalSubnet('192.168.7.254'));
  t.false(onLocalSubnet('192.168.8.1'), 'another subnet: through a router');
  t.false(onLocalSubnet('10.0.0.1'));
  t.true(onLocalSubnet('fd00:7::1'));
  t.false(onLocalSubnet('fd00:8::1'));
  t.false(onLocalSubnet('node1.example'), 'a name is not resolved: not local');
});

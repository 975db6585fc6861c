import test from 'ava';
import { parseGoDuration, slowRequestSeconds } from '../../src/doctor/etcd-latency.js';
import { inSubnet, parseIpAddr } from '../../src/doctor/ipv4.js';
import { parseKeepalivedConf } from '../../src/doctor/keepalived.js';

const durations: Array<[string, number | undefined]> = [
  ['5.248197799s', 5.248197799],
  ['186.374578ms', 0.186374578],
  ['850µs', 0.00085],
  ['1m2.5s', 62.5],
  ['100ns', 1e-7],
  ['5 s', undefined],
  ['fast', undefined],
];
for (const [text, seconds] of durations) {
  test(`go duration ${text}`, (t) => {
    const got = parseGoDuration(text);
    if (seconds === undefined) t.is(got, undefined);
    else t.true(Math.abs(got! - seconds) < 1e-12, String(got));
  });
}

test('etcd line parsing', (t) => {
  t.is(slowRequestSeconds('May 30 17:38:01 h etcd: read-only range request "key" took too long (186.374578ms) to execute'), 0.186374578);
  t.is(slowRequestSeconds('h etcd[1]: {"msg":"apply request took too long","took":"2.1s"}'), 2.1);
  t.is(slowRequestSeconds('h etcd: took too long (soon) to execute'), undefined);
  t.is(slowRequestSeconds('h kubelet: took too long (5s)'), undefined);
});

test('keepalived.conf: instances, comments, inline blocks, VIP options', (t) => {
  const conf = parseKeepalivedConf(`
! Configuration File for keepalived
global_defs { router_id LVS_DEVEL }
vrrp_instance VI_1 {
    state MASTER            # comment
    unicast_src_ip 192.168.1.10
    unicast_peer {
        192.168.1.11
        # 192.168.9.9 commented out
        10.1.1.12
    }
    virtual_ipaddress {
        192.168.1.100/24 dev eth0 brd 192.168.1.255 label eth0:1
        192.168.1.101
    }
}
vrrp_instance VI_2 { unicast_peer { 172.16.0.2 } virtual_ipaddress { 172.16.0.100 } }
`);
  t.deepEqual(conf, {
    srcIps: ['192.168.1.10'],
    peers: ['192.168.1.11', '10.1.1.12', '172.16.0.2'],
    vips: ['192.168.1.100/24', '192.168.1.101', '172.16.0.100'],
  });
});

test('ipv4 subnets', (t) => {
  const nets = parseIpAddr('1: lo    inet 127.0.0.1/8 scope host lo\\\n2: eth0    inet 10.213.0.23/16 brd 10.213.255.255 scope global eth0\\');
  t.deepEqual(nets, [
    { dev: 'lo', address: '127.0.0.1', prefix: 8 },
    { dev: 'eth0', address: '10.213.0.23', prefix: 16 },
  ]);
  t.true(inSubnet('10.213.200.1', nets[1]!));
  t.false(inSubnet('10.214.0.1', nets[1]!));
  t.true(inSubnet('1.2.3.4', { address: '9.9.9.9', prefix: 0 }));
  t.false(inSubnet('10.0.0.300', nets[1]!));
});

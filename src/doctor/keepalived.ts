// Field note keepalived脑裂: the three keepalived hosts sat in different subnets; when routing
// between them broke, each one believed it was alone and took the VIP (split brain). VRRP is
// meant for peers on one L2 segment, and a VIP outside the host's subnets is not reachable
// through ARP at all. Only keepalived.conf itself is read (an `include`d file is not followed).
import { inSubnet, parseIpAddr, type Ipv4Net } from './ipv4.js';
import { out } from './probes.js';
import type { HostCheck } from './types.js';

const CONF = '/etc/keepalived/keepalived.conf';
const CONF_PROBE = { id: 'doctor:keepalived', script: `[ -r ${CONF} ] && head -c 262144 ${CONF}; true` };
const ADDR_PROBE = { id: 'doctor:ipv4', script: 'ip -4 -o addr show 2>/dev/null; true' };

export interface KeepalivedConf {
  srcIps: string[];
  peers: string[];
  vips: string[];
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** unicast_src_ip, unicast_peer { … } and virtual_ipaddress { … } from every vrrp_instance. */
export function parseKeepalivedConf(text: string): KeepalivedConf {
  const conf: KeepalivedConf = { srcIps: [], peers: [], vips: [] };
  let block: 'peer' | 'vip' | undefined;
  let opening: 'peer' | 'vip' | undefined;
  for (const raw of text.split('\n')) {
    // "#" and "!" start comments; braces are words of their own.
    const words = raw.replace(/[#!].*$/, '').replace(/[{}]/g, ' $& ').trim().split(/\s+/).filter(Boolean);
    // In virtual_ipaddress, a line is "ADDR[/LEN] [dev X] [brd Y] [label Z]": only leading addresses count.
    let leading = true;
    let expectSrc = false;
    for (const w of words) {
      if (w === '{') {
        block = opening;
        opening = undefined;
        leading = true;
        continue;
      }
      if (w === '}') {
        block = undefined;
        continue;
      }
      if (block === 'peer') {
        if (IPV4.test(w)) conf.peers.push(w);
        continue;
      }
      if (block === 'vip') {
        if (leading && IPV4.test(w.split('/')[0]!)) conf.vips.push(w);
        else leading = false;
        continue;
      }
      if (expectSrc && IPV4.test(w)) conf.srcIps.push(w);
      expectSrc = w === 'unicast_src_ip';
      if (w === 'unicast_peer') opening = 'peer';
      else if (w === 'virtual_ipaddress') opening = 'vip';
    }
  }
  return conf;
}

export const keepalived: HostCheck = {
  id: 'KEEPALIVED-SUBNET',
  describe: 'keepalived peers or VIP outside the host subnets (split-brain risk)',
  probes: [CONF_PROBE, ADDR_PROBE],
  run({ results }) {
    const text = out(results, CONF_PROBE.id);
    if (!text.trim()) return [];
    const conf = parseKeepalivedConf(text);
    const vipAddresses = new Set(conf.vips.map((v) => v.split('/')[0]!));
    // A VIP the host currently holds is one of its addresses, but not one of its subnets.
    const subnets: Ipv4Net[] = parseIpAddr(out(results, ADDR_PROBE.id)).filter((n) => n.dev !== 'lo' && !vipAddresses.has(n.address));
    const onLink = (ip: string) => subnets.some((n) => inSubnet(ip, n));
    const subnetList = subnets.map((n) => `${n.address}/${n.prefix} (${n.dev})`).join(', ') || 'none';
    const outside = [
      ...conf.peers.filter((p) => !onLink(p)).map((p) => `unicast_peer ${p}`),
      ...conf.vips.filter((v) => !onLink(v.split('/')[0]!)).map((v) => `virtual_ipaddress ${v}`),
      ...conf.srcIps.filter((s) => !subnets.some((n) => n.address === s)).map((s) => `unicast_src_ip ${s} (not an address of this host)`),
    ];
    if (!outside.length) return [];
    return [
      {
        severity: 'warning',
        title: `keepalived: ${outside.length} peer/VIP address(es) outside this host's subnets (split-brain risk)`,
        evidence: [...outside.map((o) => `${CONF}: ${o}`), `host subnets: ${subnetList}`],
        fix: 'none: manual (put the keepalived peers and the VIP in one subnet, or route VRRP between them reliably)',
      },
    ];
  },
};

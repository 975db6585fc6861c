import net from 'node:net';
import os from 'node:os';

/**
 * Whether an address is this machine's own or on one of its interfaces' subnets (loopback
 * included): a host that needs no router to reach. A name (not an IP address) is not resolved
 * here and counts as not local.
 */
export function onLocalSubnet(address: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  const local = new net.BlockList();
  for (const info of Object.values(interfaces).flat()) {
    if (!info?.cidr) continue;
    const [, prefix] = info.cidr.split('/');
    const type = info.family === 'IPv4' ? 'ipv4' : 'ipv6';
    // The subnet's own address: BlockList wants the network, any address of it will do.
    local.addSubnet(info.address.split('%')[0]!, Number(prefix), type);
  }
  return local.check(address.split('%')[0]!, family === 4 ? 'ipv4' : 'ipv6');
}

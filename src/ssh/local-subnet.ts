import net from 'node:net';
import os from 'node:os';

/**
 * A test for addresses that are this machine's own or on one of its interfaces' subnets
 * (loopback included): hosts that need no router to reach. A name (not an IP address) is not
 * resolved here and counts as not local. The interfaces are read once, when it is made.
 */
export function localSubnets(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): (address: string) => boolean {
  const local = new net.BlockList();
  for (const info of Object.values(interfaces).flat()) {
    if (!info?.cidr) continue;
    const [, prefix] = info.cidr.split('/');
    // Any address of the subnet will do for BlockList, the interface's own among them.
    local.addSubnet(info.address.split('%')[0]!, Number(prefix), info.family === 'IPv4' ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    const family = net.isIP(address);
    return family !== 0 && local.check(address.split('%')[0]!, family === 4 ? 'ipv4' : 'ipv6');
  };
}

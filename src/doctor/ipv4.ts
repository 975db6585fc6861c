// Just enough IPv4 arithmetic for subnet membership.

export interface Ipv4Net {
  address: string;
  prefix: number;
  /** Interface the address is on (from `ip -4 -o addr`). */
  dev?: string;
}

export function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function inSubnet(address: string, net: Ipv4Net): boolean {
  const a = ipv4ToInt(address);
  const b = ipv4ToInt(net.address);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - net.prefix);
  return Math.floor(a / size) === Math.floor(b / size);
}

/** `ip -4 -o addr show` lines → the host's addresses with their prefixes. */
export function parseIpAddr(text: string): Ipv4Net[] {
  const nets: Ipv4Net[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line);
    if (m) nets.push({ dev: m[1]!, address: m[2]!, prefix: Number(m[3]) });
  }
  return nets;
}

// The link listing: one `ip -d addr show` per host, read by the facts (which links exist) and by
// the link operations (one link's block). It lives in facts/, below the operations.

/** What the links probe prints on a host without iproute2. */
export const LINKS_NO_IP = '#KR:NO-IP';

/**
 * One probe for every link task of a host: `ip -d addr show` lists every link with its kind,
 * settings and addresses in one process, instead of two or three per link. Each task then
 * reads its own link from the listing.
 */
export const LINKS_PROBE = {
  id: 'links',
  script: `command -v ip >/dev/null 2>&1 || { echo '${LINKS_NO_IP}'; exit 0; }; ip -d addr show`,
};

const HEADER = /^\d+: ([^:@\s]+)(?:@[^:\s]*)?: /;

/** Names of every link in the listing (`eth0@if6` is eth0). */
export function linkNames(listing: string): string[] {
  return listing.split('\n').flatMap((line) => {
    const m = HEADER.exec(line);
    return m ? [m[1]!] : [];
  });
}

/**
 * The block of one link in `ip -d addr show`, IPv4 addresses included. IPv6 lines are left
 * out: link-local addresses come and go with the link state and are not what a reset removes.
 */
export function linkFromListing(listing: string, name: string): string | undefined {
  const block: string[] = [];
  let inBlock = false;
  let skipLifetime = false;
  for (const line of listing.split('\n')) {
    const header = HEADER.exec(line);
    if (header) inBlock = header[1] === name;
    if (!inBlock || line === '') continue;
    const t = line.trim();
    if (t.startsWith('inet6 ')) {
      skipLifetime = true;
      continue;
    }
    if (t.startsWith('valid_lft') && skipLifetime) continue;
    skipLifetime = false;
    block.push(line);
  }
  return block.length ? block.join('\n') : undefined;
}

/**
 * The fields of `ip -d -j addr show` that undo rebuilds a link from (undo/restore.ts), read
 * from the link's block of the text listing: so the backup of a deleted link is written from the
 * probe's listing, with no second `ip` on the host, even where iproute2 has no `-j`.
 */
export interface LinkRecord {
  ifname?: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
}

/** Link kinds `ip -d` names at the start of a line of their own (the first word of it). */
const LINK_KINDS = new Set([
  'vxlan', 'bridge', 'tun', 'ipip', 'dummy', 'veth', 'vlan', 'macvlan', 'ipvlan', 'gre', 'gretap', 'sit', 'geneve',
  'wireguard', 'bond', 'ip6tnl', 'vti', 'ifb', 'xfrm', 'team', 'nlmon', 'vrf',
]);

/** The kind's settings undo needs, as `ip -j` names them (`dev` is `link`, `dstport` is `port`). */
function kindData(kind: string, words: string[]): Record<string, unknown> {
  const after = (w: string): string | undefined => {
    const i = words.indexOf(w);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const data: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== 'any') data[key] = value;
  };
  if (kind === 'vxlan') {
    set('id', after('id') === undefined ? undefined : Number(after('id')));
    set('local', after('local'));
    set('remote', after('remote'));
    set('group', after('group'));
    set('link', after('dev'));
    set('port', after('dstport') === undefined ? undefined : Number(after('dstport')));
    data['learning'] = !words.includes('nolearning');
  } else if (kind === 'ipip') {
    set('remote', after('remote'));
    set('local', after('local'));
    set('link', after('dev'));
  } else if (kind === 'tun') set('type', after('type'));
  return data;
}

/** One link's block of the listing (linkFromListing) as the record undo reads. */
export function linkRecord(block: string): LinkRecord {
  const lines = block.split('\n');
  const header = lines[0] ?? '';
  const record: LinkRecord = {};
  const name = HEADER.exec(header)?.[1];
  if (name) record.ifname = name;
  const flags = /<([^>]*)>/.exec(header)?.[1];
  if (flags !== undefined) record.flags = flags.split(',').filter(Boolean);
  const mtu = /\bmtu (\d+)/.exec(header)?.[1];
  if (mtu) record.mtu = Number(mtu);
  const addrs: NonNullable<LinkRecord['addr_info']> = [];
  for (const line of lines.slice(1)) {
    const words = line.trim().split(/\s+/);
    const first = words[0] ?? '';
    if (first.startsWith('link/')) {
      if (words[1] && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(words[1])) record.address = words[1];
    } else if (first === 'inet') {
      const m = /^([\d.]+)\/(\d+)$/.exec(words[1] ?? '');
      if (m) addrs.push({ family: 'inet', local: m[1]!, prefixlen: Number(m[2]) });
    } else if (!record.linkinfo && LINK_KINDS.has(first)) {
      record.linkinfo = { info_kind: first, info_data: kindData(first, words) };
    }
  }
  if (addrs.length) record.addr_info = addrs;
  return record;
}

/** Whether any link of the listing is in link group `group` (its header says `group N`). */
export function groupInUse(listing: string, group: number): boolean {
  const re = new RegExp(`\\sgroup ${group}(\\s|$)`);
  return listing.split('\n').some((line) => HEADER.test(line) && re.test(line));
}

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

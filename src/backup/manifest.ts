// MANIFEST: what one run's backup holds, one tab-separated line per item, so `kremedy undo`
// knows what to put back without guessing from the directory layout:
//   iptables <table> <file>     the table as iptables-save -t <table> prints it, before the run's first change to it
//   ip6tables <table> <file>    the same for ip6tables
//   iptables-legacy <table> <file>, iptables-nft …, ip6tables-legacy …, ip6tables-nft …
//                               the same for one backend of a host that has both
//   ipset <file>                `ipset save` of the sets a step destroyed
//   ipvs <file>                 `ipvsadm -Sn` before `ipvsadm -C`
//   routes <proto> <file>       `ip route show proto <proto>` before they were flushed
//   unit <unit> <enabled> <active>   a systemd unit's state before it was stopped and disabled
//   link <name> <file>          `ip -d -j addr show` (kind, settings, addresses) before deletion;
//                               of that link, or of every link (the entry whose ifname is <name>)
//   moved <abs path>            the path itself now lives at files/<abs path>
//   copied <abs path>           a copy of the file as it was, at files/<abs path> (the file stays)
// The writers are in backup/write.ts; this is the one place that knows the line format.
import type { IptablesBinary } from '../facts/iptables-save.js';
import { quote } from '../shell/quote.js';
import { MANIFEST } from './layout.js';

/** The shell command that appends one entry to the run's MANIFEST (`printf` is a builtin). */
export function manifestLine(backupDir: string, ...fields: string[]): string {
  return `printf '%s\\n' ${quote(fields.join('\t'))} >> ${quote(`${backupDir}/${MANIFEST}`)}`;
}

export type ManifestEntry =
  /** A table of the host's own iptables, or of one backend by name (`iptables-legacy`, …) on a host with both. */
  | { kind: IptablesBinary; table: string; file: string }
  | { kind: 'ipset' | 'ipvs'; file: string }
  | { kind: 'routes'; proto: string; file: string }
  | { kind: 'unit'; unit: string; enabled: string; active: string }
  | { kind: 'link'; name: string; file: string }
  | { kind: 'moved' | 'copied'; path: string };

const isIptablesKind = (kind: string): kind is IptablesBinary => /^ip6?tables(-legacy|-nft)?$/.test(kind);

export const isTableEntry = (e: ManifestEntry): e is Extract<ManifestEntry, { table: string }> => isIptablesKind(e.kind);

export function parseManifest(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    const [kind, a, b, c] = line.split('\t');
    if (kind && isIptablesKind(kind) && a && b) out.push({ kind, table: a, file: b });
    else if ((kind === 'ipset' || kind === 'ipvs') && a) out.push({ kind, file: a });
    else if (kind === 'routes' && a && b) out.push({ kind, proto: a, file: b });
    else if (kind === 'unit' && a && b && c) out.push({ kind, unit: a, enabled: b, active: c });
    else if (kind === 'link' && a && b) out.push({ kind, name: a, file: b });
    else if ((kind === 'moved' || kind === 'copied') && a?.startsWith('/')) out.push({ kind, path: a });
  }
  return out;
}


import path from 'node:path';
import { quote } from '../shell/quote.js';
import { MANIFEST } from '../backup/layout.js';
import { isTableEntry, parseManifest, type ManifestEntry } from '../backup/manifest.js';

export { parseManifest, type ManifestEntry };

export interface RestoreStep {
  title: string;
  /** Shell commands; they print ALREADY and succeed when there is nothing to restore. */
  commands: string[];
}
export const ALREADY = '#KR:ALREADY';

const TABLE = /^(filter|nat|mangle|raw)$/;
const FILE = /^[A-Za-z0-9_.-]{1,100}$/;
const UNIT = /^[A-Za-z0-9:_.@-]{1,200}\.service$/;
const NAME = /^[A-Za-z0-9_.:-]{1,15}$/;

/** One entry of `ip -d -j addr show`: link details with its addresses. */
interface LinkJson {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
  mtu?: number;
  address?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** `ip link add` arguments for the kinds we can rebuild; undefined for the others. */
export function linkCreateArgs(name: string, link: LinkJson): string | undefined {
  const kind = link.linkinfo?.info_kind;
  const data = link.linkinfo?.info_data ?? {};
  const q = quote(name);
  switch (kind) {
    case 'bridge':
    case 'dummy':
      return `ip link add ${q} type ${kind}`;
    case 'tun':
      return `ip tuntap add ${q} mode ${data['type'] === 'tap' ? 'tap' : 'tun'}`;
    case 'ipip': {
      const parts = [`ip link add ${q} type ipip`];
      if (typeof data['remote'] === 'string') parts.push(`remote ${quote(data['remote'])}`);
      if (typeof data['local'] === 'string') parts.push(`local ${quote(data['local'])}`);
      if (typeof data['link'] === 'string') parts.push(`dev ${quote(data['link'])}`);
      return parts.join(' ');
    }
    case 'vxlan': {
      const parts = [`ip link add ${q} type vxlan id ${Number(data['id'])}`];
      if (typeof data['local'] === 'string') parts.push(`local ${quote(data['local'])}`);
      if (typeof data['link'] === 'string') parts.push(`dev ${quote(data['link'])}`);
      parts.push(`dstport ${Number(data['port'] ?? 8472)}`);
      if (data['learning'] === false) parts.push('nolearning');
      return parts.join(' ');
    }
    default:
      return undefined;
  }
}

/**
 * Restore steps for one run's backup, from its manifest and the files it names. iptables
 * tables come back from the earliest save of the run (the state before the run touched them);
 * files and directories are copied back (the backup stays, so undo can be repeated).
 */
export function restoreSteps(dir: string, manifest: ManifestEntry[], files: ReadonlyMap<string, string>): { steps: RestoreStep[]; cannot: string[] } {
  const steps: RestoreStep[] = [];
  const cannot: string[] = [];
  const seenTables = new Set<string>();
  for (const e of manifest) {
    if (!isTableEntry(e) || seenTables.has(`${e.kind} ${e.table}`) || !TABLE.test(e.table)) continue;
    seenTables.add(`${e.kind} ${e.table}`);
    const f = quote(`${dir}/${e.file}`);
    steps.push({
      title: `restore ${e.kind} ${e.table} from ${e.file}`,
      commands: [
        `if [ "$(${e.kind}-save -t ${e.table} | grep -v '^#' | sed 's/ \\[[0-9]*:[0-9]*\\]$//')" = "$(grep -v '^#' ${f} | sed 's/ \\[[0-9]*:[0-9]*\\]$//')" ]; then echo '${ALREADY}'; exit 0; fi`,
        `${e.kind}-restore < ${f}`,
      ],
    });
  }
  // ipsets before anything references them again is not needed (restore recreates the rules
  // that reference sets only after this): sets first, so that the iptables restore below finds them.
  for (const e of manifest) {
    if (e.kind !== 'ipset' || !FILE.test(e.file)) continue;
    const f = quote(`${dir}/${e.file}`);
    steps.unshift({
      title: `restore ipsets from ${e.file}`,
      commands: [
        `kr_missing=$(sed -n 's/^create \\([^ ]*\\) .*/\\1/p' ${f} | while read -r s; do ipset list -n "$s" >/dev/null 2>&1 || echo "$s"; done)`,
        `if [ -z "$kr_missing" ]; then echo '${ALREADY}'; exit 0; fi`,
        `ipset restore -exist < ${f}`,
      ],
    });
  }
  for (const e of manifest) {
    if (e.kind === 'ipvs' && FILE.test(e.file)) {
      const f = quote(`${dir}/${e.file}`);
      steps.push({
        title: `restore IPVS virtual servers from ${e.file}`,
        commands: [
          `kr_now=$(ipvsadm -Sn)`,
          `if [ "$kr_now" = "$(cat ${f})" ]; then echo '${ALREADY}'; exit 0; fi`,
          `if [ -n "$kr_now" ]; then echo "the IPVS table is not empty and differs from the backup: not overwritten" >&2; exit 3; fi`,
          `ipvsadm -R < ${f}`,
        ],
      });
    }
  }
  for (const e of [...manifest].reverse()) {
    if (e.kind === 'link') {
      if (!NAME.test(e.name)) continue;
      const raw = files.get(e.file);
      let link: LinkJson | undefined;
      try {
        // A file of one link, or the listing of every link taken for several deletions at once.
        const all = raw ? (JSON.parse(raw) as LinkJson[]) : [];
        link = all.find((l) => l.ifname === e.name) ?? (all.length === 1 ? all[0] : undefined);
      } catch {
        link = undefined;
      }
      const create = link ? linkCreateArgs(e.name, link) : undefined;
      if (!link || !create) {
        cannot.push(`link ${e.name}: ${link ? `kind ${link.linkinfo?.info_kind ?? 'unknown'} cannot be recreated by kremedy` : `no JSON details in ${e.file} (iproute2 without -j)`}; details are in ${dir}/${e.file}`);
        continue;
      }
      const q = quote(e.name);
      const cmds = [`if ip link show dev ${q} >/dev/null 2>&1; then echo '${ALREADY}'; exit 0; fi`, create];
      if (link.mtu) cmds.push(`ip link set dev ${q} mtu ${Number(link.mtu)}`);
      if (link.address && /^[0-9a-f:]{17}$/.test(link.address)) cmds.push(`ip link set dev ${q} address ${link.address}`);
      for (const a of link.addr_info ?? []) {
        if (a.family === 'inet' && a.local && a.prefixlen !== undefined) cmds.push(`ip addr add ${quote(`${a.local}/${a.prefixlen}`)} dev ${q}`);
      }
      if (link.flags?.includes('UP')) cmds.push(`ip link set dev ${q} up`);
      steps.push({ title: `recreate ${link.linkinfo?.info_kind} link ${e.name}`, commands: cmds });
    } else if (e.kind === 'moved' || e.kind === 'copied') {
      const src = quote(`${dir}/files${e.path}`);
      const dst = quote(e.path);
      steps.push({
        title: `restore ${e.path}`,
        commands:
          e.kind === 'moved'
            ? [
                `if [ -e ${dst} ] || [ -L ${dst} ]; then if diff -r ${src} ${dst} >/dev/null 2>&1; then echo '${ALREADY}'; exit 0; fi; echo "${e.path} exists and differs from the backup: not overwritten" >&2; exit 3; fi`,
                `mkdir -p ${quote(path.posix.dirname(e.path))}`,
                `cp -a ${src} ${dst}`,
              ]
            : [`if cmp -s ${src} ${dst}; then echo '${ALREADY}'; exit 0; fi`, `cp -p ${src} ${dst}.kremedy-undo`, `mv -f ${dst}.kremedy-undo ${dst}`],
      });
    }
  }
  // Routes need their links (tun-*) back first; units last: kubelet starts once the network is back.
  for (const e of manifest) {
    if (e.kind !== 'routes' || !FILE.test(e.file) || !/^[a-z][a-z0-9_-]{0,31}$/.test(e.proto)) continue;
    const f = quote(`${dir}/${e.file}`);
    steps.push({
      title: `restore proto ${e.proto} routes from ${e.file}`,
      commands: [
        `if [ "$(ip -4 route show proto ${e.proto})" = "$(cat ${f})" ]; then echo '${ALREADY}'; exit 0; fi`,
        `while IFS= read -r r; do [ -n "$r" ] && ip -4 route replace $r proto ${e.proto}; done < ${f}`,
      ],
    });
  }
  for (const e of manifest) {
    if (e.kind !== 'unit' || !UNIT.test(e.unit)) continue;
    const u = quote(e.unit);
    const enable = e.enabled === 'enabled' || e.enabled === 'enabled-runtime';
    const start = ['active', 'activating', 'reloading'].includes(e.active);
    steps.push({
      title: `${[enable ? 'enable' : '', start ? 'start' : ''].filter(Boolean).join(' and ') || 'check'} ${e.unit} (as before the run)`,
      commands: [
        `if { ${enable ? `systemctl is-enabled --quiet ${u}` : 'true'}; } && { ${start ? `systemctl is-active --quiet ${u}` : 'true'}; }; then echo '${ALREADY}'; exit 0; fi`,
        ...(enable ? [`systemctl enable ${u}`] : []),
        ...(start ? [`timeout 90 systemctl start ${u}`] : []),
      ],
    });
  }
  return { steps, cannot };
}

/** One probe: does the run exist, its manifest, and the JSON files undo reads. */
export function backupProbeScript(dir: string): string {
  const d = quote(dir);
  return (
    `if [ ! -f ${d}/${MANIFEST} ]; then echo '#KR:NO-RUN'; exit 0; fi; echo '#KR:MANIFEST'; cat ${d}/${MANIFEST}; ` +
    `for f in ${d}/*.json; do [ -f "$f" ] || continue; printf '#KR:FILE %s\\n' "$(basename "$f")"; cat "$f"; echo; done`
  );
}

export function parseBackupProbe(stdout: string): { exists: boolean; manifest: ManifestEntry[]; files: Map<string, string> } {
  if (stdout.trim() === '#KR:NO-RUN') return { exists: false, manifest: [], files: new Map() };
  const files = new Map<string, string>();
  let manifestText = '';
  let current: string | undefined;
  let buf: string[] = [];
  const flush = () => {
    if (current === '#MANIFEST') manifestText = buf.join('\n');
    else if (current) files.set(current, buf.join('\n'));
    buf = [];
  };
  for (const line of stdout.split('\n')) {
    if (line === '#KR:MANIFEST') {
      flush();
      current = '#MANIFEST';
    } else if (line.startsWith('#KR:FILE ')) {
      flush();
      current = line.slice('#KR:FILE '.length);
    } else buf.push(line);
  }
  flush();
  return { exists: true, manifest: parseManifest(manifestText), files };
}

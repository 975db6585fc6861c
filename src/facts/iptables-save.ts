// What a host's iptables hold, read once per family for every iptables task and check of a host.
//
// A host can have two iptables backends at once: the legacy xtables tables and the nf_tables
// ones. Debian and Ubuntu ship both (`iptables-legacy`, `iptables-nft`; `iptables` is whichever
// update-alternatives picked), and kube-proxy's iptables-wrapper, or an older kube-proxy image,
// may write to the other one. Rules in the backend that `iptables` does not show still filter
// packets: a reset that flushed only one would call the host converged while the cluster VIP
// stays REJECTed. So where both binaries exist, both are read; where only one iptables exists
// (CentOS 7's 1.4.21, RHEL 8's nft-only build) it is read as before, at the cost of one
// `command -v` (a builtin).
//
// Reading must not change what it reads: a legacy table that is not loaded is not read, since
// `iptables-legacy-save` of it would load (create) it. The kernel lists the loaded legacy tables
// of the namespace in /proc/net/ip_tables_names (read with the `read` builtin).
import { ProbeError, probeResult, type ProbeRequest, type ProbeResult } from './probe.js';

export type IptablesTable = 'filter' | 'nat' | 'mangle' | 'raw';
export const IPTABLES_TABLES: readonly IptablesTable[] = ['filter', 'nat', 'mangle', 'raw'];
/** Which tool an iptables task drives: iptables (the default) or ip6tables. */
export type IpFamily = 'ipv4' | 'ipv6';
export type IptablesBackend = 'legacy' | 'nft';
/**
 * The command prefix that reads and writes one ruleset (`<bin>-save`, `<bin>-restore`): the
 * host's own `iptables`/`ip6tables`, or one backend by name where the host has both.
 */
export type IptablesBinary = 'iptables' | 'ip6tables' | `${'iptables' | 'ip6tables'}-${IptablesBackend}`;

export interface IptablesChain {
  name: string;
  /** Built-in chains have a policy; user chains have null. */
  policy: string | null;
}

/** One table as one backend holds it, counters dropped so that state compares by meaning. */
export interface IptablesRuleset {
  chains: IptablesChain[];
  rules: string[];
}

/** One backend's copy of a table. */
export interface IptablesBackendTable extends IptablesRuleset {
  /** What reads and writes it: the host's own `iptables` where that is this backend. */
  bin: IptablesBinary;
  /** The backend's name, on a host with both backends; absent on a host with one iptables. */
  backend?: IptablesBackend;
  /** False for the backend that the host's `iptables` command does not show. */
  shown: boolean;
}

export interface IptablesTableState {
  /** false when the host has no iptables-save: there is nothing iptables could flush. */
  available: boolean;
  /** One entry per backend read (a host with one iptables has one). */
  backends: IptablesBackendTable[];
}

export const NO_IPTABLES = '#KR:NO-IPTABLES';
const DEFAULT_MARK = '#KR:IPTABLES-DEFAULT ';
const BACKEND_MARK = '#KR:IPTABLES-BACKEND ';
const FAILED_MARK = '#KR:IPTABLES-FAILED ';
const NOT_LOADED = 'not-loaded';

/** The command an iptables task runs on a host with one iptables: `iptables` or `ip6tables`. */
export const familyBin = (family: IpFamily = 'ipv4'): 'iptables' | 'ip6tables' => (family === 'ipv6' ? 'ip6tables' : 'iptables');

/**
 * One save of every table serves every iptables task of a host (on the nft backend each run
 * loads the whole ruleset, so one run per table would cost that many times one).
 * Output on a host with one iptables: its `iptables-save`, unchanged. On a host with both
 * backends: which one `iptables` is, then each backend's save after a marker line.
 */
function saveScript(family: IpFamily): string {
  const b = familyBin(family);
  const names = family === 'ipv6' ? '/proc/net/ip6_tables_names' : '/proc/net/ip_tables_names';
  return [
    `if command -v ${b}-legacy-save >/dev/null 2>&1 && command -v ${b}-nft-save >/dev/null 2>&1; then`,
    // `-ef` compares what the paths resolve to (update-alternatives' symlinks included).
    `  kr_d=unknown; kr_b=$(command -v ${b})`,
    `  if [ "$kr_b" -ef "$(command -v ${b}-nft)" ]; then kr_d=nft; elif [ "$kr_b" -ef "$(command -v ${b}-legacy)" ]; then kr_d=legacy; fi`,
    `  echo "${DEFAULT_MARK}$kr_d"`,
    `  if { read -r kr_t < ${names}; } 2>/dev/null; then echo '${BACKEND_MARK}legacy'; ${b}-legacy-save || echo "${FAILED_MARK}legacy $?"; else echo '${BACKEND_MARK}legacy ${NOT_LOADED}'; fi`,
    `  echo '${BACKEND_MARK}nft'; ${b}-nft-save || echo "${FAILED_MARK}nft $?"`,
    `elif command -v ${b}-save >/dev/null 2>&1; then ${b}-save`,
    `else echo '${NO_IPTABLES}'; fi`,
  ].join('\n');
}

export const IPTABLES_SAVE_PROBE: ProbeRequest = { id: 'iptables-save', script: saveScript('ipv4') };
/** The same for ip6tables (tasks with `family: 'ipv6'`, reset-node's `-e ipv6=true`). */
export const IP6TABLES_SAVE_PROBE: ProbeRequest = { id: 'ip6tables-save', script: saveScript('ipv6') };
export const saveProbeFor = (family: IpFamily = 'ipv4'): ProbeRequest => (family === 'ipv6' ? IP6TABLES_SAVE_PROBE : IPTABLES_SAVE_PROBE);

/** The lines of one table's section (`*nat` … `COMMIT`); empty when the table is not in use. */
export function tableSection(text: string, table: IptablesTable): string {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('*')) inside = t === `*${table}`;
    else if (t === 'COMMIT') inside = false;
    else if (inside) out.push(line);
  }
  return out.join('\n');
}

/** iptables-save output of one table, counters dropped so that state compares by meaning. */
export function parseIptablesSave(text: string): IptablesRuleset {
  const chains: IptablesChain[] = [];
  const rules: string[] = [];
  for (const raw of text.split('\n')) {
    // `iptables-save -c` prefixes rules with [packets:bytes]; counters are not state.
    const line = raw.trim().replace(/^\[\d+:\d+\]\s*/, '');
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      if (name) chains.push({ name, policy: policy && policy !== '-' ? policy : null });
    } else if (line.startsWith('-A ')) {
      rules.push(line);
    }
  }
  return { chains, rules };
}

/**
 * The table as `iptables-save -t TABLE` prints it (counters as zero, no comment lines), from the
 * probed state: a backup needs no second save on the host, and `iptables-restore` of it puts the
 * table back as it was.
 */
export function saveText(table: IptablesTable, state: IptablesRuleset): string {
  return [`*${table}`, ...state.chains.map((c) => `:${c.name} ${c.policy ?? '-'} [0:0]`), ...state.rules, 'COMMIT'].join('\n') + '\n';
}

/** One backend's whole save output, as the probe printed it. */
export interface BackendSave {
  bin: IptablesBinary;
  backend?: IptablesBackend;
  shown: boolean;
  text: string;
}

/**
 * Split the probe's output into each backend's save. A host with one iptables yields one save
 * (the host's own); a host with both yields the loaded legacy tables and the nft ones, each
 * named, and `iptables` as the name of the one the host's `iptables` command is.
 */
export function backendSaves(result: ProbeResult, family: IpFamily = 'ipv4'): { available: boolean; saves: BackendSave[] } {
  const probeId = saveProbeFor(family).id;
  const b = familyBin(family);
  if (result.stdout.trim() === NO_IPTABLES) return { available: false, saves: [] };
  if (result.rc !== 0) throw new ProbeError(`${probeId} failed (exit ${result.rc}): ${result.stderr.trim() || result.stdout.trim()}`);
  const lines = result.stdout.split('\n');
  if (!lines[0]?.startsWith(DEFAULT_MARK)) return { available: true, saves: [{ bin: b, shown: true, text: result.stdout }] };
  const shownBackend = lines[0].slice(DEFAULT_MARK.length).trim();
  const saves: BackendSave[] = [];
  let current: { backend: IptablesBackend; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const shown = current.backend === shownBackend;
    saves.push({ bin: shown ? b : `${b}-${current.backend}`, backend: current.backend, shown, text: current.lines.join('\n') });
    current = undefined;
  };
  for (const line of lines.slice(1)) {
    if (line.startsWith(FAILED_MARK)) {
      const [backend, rc] = line.slice(FAILED_MARK.length).split(' ');
      throw new ProbeError(`${b}-${backend}-save failed (exit ${rc}): ${result.stderr.trim() || 'no message'}`);
    }
    if (line.startsWith(BACKEND_MARK)) {
      flush();
      const [backend, note] = line.slice(BACKEND_MARK.length).trim().split(' ');
      if (backend !== 'legacy' && backend !== 'nft') throw new ProbeError(`${probeId}: unknown backend ${JSON.stringify(backend)}`);
      // A legacy backend with no table loaded holds nothing (and was not read, so as not to load one).
      if (note !== NOT_LOADED) current = { backend, lines: [] };
      continue;
    }
    current?.lines.push(line);
  }
  flush();
  return { available: true, saves };
}

/** One table in every backend of the host, from the family's save probe. */
export function readIptablesState(table: IptablesTable, results: ReadonlyMap<string, ProbeResult>, family: IpFamily = 'ipv4'): IptablesTableState {
  const { available, saves } = backendSaves(probeResult(results, saveProbeFor(family).id), family);
  // A table absent from a save was never created (nft) or loaded (legacy): nothing in it.
  return {
    available,
    backends: saves.map((s) => ({
      bin: s.bin,
      ...(s.backend ? { backend: s.backend } : {}),
      shown: s.shown,
      ...parseIptablesSave(tableSection(s.text, table)),
    })),
  };
}

/**
 * The backends a plan names: on a host with one iptables, or where only the shown backend
 * holds the table, nothing is named ("filter: …"); otherwise each is ("iptables (legacy) filter: …").
 */
export function inUse(state: IptablesTableState): IptablesBackendTable[] {
  return state.backends.filter((b) => b.chains.length > 0 || b.rules.length > 0);
}

export function backendLabel(b: Pick<IptablesBackendTable, 'bin' | 'backend' | 'shown'>, state: IptablesTableState): string | undefined {
  if (!b.backend) return undefined;
  const named = !b.shown || inUse(state).length > 1;
  return named ? `${b.bin.startsWith('ip6') ? 'ip6tables' : 'iptables'} (${b.backend})` : undefined;
}

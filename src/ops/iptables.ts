import type { IpFamily, IptablesTable } from '../dsl/types.js';
import type { ProbeRequest, ProbeResult } from '../facts/probe.js';
import { backupIptables } from './backup.js';
import { restoreCommands, type IptablesFamily, type IptablesRestore } from './iptables-restore.js';
import { ProbeError, probeResult, type Operation } from './types.js';

export interface IptablesChain {
  name: string;
  /** Built-in chains have a policy; user chains have null. */
  policy: string | null;
}
export interface IptablesTableState {
  /** false when the host has no iptables-save: there is nothing iptables could flush. */
  available: boolean;
  chains: IptablesChain[];
  rules: string[];
}

const NO_IPTABLES = '#KR:NO-IPTABLES';

/**
 * One `iptables-save` of every table serves every iptables task of a host: on the nft backend
 * each run loads the whole ruleset, so three `-t` runs cost three times one.
 */
export const IPTABLES_SAVE_PROBE: ProbeRequest = {
  id: 'iptables-save',
  script: `command -v iptables-save >/dev/null 2>&1 || { echo '${NO_IPTABLES}'; exit 0; }; iptables-save`,
};

/** The same for ip6tables (tasks with `family: 'ipv6'`, reset-node's `-e ipv6=true`). */
export const IP6TABLES_SAVE_PROBE: ProbeRequest = {
  id: 'ip6tables-save',
  script: `command -v ip6tables-save >/dev/null 2>&1 || { echo '${NO_IPTABLES}'; exit 0; }; ip6tables-save`,
};

export const saveProbeFor = (family: IpFamily = 'ipv4'): ProbeRequest => (family === 'ipv6' ? IP6TABLES_SAVE_PROBE : IPTABLES_SAVE_PROBE);
/** The command an iptables task runs: `iptables` or `ip6tables`. */
export const iptablesBin = (family: IpFamily = 'ipv4'): IptablesFamily => (family === 'ipv6' ? 'ip6tables' : 'iptables');

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
export function parseIptablesSave(text: string): Omit<IptablesTableState, 'available'> {
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

export function readIptablesState(table: IptablesTable, results: ReadonlyMap<string, ProbeResult>, family: IpFamily = 'ipv4'): IptablesTableState {
  const probe = saveProbeFor(family);
  const r = probeResult(results, probe.id);
  if (r.stdout.trim() === NO_IPTABLES) return { available: false, chains: [], rules: [] };
  if (r.rc !== 0) throw new ProbeError(`${probe.id} failed (exit ${r.rc}): ${r.stderr.trim() || r.stdout.trim()}`);
  // A table absent from the output was never created (nft) or loaded (legacy): nothing in it.
  return { available: true, ...parseIptablesSave(tableSection(r.stdout, table)) };
}


export const iptablesFlush: Operation<'iptables-flush', IptablesTableState> = {
  probes: (spec) => [saveProbeFor(spec.family)],
  state: (spec, results) => readIptablesState(spec.table, results, spec.family),
  decide(spec, state, ctx) {
    const bin = iptablesBin(spec.family);
    if (!state.available) return { status: 'ok', message: `${bin} is not installed: no rules to flush` };
    const userChains = state.chains.filter((c) => c.policy === null);
    if (state.rules.length === 0 && userChains.length === 0) {
      return { status: 'ok', message: `${spec.table}: no rules and no user chains` };
    }
    const diff = [
      ...state.rules.map((r) => `- ${r}`),
      ...userChains.map((c) => `- :${c.name} (user chain)`),
    ].join('\n');
    // -F then -X in one commit: rules go first, so no user chain is still referenced.
    const restore: IptablesRestore = { family: bin, table: spec.table, lines: ['-F', '-X'] };
    return {
      status: 'pending',
      summary: `${spec.table}: flush ${state.rules.length} rule(s), delete ${userChains.length} user chain(s)`,
      diff,
      backup: backupIptables(spec.table, state, ctx, bin),
      commands: restoreCommands([restore]),
      restore,
    };
  },
};

export const iptablesPolicy: Operation<'iptables-policy', IptablesTableState> = {
  probes: (spec) => [saveProbeFor(spec.family)],
  state: (spec, results) => readIptablesState(spec.table, results, spec.family),
  decide(spec, state, ctx) {
    const bin = iptablesBin(spec.family);
    if (!state.available) return { status: 'ok', message: `${bin} is not installed: no policies to set` };
    const wrong = spec.chains
      .map((name) => state.chains.find((c) => c.name === name))
      .filter((c): c is IptablesChain => c !== undefined && c.policy !== null && c.policy !== spec.policy);
    if (wrong.length === 0) {
      const present = spec.chains.filter((n) => state.chains.some((c) => c.name === n));
      return {
        status: 'ok',
        message: present.length
          ? `${spec.table}: ${present.join(', ')} already ${spec.policy}`
          : `${spec.table}: table not in use (kernel default policy ACCEPT)`,
      };
    }
    const restore: IptablesRestore = { family: bin, table: spec.table, lines: wrong.map((c) => `-P ${c.name} ${spec.policy}`) };
    return {
      status: 'pending',
      summary: `${spec.table}: set policy ${spec.policy} on ${wrong.map((c) => c.name).join(', ')}`,
      diff: wrong.map((c) => `- :${c.name} ${c.policy}\n+ :${c.name} ${spec.policy}`).join('\n'),
      backup: backupIptables(spec.table, state, ctx, bin),
      commands: restoreCommands([restore]),
      restore,
    };
  },
};

import {
  backendLabel, familyBin, IP6TABLES_SAVE_PROBE, IPTABLES_SAVE_PROBE, readIptablesState, saveProbeFor,
  type IptablesBackendTable, type IptablesChain, type IptablesTable, type IptablesTableState,
} from '../facts/iptables-save.js';
import { backupIptables } from '../backup/write.js';
import { restoreCommands, type IptablesRestore } from './iptables-restore.js';
import type { Decision, DecideContext, Operation } from './types.js';

// The probe and its state are the facts layer's (facts/iptables-save.ts); re-exported for the
// operations that share them.
export { IP6TABLES_SAVE_PROBE, IPTABLES_SAVE_PROBE, readIptablesState, saveProbeFor };
export { parseIptablesSave, tableSection } from '../facts/iptables-save.js';
export type { IptablesChain, IptablesTableState };


/** One backend's share of a change: what it shows, how it is backed up, the restore lines. */
export interface BackendChange {
  backend: IptablesBackendTable;
  summary: string;
  diff: string[];
  lines: string[];
}

/**
 * A change over every backend that needs one, as one decision: per-backend summaries and diffs
 * (headed by the backend where the host has two), a backup of each backend's table, and one
 * restore per backend, which the executor fuses with the host's other iptables changes.
 */
export function backendsDecision(
  table: IptablesTable,
  state: IptablesTableState,
  changes: ReadonlyArray<BackendChange>,
  ctx: DecideContext,
): Decision {
  const named = (c: BackendChange) => backendLabel(c.backend, state);
  const restore: IptablesRestore[] = changes.map((c) => ({ family: c.backend.bin, table, lines: c.lines }));
  return {
    status: 'pending',
    summary: changes.map((c) => `${named(c) ? `${named(c)} ` : ''}${table}: ${c.summary}`).join('; '),
    diff: changes.flatMap((c) => (named(c) ? [`@@ ${named(c)} ${table} @@`, ...c.diff] : c.diff)).join('\n'),
    backup: [...new Set(changes.flatMap((c) => backupIptables(table, c.backend, ctx, c.backend.bin)))],
    commands: restoreCommands(restore),
    fuse: { group: 'iptables-restore', restore },
  };
}

/** "in either backend" where the host has two: an "ok" must say that both were read. */
const everywhere = (state: IptablesTableState) => (state.backends.length > 1 ? ` in either backend (${state.backends.map((b) => b.backend).join(', ')})` : '');

export const iptablesFlush: Operation<'iptables-flush', IptablesTableState> = {
  probes: (spec) => [saveProbeFor(spec.family)],
  state: (spec, results) => readIptablesState(spec.table, results, spec.family),
  decide(spec, state, ctx) {
    if (!state.available) return { status: 'ok', message: `${familyBin(spec.family)} is not installed: no rules to flush` };
    const changes: BackendChange[] = state.backends.flatMap((b) => {
      const userChains = b.chains.filter((c) => c.policy === null);
      if (b.rules.length === 0 && userChains.length === 0) return [];
      return [{
        backend: b,
        summary: `flush ${b.rules.length} rule(s), delete ${userChains.length} user chain(s)`,
        diff: [...b.rules.map((r) => `- ${r}`), ...userChains.map((c) => `- :${c.name} (user chain)`)],
        // -F then -X in one commit: rules go first, so no user chain is still referenced.
        lines: ['-F', '-X'],
      }];
    });
    if (changes.length === 0) return { status: 'ok', message: `${spec.table}: no rules and no user chains${everywhere(state)}` };
    return backendsDecision(spec.table, state, changes, ctx);
  },
};

export const iptablesPolicy: Operation<'iptables-policy', IptablesTableState> = {
  probes: (spec) => [saveProbeFor(spec.family)],
  state: (spec, results) => readIptablesState(spec.table, results, spec.family),
  decide(spec, state, ctx) {
    if (!state.available) return { status: 'ok', message: `${familyBin(spec.family)} is not installed: no policies to set` };
    const changes: BackendChange[] = state.backends.flatMap((b) => {
      const wrong = spec.chains
        .map((name) => b.chains.find((c) => c.name === name))
        .filter((c): c is IptablesChain => c !== undefined && c.policy !== null && c.policy !== spec.policy);
      if (wrong.length === 0) return [];
      return [{
        backend: b,
        summary: `set policy ${spec.policy} on ${wrong.map((c) => c.name).join(', ')}`,
        diff: wrong.flatMap((c) => [`- :${c.name} ${c.policy}`, `+ :${c.name} ${spec.policy}`]),
        lines: wrong.map((c) => `-P ${c.name} ${spec.policy}`),
      }];
    });
    if (changes.length === 0) {
      const present = spec.chains.filter((n) => state.backends.some((b) => b.chains.some((c) => c.name === n)));
      return {
        status: 'ok',
        message: present.length
          ? `${spec.table}: ${present.join(', ')} already ${spec.policy}${everywhere(state)}`
          : `${spec.table}: table not in use (kernel default policy ACCEPT)`,
      };
    }
    return backendsDecision(spec.table, state, changes, ctx);
  },
};

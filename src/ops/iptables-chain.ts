import { backupIptables } from './backup.js';
import { restoreCommands, type IptablesRestore } from './iptables-restore.js';
import { IPTABLES_SAVE_PROBE, readIptablesState, type IptablesTableState } from './iptables.js';
import { safeNameRule } from '../shell/quote.js';
import type { Operation } from './types.js';

/** `-A CHAIN -j DROP`, optionally with only a comment: a rule that drops whatever reaches it. */
export function isUnconditionalDrop(rule: string, chain: string): boolean {
  const rest = rule
    .replace(/\s+-m comment --comment ("(?:[^"\\]|\\.)*"|\S+)/g, '')
    .trim();
  return rest === `-A ${chain} -j DROP`;
}

/**
 * Docker's isolation chains (field note 无法ping同节点的容器地址): a chain that should only RETURN
 * but holds unconditional DROPs cuts every forwarded packet. Put it back to one RETURN rule,
 * touching no other chain; a chain without an unconditional DROP is left exactly as it is.
 */
export const iptablesChainReturn: Operation<'iptables-chain-return', IptablesTableState> = {
  probes: (spec) => [IPTABLES_SAVE_PROBE],
  state: (spec, results) => readIptablesState(spec.table, results),
  decide(spec, state, ctx) {
    // The name goes into iptables-restore input (inside a quoted heredoc, so no shell sees it),
    // where a line is split on blanks: only a safe chain name is one word there. The builders
    // refuse any other (shell/quote.ts); a plan file's spec is checked again here.
    if (!safeNameRule('chain').pattern.test(spec.chain)) return { status: 'failed', message: `invalid chain name ${JSON.stringify(spec.chain)}: must be ${safeNameRule('chain').description}` };
    if (!state.available) return { status: 'ok', message: 'iptables is not installed: no chain to repair' };
    if (!state.chains.some((c) => c.name === spec.chain)) return { status: 'ok', message: `${spec.table}: no chain ${spec.chain}` };
    const rules = state.rules.filter((r) => r.startsWith(`-A ${spec.chain} `));
    const drops = rules.filter((r) => isUnconditionalDrop(r, spec.chain));
    if (drops.length === 0) {
      return { status: 'ok', message: `${spec.table}: ${spec.chain} drops nothing unconditionally (${rules.length} rule(s), left alone)` };
    }
    const target = `-A ${spec.chain} -j RETURN`;
    // Flush then append, in one commit: the chain never drops more than before.
    const restore: IptablesRestore = { family: 'iptables', table: spec.table, lines: [`-F ${spec.chain}`, target] };
    return {
      status: 'pending',
      summary: `${spec.table}: ${spec.chain} has ${drops.length} unconditional DROP rule(s): replace its ${rules.length} rule(s) with a single RETURN`,
      diff: [...rules.map((r) => `- ${r}`), `+ ${target}`].join('\n'),
      backup: backupIptables(spec.table, state, ctx),
      commands: restoreCommands([restore]),
      restore,
    };
  },
};

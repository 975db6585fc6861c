import { backendsDecision, IPTABLES_SAVE_PROBE, readIptablesState, type BackendChange, type IptablesTableState } from './iptables.js';
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
  probes: () => [IPTABLES_SAVE_PROBE],
  state: (spec, results) => readIptablesState(spec.table, results),
  decide(spec, state, ctx) {
    // The name goes into iptables-restore input (inside a quoted heredoc, so no shell sees it),
    // where a line is split on blanks: only a safe chain name is one word there. The builders
    // refuse any other (shell/quote.ts); a plan file's spec is checked again here.
    if (!safeNameRule('chain').pattern.test(spec.chain)) return { status: 'failed', message: `invalid chain name ${JSON.stringify(spec.chain)}: must be ${safeNameRule('chain').description}` };
    if (!state.available) return { status: 'ok', message: 'iptables is not installed: no chain to repair' };
    const holding = state.backends.filter((b) => b.chains.some((c) => c.name === spec.chain));
    if (holding.length === 0) return { status: 'ok', message: `${spec.table}: no chain ${spec.chain}` };
    const target = `-A ${spec.chain} -j RETURN`;
    const changes: BackendChange[] = holding.flatMap((b) => {
      const rules = b.rules.filter((r) => r.startsWith(`-A ${spec.chain} `));
      const drops = rules.filter((r) => isUnconditionalDrop(r, spec.chain));
      if (drops.length === 0) return [];
      return [{
        backend: b,
        summary: `${spec.chain} has ${drops.length} unconditional DROP rule(s): replace its ${rules.length} rule(s) with a single RETURN`,
        diff: [...rules.map((r) => `- ${r}`), `+ ${target}`],
        // Flush then append, in one commit: the chain never drops more than before.
        lines: [`-F ${spec.chain}`, target],
      }];
    });
    if (changes.length === 0) {
      const rules = holding.flatMap((b) => b.rules.filter((r) => r.startsWith(`-A ${spec.chain} `)));
      return { status: 'ok', message: `${spec.table}: ${spec.chain} drops nothing unconditionally (${rules.length} rule(s), left alone)` };
    }
    return backendsDecision(spec.table, state, changes, ctx);
  },
};

import { InputError } from '../../errors.js';
import { assertSafeName, safeNameRule } from '../../shell/quote.js';
import type { Condition, IptablesTable, ParamValues, TaskOf } from '../task.js';
import { form } from './form.js';
import { assertTable, BUILTIN_CHAINS, tableSchema } from './rules.js';

export type IptablesChainSpec = { kind: 'iptables-chain-return'; table: IptablesTable; chain: string };

export const iptablesChains = {
  /** A user chain that holds an unconditional DROP goes back to a single RETURN rule. */
  chainReturn<P extends ParamValues>(table: IptablesTable, chain: string, opts: { when?: Condition<P> } = {}): TaskOf<IptablesChainSpec, P> {
    assertTable(table);
    assertSafeName('chain', chain);
    if (BUILTIN_CHAINS[table].includes(chain)) throw new InputError(`"${chain}" is not a user chain name`);
    return { title: `iptables ${table}: ${chain} returns instead of dropping`, spec: { kind: 'iptables-chain-return', table, chain }, ...opts };
  },
};

export const IPTABLES_CHAIN_FORMS = {
  iptables_chain_return: form({
    description:
      'A user chain that drops unconditionally goes back to a single RETURN rule (Docker isolation chains); a chain with conditional drops is left alone. One chain per task.',
    builder: 'iptables.chainReturn',
    properties: {
      table: tableSchema,
      chain: { type: 'string', pattern: safeNameRule('chain').pattern.source, description: `a user chain name (not a built-in chain): ${safeNameRule('chain').description}` },
    },
    required: ['table', 'chain'],
    build: (a: { table: IptablesTable; chain: string }, o) => iptablesChains.chainReturn(a.table, a.chain, o),
  }),
};

import { InputError } from '../../errors.js';
import type { Condition, IpFamily, IptablesTable, ParamValues, ReachScope, TaskOf } from '../task.js';
import { form } from './form.js';
import { assertTable, BUILTIN_CHAINS, tableSchema } from './rules.js';

export type IptablesSpec =
  | {
      kind: 'iptables-flush';
      table: IptablesTable;
      family?: IpFamily;
      scope?: ReachScope;
      /** Docker is restarted after the flush (restart_docker): its own chains do not count as left over. */
      exceptDocker?: boolean;
    }
  | { kind: 'iptables-policy'; table: IptablesTable; chains: string[]; policy: 'ACCEPT' | 'DROP'; family?: IpFamily; scope?: ReachScope };

/** Options of the iptables builders beyond `when`: they end up in the spec (plan files record them). */
export interface IptablesOptions {
  /** ip6tables instead of iptables (default ipv4). */
  family?: IpFamily;
  /** Act only where Kubernetes or CNI state is found (see src/ops/kube-scope.ts). */
  scope?: ReachScope;
}

function iptablesSpecOptions(opts: IptablesOptions & { exceptDocker?: boolean }): IptablesOptions & { exceptDocker?: boolean } {
  // Only the keys given: specs of existing playbooks (and their plan files) stay byte for byte the same.
  return {
    ...(opts.family && opts.family !== 'ipv4' ? { family: opts.family } : {}),
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.exceptDocker ? { exceptDocker: true } : {}),
  };
}
export const familyWord = (f?: IpFamily) => (f === 'ipv6' ? 'ip6tables' : 'iptables');

type Flush = Extract<IptablesSpec, { kind: 'iptables-flush' }>;
type Policy = Extract<IptablesSpec, { kind: 'iptables-policy' }>;

export const iptablesTables = {
  /** Flush every rule and delete every user chain of a table (iptables -F; iptables -X); the rules are saved to the backup first. */
  flush<P extends ParamValues>(table: IptablesTable, opts: { when?: Condition<P>; exceptDocker?: boolean } & IptablesOptions = {}): TaskOf<Flush, P> {
    assertTable(table);
    const { when: cond, ...rest } = opts;
    return {
      title: `flush ${familyWord(rest.family)} ${table} table and delete its user chains`,
      spec: { kind: 'iptables-flush', table, ...iptablesSpecOptions(rest) },
      ...(cond ? { when: cond } : {}),
    };
  },
  /** Set the policy of built-in chains (ACCEPT policies before flushes: a flush under DROP cuts the SSH session). */
  policy<P extends ParamValues>(
    table: IptablesTable,
    chains: readonly string[] | 'all',
    policy: 'ACCEPT' | 'DROP',
    opts: { when?: Condition<P> } & IptablesOptions = {},
  ): TaskOf<Policy, P> {
    assertTable(table);
    const { when: cond, ...rest } = opts;
    const list = chains === 'all' ? [...BUILTIN_CHAINS[table]] : [...chains];
    for (const c of list) {
      if (!BUILTIN_CHAINS[table].includes(c)) {
        throw new InputError(`"${c}" is not a built-in chain of the ${table} table`);
      }
    }
    return {
      title: `${familyWord(rest.family)} ${table}: policy ${policy} on ${list.join(', ')}`,
      spec: { kind: 'iptables-policy', table, chains: list, policy, ...iptablesSpecOptions(rest) },
      ...(cond ? { when: cond } : {}),
    };
  },
};

export const IPTABLES_FORMS = {
  iptables_flush: form({
    description: 'Flush every rule of an iptables table and delete its user chains (iptables -F; -X). Rules are saved to the backup first.',
    builder: 'iptables.flush',
    properties: { table: tableSchema },
    required: ['table'],
    build: (a: { table: IptablesTable }, o) => iptablesTables.flush(a.table, o),
  }),
  iptables_policy: form({
    description: 'Set the policy of built-in chains of a table. Put ACCEPT policies before flushes: flushing under a DROP policy cuts the SSH session.',
    builder: 'iptables.policy',
    properties: {
      table: tableSchema,
      chains: { description: 'built-in chains of the table, or "all"', oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
      policy: { enum: ['ACCEPT', 'DROP'] },
    },
    required: ['table', 'chains', 'policy'],
    build: (a: { table: IptablesTable; chains: string[] | 'all'; policy: 'ACCEPT' | 'DROP' }, o) => iptablesTables.policy(a.table, a.chains, a.policy, o),
  }),
};

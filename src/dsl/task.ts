import type { Facts } from '../facts/types.js';
import type { IpFamily, IptablesTable } from '../facts/iptables-save.js';

// What every task kind is built from, without the union of the kinds: the kind modules
// (dsl/kinds/*.ts) import this and types.ts assembles TaskSpec from them, so neither imports the
// other in a circle.

// The iptables vocabulary is the probe's (facts/iptables-save.ts): tasks name what it reads.
export type { IpFamily, IptablesTable };
export { IPTABLES_TABLES } from '../facts/iptables-save.js';

/**
 * `kube`: the task only acts on a host where Kubernetes or CNI state is found (CNI config,
 * CNI/Kubernetes links, KUBE-/flannel/CNI chains); elsewhere it leaves the host alone and says so.
 */
export type ReachScope = 'kube';

export type ParamValues = Record<string, unknown>;

export interface TaskContext<P extends ParamValues = ParamValues> {
  facts: Facts;
  params: P;
  /**
   * Facts of every selected host, for a check that compares hosts. The runner does not fill it in
   * today: each host is planned on its own facts (the cross-host checks, clock skew among them, are in `kremedy doctor`).
   */
  fleet?: ReadonlyMap<string, Facts>;
}

/** A condition on facts; `describe` is what the plan prints when the task is skipped. */
export interface Condition<P extends ParamValues = ParamValues> {
  describe: string;
  test(ctx: TaskContext<P>): boolean;
}

/** A gate decides from facts: `refuse` (the reason and the fix) stops the host, `pass` says why it may proceed. */
export type GateCheck<P extends ParamValues = ParamValues> = (ctx: TaskContext<P>) => { refuse: string } | { pass: string };

/** A task whose spec is `S`: what one kind's builder returns (`Task` is this over every kind). */
export interface TaskOf<S, P extends ParamValues = ParamValues> {
  title: string;
  spec: S;
  when?: Condition<P>;
  /** For kind 'gate': decides from facts. For kind 'note': the message it reports. */
  gate?: GateCheck<P>;
  note?: (ctx: TaskContext<P>) => string;
}

/** The `when` every builder takes. */
export interface WhenOption<P extends ParamValues> {
  when?: Condition<P>;
}

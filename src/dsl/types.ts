import type { TaskSpec } from './kinds/index.js';
import type { ParamValues, TaskOf } from './task.js';

// The DSL's types. What every kind is built from is in task.ts, each kind's spec beside its
// builder in kinds/, and the union of them in kinds/index.ts.
export type { Condition, GateCheck, IpFamily, IptablesTable, ParamValues, ReachScope, TaskContext, TaskOf } from './task.js';
export { IPTABLES_TABLES } from './task.js';
export type { TaskSpec };

export type TaskKind = TaskSpec['kind'];
export type SpecOf<K extends TaskKind> = Extract<TaskSpec, { kind: K }>;

/** One task of a playbook: a spec of any kind, its title, and when it applies. */
export type Task<P extends ParamValues = ParamValues> = TaskOf<TaskSpec, P>;

export interface Playbook<P extends ParamValues = ParamValues> {
  name: string;
  description: string;
  params: ParamSpecs;
  /** Which field note this playbook comes from, shown by `kremedy list`. */
  source?: string;
  /**
   * Runs once on the machine that runs kremedy, after the parameters are validated and before
   * any host is touched: fills in parameters that need I/O (pin-registry-hosts resolves names).
   */
  prepare?(params: P): Promise<P>;
  tasks(params: P): Task<P>[];
}

export type ParamSpec =
  | { type: 'enum'; values: readonly string[]; default: string; description: string }
  | { type: 'string'; default?: string; pattern?: RegExp; description: string; required?: boolean }
  | { type: 'number'; default?: number; min?: number; max?: number; description: string }
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'map'; default?: Record<string, string>; keyPattern?: RegExp; valuePattern?: RegExp; description: string }
  | { type: 'list'; default?: string[]; itemPattern?: RegExp; description: string };

export type ParamSpecs = Record<string, ParamSpec>;

/** The value a parameter has in `tasks(params)`: the spec says it, so a playbook need not repeat it. */
export type ParamValueOf<S extends ParamSpec> = S extends { type: 'enum'; values: readonly (infer V)[] }
  ? V
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'number' }
      ? number
      : S extends { type: 'map' }
        ? Record<string, string>
        : S extends { type: 'list' }
          ? string[]
          : string;

/** A string or number without a default (and not required) may be absent. */
type MayBeAbsent<S> = S extends { type: 'string' | 'number'; default?: undefined; required?: false | undefined } ? ('default' extends keyof S ? never : true) : never;

/** The parameter values of a `params:` spec: `type Params = ParamValuesOf<typeof PARAMS>`. */
export type ParamValuesOf<S extends ParamSpecs> = {
  [K in keyof S as MayBeAbsent<S[K]> extends never ? K : never]: ParamValueOf<S[K]>;
} & {
  [K in keyof S as MayBeAbsent<S[K]> extends never ? never : K]?: ParamValueOf<S[K]>;
};

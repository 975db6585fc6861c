import type { Facts } from '../facts/types.js';
import type { IpFamily, IptablesTable } from '../facts/iptables-save.js';

// The iptables vocabulary is the probe's (facts/iptables-save.ts): tasks name what it reads.
export type { IpFamily, IptablesTable };
export { IPTABLES_TABLES } from '../facts/iptables-save.js';

/**
 * `kube`: the task only acts on a host where Kubernetes or CNI state is found (CNI config,
 * CNI/Kubernetes links, KUBE-/flannel/CNI chains); elsewhere it leaves the host alone and says so.
 */
export type ReachScope = 'kube';

/**
 * What a task does, as plain data. Data (not closures) so a plan file can record it and
 * `apply` can prove it runs exactly what was reviewed. Each kind has one operation module
 * in src/ops/ that knows how to probe, diff, act and verify it.
 */
export type TaskSpec =
  | {
      kind: 'iptables-flush';
      table: IptablesTable;
      family?: IpFamily;
      scope?: ReachScope;
      /** Docker is restarted after the flush (restart_docker): its own chains do not count as left over. */
      exceptDocker?: boolean;
    }
  | { kind: 'iptables-policy'; table: IptablesTable; chains: string[]; policy: 'ACCEPT' | 'DROP'; family?: IpFamily; scope?: ReachScope }
  | { kind: 'link-absent'; name: string }
  | { kind: 'path-absent'; path: string }
  | { kind: 'glob-absent'; dir: string; glob: string; keep?: string[] }
  | { kind: 'gate'; id: string }
  | { kind: 'note'; id: string }
  | { kind: 'iptables-chain-return'; table: IptablesTable; chain: string }
  | { kind: 'package-present'; packages: { debian: string; rhel: string } }
  | {
      kind: 'file-present';
      path: string;
      mode: string;
      /** Exact content wanted; or, without it, a line matching `valid` (an ERE that JS reads alike). */
      content?: string;
      valid?: string;
      /** sh that prints the content when the file is missing or invalid (with `valid`). */
      generator?: string;
      /** What the plan shows for generated content. */
      preview?: string;
      daemonReload?: boolean;
    }
  | { kind: 'service'; unit: string; active: boolean }
  | { kind: 'hosts-block'; path: string; marker: string; lines: string[]; state: 'present' | 'absent' }
  | { kind: 'sysfs-value'; path: string; value: string }
  /** kubelet and the node units stopped (when `stop`), or the host refused while they run. */
  | { kind: 'kube-stopped'; stop: boolean }
  /** Links whose names match a glob (kube-router's `tun-*`). */
  | { kind: 'link-glob-absent'; glob: string }
  /** Routes of one routing protocol (kube-router's BGP routes: `proto zebra`). */
  | { kind: 'routes-absent'; proto: string }
  /** ipsets whose names match one of the globs, destroyed (after the flush that unreferences them). */
  | { kind: 'ipsets-absent'; globs: string[] }
  /** No IPVS virtual servers (`ipvsadm -C`). */
  | { kind: 'ipvs-cleared'; scope?: ReachScope }
  /** Docker restarted after a flush, so that it makes its own chains again. */
  | { kind: 'docker-chains'; tables: IptablesTable[] };

export type TaskKind = TaskSpec['kind'];
export type SpecOf<K extends TaskKind> = Extract<TaskSpec, { kind: K }>;

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

export interface Task<P extends ParamValues = ParamValues> {
  title: string;
  spec: TaskSpec;
  when?: Condition<P>;
  /** For kind 'gate': decides from facts. For kind 'note': the message it reports. */
  gate?: GateCheck<P>;
  note?: (ctx: TaskContext<P>) => string;
}

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

// The public authoring API: what a playbook (in this repo or a user's own) imports.
export { playbook, param, iptables, link, files, gate, note, when, packages, services, hosts, sysfs, node } from './dsl/builders.js';
export { kernelGate } from './kernel/gate.js';
export type {
  Playbook, Task, TaskSpec, TaskKind, TaskContext, Condition, GateCheck, ParamSpec, ParamSpecs, ParamValues, IptablesTable,
} from './dsl/types.js';
export type { Facts, OsFamily, DetectedCni } from './facts/types.js';

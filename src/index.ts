// The public authoring API: what a playbook (in this repo or a user's own) imports.
export { playbook, param, iptables, link, files, gate, note, when, packages, services, hosts, sysfs, node, IPV4_ADDRESS, IPV4_ADDRESS_PORT } from './dsl/builders.js';
export { kernelGate, type GateCni } from './kernel/gate.js';
// A playbook's prepare() or builder refusing a value throws these: exit 1, before any host is touched.
export { KremedyError, InputError, FileInputError } from './errors.js';
export type {
  Playbook, Task, TaskSpec, TaskKind, TaskContext, Condition, GateCheck, ParamSpec, ParamSpecs, ParamValues, ParamValuesOf, IptablesTable, IpFamily,
} from './dsl/types.js';
export type { Facts, OsFamily, DetectedCni } from './facts/types.js';

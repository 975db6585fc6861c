// Every task kind, listed once. A kind is one module here (its spec, builder, YAML form and
// description) and one operation in src/ops/ (how it is probed, decided and applied), registered
// in src/ops/registry.ts, whose mapped type makes a kind without an operation a compile error.
// Adding a kind: its module, its line in each list below, its operation and registry line, and
// its builder in the public namespaces (dsl/builders.ts). docs/design.md walks through it.
import type { DockerChainsSpec } from './docker-chains.js';
import { FILE_FORMS, type FileSpec } from './file.js';
import { GATE_FORMS, type GateSpec } from './gate.js';
import { HOSTS_BLOCK_FORMS, type HostsBlockSpec } from './hosts-block.js';
import type { IpsetSpec } from './ipset.js';
import { IPTABLES_CHAIN_FORMS, type IptablesChainSpec } from './iptables-chain.js';
import { IPTABLES_FORMS, type IptablesSpec } from './iptables.js';
import type { IpvsSpec } from './ipvs.js';
import type { KubeStoppedSpec } from './kube-stopped.js';
import { LINK_FORMS, type LinkSpec } from './link.js';
import { PACKAGE_FORMS, type PackageSpec } from './package.js';
import { PATH_FORMS, type PathSpec } from './path.js';
import type { RoutesSpec } from './routes.js';
import { SERVICE_FORMS, type ServiceSpec } from './service.js';
import { SYSFS_FORMS, type SysfsSpec } from './sysfs.js';

/**
 * What a task does, as plain data. Data (not closures) so a plan file can record it and
 * `apply` can prove it runs exactly what was reviewed.
 */
export type TaskSpec =
  | IptablesSpec
  | LinkSpec
  | PathSpec
  | GateSpec
  | IptablesChainSpec
  | PackageSpec
  | FileSpec
  | ServiceSpec
  | HostsBlockSpec
  | SysfsSpec
  | KubeStoppedSpec
  | RoutesSpec
  | IpsetSpec
  | IpvsSpec
  | DockerChainsSpec;

/** The YAML task forms, in the order the schema and error messages list them. */
export const TASK_FORMS = {
  ...IPTABLES_FORMS,
  ...LINK_FORMS,
  ...PATH_FORMS,
  ...IPTABLES_CHAIN_FORMS,
  ...FILE_FORMS,
  ...PACKAGE_FORMS,
  ...SERVICE_FORMS,
  ...HOSTS_BLOCK_FORMS,
  ...SYSFS_FORMS,
  ...GATE_FORMS,
};

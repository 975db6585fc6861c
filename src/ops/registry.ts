import type { SpecOf, TaskKind } from '../dsl/types.js';
import { gate, note } from './gate.js';
import { iptablesFlush, iptablesPolicy } from './iptables.js';
import { linkAbsent, linkGlobAbsent } from './link.js';
import { globAbsent, pathAbsent } from './path.js';
import { filePresent } from './file.js';
import { hostsBlock } from './hosts-block.js';
import { iptablesChainReturn } from './iptables-chain.js';
import { packagePresent } from './package.js';
import { service } from './service.js';
import { sysfsValue } from './sysfs.js';
import type { Operation } from './types.js';
import { scoped } from './kube-scope.js';
import { kubeStopped } from './kube-stopped.js';
import { routesAbsent } from './routes.js';
import { ipsetsAbsent } from './ipset.js';
import { ipvsCleared } from './ipvs.js';
import { dockerChains, exceptDocker } from './docker-chains.js';

type Registry = { [K in TaskKind]: Operation<K, any> };

/** One operation per task kind; the mapped type makes a missing kind a compile error. */
export const OPERATIONS: Registry = {
  // scoped(): with `scope: 'kube'` these leave a host without Kubernetes/CNI state alone.
  'iptables-flush': scoped(exceptDocker(iptablesFlush), 'flushing the table'),
  'iptables-policy': scoped(iptablesPolicy, 'changing the policies'),
  'link-absent': linkAbsent,
  'path-absent': pathAbsent,
  'glob-absent': globAbsent,
  gate,
  note,
  'iptables-chain-return': iptablesChainReturn,
  'package-present': packagePresent,
  'file-present': filePresent,
  service,
  'hosts-block': hostsBlock,
  'sysfs-value': sysfsValue,
  'kube-stopped': kubeStopped,
  'link-glob-absent': linkGlobAbsent,
  'routes-absent': routesAbsent,
  'ipsets-absent': ipsetsAbsent,
  'ipvs-cleared': scoped(ipvsCleared, 'clearing IPVS (a keepalived load balancer uses it too)'),
  'docker-chains': dockerChains,
};

export function operationFor<K extends TaskKind>(kind: K): Operation<K, unknown> {
  return OPERATIONS[kind] as unknown as Operation<K, unknown>;
}

export type { SpecOf };

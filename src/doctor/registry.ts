// Every doctor check, in report order. A new check is one module plus one line here.
import { bootFirewall } from './boot-firewall.js';
import { clockSkew } from './clock-skew.js';
import { dockerIsolation } from './docker-isolation.js';
import { etcdLatency } from './etcd-latency.js';
import { hostProhibited } from './host-prohibited.js';
import { iptablesBackends } from './iptables-backends.js';
import { iptablesSize } from './iptables-size.js';
import { iscsi } from './iscsi.js';
import { keepalived } from './keepalived.js';
import { kernel } from './kernel.js';
import { manifests } from './manifests.js';
import { mixedCni } from './mixed-cni.js';
import { thp } from './thp.js';
import type { FleetCheck, HostCheck } from './types.js';

export const HOST_CHECKS: readonly HostCheck[] = [dockerIsolation, iptablesBackends, hostProhibited, bootFirewall, mixedCni, kernel, iscsi, etcdLatency, iptablesSize, keepalived, thp, manifests];
export const FLEET_CHECKS: readonly FleetCheck[] = [clockSkew];

export const checkIds = (): string[] => [...HOST_CHECKS, ...FLEET_CHECKS].map((c) => c.id);

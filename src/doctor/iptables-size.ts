// Field note 集群主机中的pod路由时间不稳定: iptables is a linear list, every rule change rewrites
// the whole table, and kube-proxy in iptables mode grows it with every service and endpoint.
// Thresholds (rules summed over all tables): above 5000 kube-proxy syncs take seconds and
// latency spikes show (warning); above 20000 syncs take minutes (critical) — the scale where
// the usual advice is IPVS mode. The numbers follow the kube-proxy scalability reports the
// field note links to, not a hard limit.
import { IPTABLES_PROBE, iptablesError, lines, out } from './probes.js';
import { CheckUnreadable, type HostCheck } from './types.js';

export const IPTABLES_WARN_RULES = 5000;
export const IPTABLES_CRITICAL_RULES = 20000;

export const iptablesSize: HostCheck = {
  id: 'IPTABLES-SIZE',
  describe: `iptables rule count above ${IPTABLES_WARN_RULES} (warning) / ${IPTABLES_CRITICAL_RULES} (critical)`,
  probes: [IPTABLES_PROBE],
  run({ results }) {
    const error = iptablesError(out(results, IPTABLES_PROBE.id));
    if (error) throw new CheckUnreadable(error);
    const count = lines(out(results, IPTABLES_PROBE.id))
      .map((l) => /^count (\d+)$/.exec(l))
      .find((m) => m !== null);
    if (!count) return [];
    const n = Number(count[1]);
    if (n <= IPTABLES_WARN_RULES) return [];
    const critical = n > IPTABLES_CRITICAL_RULES;
    return [
      {
        severity: critical ? 'critical' : 'warning',
        title: `${n} iptables rules (over ${critical ? IPTABLES_CRITICAL_RULES : IPTABLES_WARN_RULES}): rule updates and packet routing slow down`,
        evidence: [`iptables-save: ${n} "-A" rules over all tables`],
        fix: 'none: manual (switch kube-proxy to IPVS mode, or remove stale services/rules)',
      },
    ];
  },
};

// Field note 无法ping同节点的容器地址: a DOCKER-ISOLATION chain full of bare "-j DROP" rules
// (left by repeated Docker restarts) drops every forwarded packet before RETURN is reached.
// Only unconditional DROPs count: Docker's own DOCKER-ISOLATION-STAGE-2 rules match on an
// interface ("-o docker0 -j DROP") and are normal.
import { IPTABLES_PROBE, iptablesError, lines, out } from './probes.js';
import { CheckUnreadable, type HostCheck } from './types.js';

const UNCONDITIONAL_DROP = /^(\S+) -A (DOCKER-ISOLATION\S*) -j DROP$/;

export const dockerIsolation: HostCheck = {
  id: 'DOCKER-ISOLATION',
  describe: 'DOCKER-ISOLATION chains with unconditional DROP rules',
  probes: [IPTABLES_PROBE],
  run({ results }) {
    const error = iptablesError(out(results, IPTABLES_PROBE.id));
    if (error) throw new CheckUnreadable(error);
    const drops = new Map<string, string[]>();
    for (const line of lines(out(results, IPTABLES_PROBE.id))) {
      const m = UNCONDITIONAL_DROP.exec(line);
      if (!m) continue;
      const key = `${m[1]} ${m[2]}`;
      drops.set(key, [...(drops.get(key) ?? []), line.slice(m[1]!.length + 1)]);
    }
    return [...drops].map(([key, rules]) => {
      const [table, chain] = key.split(' ');
      return {
        severity: 'critical' as const,
        title: `${chain} (${table}) has ${rules.length} unconditional DROP rule(s): forwarded pod traffic is dropped`,
        evidence: [`${rules[0]}${rules.length > 1 ? `   (${rules.length} times)` : ''}`],
        fix: 'docker-isolation',
      };
    });
  },
};

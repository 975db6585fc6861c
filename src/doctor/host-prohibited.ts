// Field note 无法ping同节点的容器地址: "From 10.244.7.0 icmp_seq=1 Destination Host Prohibited" is
// the ICMP answer of a `-j REJECT --reject-with icmp-host-prohibited` rule: CentOS's stock
// /etc/sysconfig/iptables ends INPUT and FORWARD with one. In FORWARD it rejects pod traffic
// between nodes; in INPUT, whatever the rules before it do not accept.
import { IPTABLES_PROBE, iptablesError, lines, out } from './probes.js';
import { CheckUnreadable, manual, type HostCheck } from './types.js';

const REJECT = /^(\S+) (-A (\S+) .*-j REJECT --reject-with icmp-host-prohibited)$/;

export const hostProhibited: HostCheck = {
  id: 'HOST-PROHIBITED',
  describe: 'REJECT --reject-with icmp-host-prohibited rules ("Destination Host Prohibited")',
  probes: [IPTABLES_PROBE],
  run({ results }) {
    const text = out(results, IPTABLES_PROBE.id);
    const error = iptablesError(text);
    if (error) throw new CheckUnreadable(error);
    const rules = lines(text).flatMap((l) => {
      const m = REJECT.exec(l);
      return m ? [{ table: m[1]!, rule: m[2]!, chain: m[3]! }] : [];
    });
    if (rules.length === 0) return [];
    const forward = rules.some((r) => r.chain === 'FORWARD');
    return [
      {
        severity: forward ? ('critical' as const) : ('warning' as const),
        title: forward
          ? 'FORWARD rejects with icmp-host-prohibited: pods on other nodes get "Destination Host Prohibited"'
          : 'a REJECT --reject-with icmp-host-prohibited rule answers "Destination Host Prohibited"',
        evidence: rules.map((r) => `${r.table}: ${r.rule}`),
        fix: manual(`${rules.map((r) => `iptables -t ${r.table} -D ${r.rule.slice(3)}`).join('; ')}; then keep it from coming back at boot (see BOOT-FIREWALL)`),
      },
    ];
  },
};

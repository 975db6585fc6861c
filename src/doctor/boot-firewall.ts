// After reset-node flushes iptables, a firewall service puts its rules back at the next boot:
// firewalld loads its zones (their default answer is a reject with icmp-host-prohibited) and
// CentOS's iptables.service restores /etc/sysconfig/iptables, REJECT lines included. The reset
// then seems to "not hold". kubespray's preinstall disables firewalld for the same reason.
import { lines, out } from './probes.js';
import { manual, type HostCheck } from './types.js';

export const BOOT_FIREWALL_PROBE = {
  id: 'doctor:boot-firewall',
  script:
    'command -v systemctl >/dev/null 2>&1 || exit 0; ' +
    'for u in firewalld iptables ip6tables; do printf "unit %s %s\\n" "$u" "$(systemctl is-enabled "$u.service" 2>/dev/null)"; done; ' +
    'for f in /etc/sysconfig/iptables /etc/sysconfig/ip6tables; do [ -r "$f" ] && grep -n -e "-j REJECT" "$f" | head -n 20 | sed "s#^#reject $f:#"; done; true',
};

const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

export const bootFirewall: HostCheck = {
  id: 'BOOT-FIREWALL',
  describe: 'firewalld, or iptables.service with REJECT rules, would put a REJECT back at boot',
  probes: [BOOT_FIREWALL_PROBE],
  run({ results }) {
    const enabled = new Set<string>();
    const rejects = new Map<string, string[]>();
    for (const l of lines(out(results, BOOT_FIREWALL_PROBE.id))) {
      const [kind, a = '', b = ''] = l.split(' ');
      if (kind === 'unit' && ENABLED.has(b)) enabled.add(a);
      else if (kind === 'reject') {
        const file = a.slice(0, a.indexOf(':'));
        rejects.set(file, [...(rejects.get(file) ?? []), l.slice('reject '.length)]);
      }
    }
    const findings = [];
    if (enabled.has('firewalld')) {
      findings.push({
        severity: 'warning' as const,
        title: 'firewalld is enabled: at boot it loads its zones over a reset, rejecting with icmp-host-prohibited what they do not allow',
        evidence: ['systemctl is-enabled firewalld.service: enabled'],
        fix: manual('systemctl disable --now firewalld (as kubespray does), or open the pod and service networks in its zones'),
      });
    }
    for (const [unit, file] of [['iptables', '/etc/sysconfig/iptables'], ['ip6tables', '/etc/sysconfig/ip6tables']] as const) {
      const found = rejects.get(file) ?? [];
      if (!enabled.has(unit) || found.length === 0) continue;
      findings.push({
        severity: 'warning' as const,
        title: `${unit}.service is enabled and ${file} holds ${found.length} REJECT rule(s): they come back at every boot, whatever a reset flushed`,
        evidence: [`systemctl is-enabled ${unit}.service: enabled`, ...found],
        fix: manual(`remove the REJECT lines from ${file} (or save the current rules with ${unit}-save > ${file}), or systemctl disable ${unit}`),
      });
    }
    return findings;
  },
};

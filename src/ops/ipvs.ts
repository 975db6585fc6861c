// kube-proxy in IPVS mode: its virtual servers (10.96.0.1:443 -> the API servers) outlive an
// iptables flush. After a redeploy the old entries still send the cluster VIP to the previous
// API server's address, and 10.96.0.1 times out (field note 集群VIP访问失败). kubespray's reset
// runs `ipvsadm -C`; kremedy keeps the table as the probe's `ipvsadm -Sn` printed it first, so
// undo can restore it (`ipvsadm -R`).
import { backupText } from '../backup/write.js';
import { probeResult, type Operation } from './types.js';

export type IpvsState =
  | { tool: 'ipvsadm'; rules: string[] }
  /** No ipvsadm, but the kernel's table is readable: refuse rather than leave it silently. */
  | { tool: 'proc'; services: string[] }
  | { tool: 'none' };

export const IPVS_PROBE = {
  id: 'ipvs',
  script:
    `if command -v ipvsadm >/dev/null 2>&1; then echo '#KR:IPVSADM'; ipvsadm -Sn; ` +
    `elif [ -r /proc/net/ip_vs ]; then echo '#KR:PROC'; while IFS= read -r l; do printf '%s\\n' "$l"; done < /proc/net/ip_vs; ` +
    `else echo '#KR:NONE'; fi`,
};

export function parseIpvs(stdout: string): IpvsState {
  const [head = '', ...rest] = stdout.split('\n');
  const lines = rest.map((l) => l.trim()).filter(Boolean);
  if (head.trim() === '#KR:IPVSADM') return { tool: 'ipvsadm', rules: lines.filter((l) => l.startsWith('-')) };
  if (head.trim() === '#KR:PROC') return { tool: 'proc', services: lines.filter((l) => /^(TCP|UDP|SCTP|FWM)\s/.test(l)) };
  return { tool: 'none' };
}

export const ipvsCleared: Operation<'ipvs-cleared', IpvsState> = {
  probes: () => [IPVS_PROBE],
  state: (_spec, results) => parseIpvs(probeResult(results, IPVS_PROBE.id).stdout),
  decide(_spec, state, ctx) {
    if (state.tool === 'none') return { status: 'ok', message: 'no IPVS here (no ipvsadm, no /proc/net/ip_vs)' };
    if (state.tool === 'proc') {
      return state.services.length === 0
        ? { status: 'ok', message: 'no IPVS virtual servers (/proc/net/ip_vs)' }
        : { status: 'failed', message: `${state.services.length} IPVS virtual server(s) in /proc/net/ip_vs (${state.services[0]}), but ipvsadm is not installed: install ipvsadm so they can be saved and cleared` };
    }
    const services = state.rules.filter((r) => r.startsWith('-A '));
    if (state.rules.length === 0) return { status: 'ok', message: 'no IPVS virtual servers' };
    return {
      status: 'pending',
      summary: `clear ${services.length} IPVS virtual server(s) (${state.rules.length - services.length} real server(s))`,
      diff: state.rules.map((r) => `- ${r}`).join('\n'),
      backup: backupText(ctx, 'ipvs.rules', state.rules.map((r) => `${r}\n`).join(''), 'ipvs'),
      commands: ['ipvsadm -C'],
    };
  },
};

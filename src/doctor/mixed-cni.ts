// Field notes 无法ping同节点的容器地址 / 集群VIP访问失败: a node redeployed with another CNI (or
// redeployed without cleaning) keeps the old CNI's links, routes and config, and pod traffic
// goes to the wrong bridge. Leftovers with no CNI configured at all are reported too: the
// next deploy will trip over them.
import { CNI_DIRS_PROBE, CNI_NAMES, cniState, type CniName } from './cni.js';
import { manual, type HostCheck } from './types.js';

/**
 * The commands that remove exactly these traces. Never `reset-node` while another CNI is
 * configured: a kube-router reset empties /etc/cni/net.d (the active config with it, so
 * reset-node refuses that host) and any reset flushes the live CNI's rules.
 */
function removeOnly(traces: readonly string[]): string {
  return traces
    .map((t) => {
      const [kind, what] = [t.slice(0, t.indexOf(' ')), t.slice(t.indexOf(' ') + 1)];
      return kind === 'link' ? `ip link delete ${what}` : kind === 'config' ? `rm ${what}` : `rm -r ${what}`;
    })
    .join('; ');
}

export const mixedCni: HostCheck = {
  id: 'CNI-LEFTOVERS',
  describe: 'state of a CNI other than the configured one (links, /run/flannel, config files)',
  probes: [CNI_DIRS_PROBE],
  run({ facts, results }) {
    const { configured, traces } = cniState(facts, results);
    // A config of a CNI the check does not know (calico, cilium, a custom bridge…) is an active
    // config too: nothing that empties /etc/cni/net.d may be recommended beside it.
    const other = (facts.cni.configs ?? []).find((c) => !['flannel', 'kube-router', 'loopback'].includes(c.cni));
    const active = configured ?? (other ? { cni: other.cni === 'unknown' ? 'another CNI' : other.cni, file: other.path } : undefined);
    const leftovers = CNI_NAMES.filter((cni) => cni !== configured?.cni && traces[cni].length > 0);
    // Nothing configured: reset-node may clean them (cni=all when several CNIs left state).
    const resetFix = (cni: CniName) => `reset-node -e cni=${leftovers.length > 1 ? 'all' : cni}`;
    return leftovers.map((cni) => ({
      severity: 'warning' as const,
      title: active
        ? `${cni} leftovers on a host configured for ${active.cni} (kubelet loads ${active.file})`
        : `${cni} leftovers on a host with no CNI configured in /etc/cni/net.d`,
      evidence: [
        ...(configured ? [`configured: ${configured.cni} (${[...traces[configured.cni]].join(', ')})`] : active ? [`configured: ${active.cni} (config ${active.file})`] : []),
        `leftover: ${cni} (${traces[cni].join(', ')})`,
      ],
      fix: active ? manual(`remove only ${cni}'s leftovers, keeping ${active.file}: ${removeOnly(traces[cni])}`) : resetFix(cni),
    }));
  },
};

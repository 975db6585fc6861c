// Field notes 无法ping同节点的容器地址 / 集群VIP访问失败: a node redeployed with another CNI (or
// redeployed without cleaning) keeps the old CNI's links, routes and config, and pod traffic
// goes to the wrong bridge. Leftovers with no CNI configured at all are reported too: the
// next deploy will trip over them.
import { CNI_DIRS_PROBE, CNI_NAMES, cniState } from './cni.js';
import type { HostCheck } from './types.js';

export const mixedCni: HostCheck = {
  id: 'CNI-LEFTOVERS',
  describe: 'state of a CNI other than the configured one (links, /run/flannel, config files)',
  probes: [CNI_DIRS_PROBE],
  run({ facts, results }) {
    const { configured, traces } = cniState(facts, results);
    return CNI_NAMES.filter((cni) => cni !== configured?.cni && traces[cni].length > 0).map((cni) => ({
      severity: 'warning' as const,
      title: configured
        ? `${cni} leftovers on a host configured for ${configured.cni} (kubelet loads ${configured.file})`
        : `${cni} leftovers on a host with no CNI configured in /etc/cni/net.d`,
      evidence: [
        ...(configured ? [`configured: ${configured.cni} (${[...traces[configured.cni]].join(', ')})`] : []),
        `leftover: ${cni} (${traces[cni].join(', ')})`,
      ],
      fix: `reset-node -e cni=${cni}`,
    }));
  },
};

// Field note 系统内核恐慌: "skbuff: skb_under_panic ... dev:br0" on CentOS 7.1 kernels
// 3.10.0-229.* running kube-router (CentOS bug 12636); 3.10.0-693 hosts were fine.
// The refused list and the matching are the kernel-gate's own (src/kernel/gate.ts,
// rpmvercmp.ts), so doctor reports exactly the hosts the kernel-gate playbook would refuse.
// The CNI is the one kubelet is configured for (cni.ts), or, with no config, the one whose
// links are present.
import { DEFAULT_REFUSED } from '../kernel/gate.js';
import { kernelMatches } from '../kernel/rpmvercmp.js';
import { CNI_DIRS_PROBE, CNI_NAMES, cniState } from './cni.js';
import type { HostCheck } from './types.js';

export const kernel: HostCheck = {
  id: 'KERNEL-REFUSED',
  describe: `kernel on the kernel-gate refused list (${DEFAULT_REFUSED.map((r) => `${r.pattern}${r.cni ? ` with ${r.cni}` : ''}`).join(', ')})`,
  probes: [CNI_DIRS_PROBE],
  run({ facts, results }) {
    const release = facts.kernel.trim();
    if (!release) return [];
    const { configured, traces } = cniState(facts, results);
    const cnis = configured ? [configured.cni] : CNI_NAMES.filter((c) => traces[c].length > 0);
    return DEFAULT_REFUSED.filter((r) => (!r.cni || cnis.includes(r.cni)) && kernelMatches(release, r.pattern)).map((r) => ({
      severity: 'critical' as const,
      title: `kernel ${release} is refused${r.cni ? ` with ${r.cni}` : ''}: ${r.reason}`,
      evidence: [`uname -r: ${release} (matches ${r.pattern})`, ...(r.cni ? [`${r.cni}: ${traces[r.cni].join(', ')}`] : []), `advice: ${r.fix}`],
      fix: 'kernel-gate',
    }));
  },
};

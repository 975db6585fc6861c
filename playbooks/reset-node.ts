import { files, gate, iptables, link, note, param, playbook, when, type TaskContext } from '../src/index.js';
import { kernelGate } from '../src/kernel/gate.js';

type Cni = 'flannel' | 'kube-router' | 'auto';
interface Params extends Record<string, unknown> {
  cni: Cni;
}

/** The CNI this host is reset for: the parameter, or what the facts found under `auto`. */
export function effectiveCni(ctx: TaskContext<Params>): 'flannel' | 'kube-router' | 'none' | 'ambiguous' {
  return ctx.params.cni === 'auto' ? ctx.facts.cni.detected : ctx.params.cni;
}

const isFlannel = when<Params>('the CNI is flannel', (ctx) => effectiveCni(ctx) === 'flannel');
const isKubeRouter = when<Params>('the CNI is kube-router', (ctx) => effectiveCni(ctx) === 'kube-router');

export default playbook<Params>({
  name: 'reset-node',
  description:
    'Clean a node before redeploying Kubernetes on it: iptables policies, rules and chains, CNI links and files (flannel or kube-router).',
  source: '无法ping同节点的容器地址; kube-router模式下清理节点; 集群VIP访问失败',
  params: {
    cni: param.enum(['flannel', 'kube-router', 'auto'], 'auto', 'which CNI to clean up; auto reads /etc/cni/net.d (then leftover links)'),
  },
  tasks: () => [
    note<Params>('detect CNI', 'cni', (ctx) => {
      if (ctx.params.cni !== 'auto') return `cni=${ctx.params.cni} (from -e cni)`;
      const c = ctx.facts.cni;
      if (c.detected === 'none') return `no CNI detected (${c.evidence}): only the CNI-neutral steps apply; pass -e cni=flannel or -e cni=kube-router to force`;
      return `cni=${c.detected} (detected from ${c.evidence})`;
    }),
    gate<Params>('CNI detection is unambiguous', 'cni-unambiguous', (ctx) =>
      effectiveCni(ctx) === 'ambiguous'
        ? { refuse: `both flannel and kube-router state found (${ctx.facts.cni.evidence}); pass -e cni=flannel or -e cni=kube-router` }
        : { pass: 'one CNI or none' },
    ),
    // Before anything changes: a kube-router node on a kernel that panics under it (field note
    // 系统内核恐慌) is not worth resetting for a redeploy; upgrade the kernel first.
    kernelGate<Params>({ cni: 'kube-router', when: isKubeRouter }),
    // Policies go to ACCEPT before any flush: flushing a chain whose policy is DROP would cut
    // this very SSH session (kube-router nodes often have INPUT DROP).
    iptables.policy<Params>('filter', 'all', 'ACCEPT'),
    iptables.policy<Params>('nat', 'all', 'ACCEPT'),
    iptables.policy<Params>('mangle', 'all', 'ACCEPT'),
    iptables.flush<Params>('filter'),
    iptables.flush<Params>('nat'),
    // kubeadm reset and kubespray's reset role flush mangle too (kube-proxy marks packets there).
    iptables.flush<Params>('mangle'),
    link.absent<Params>('flannel.1', { when: isFlannel }),
    link.absent<Params>('cni0', { when: isFlannel }),
    files.absent<Params>('/run/flannel', { when: isFlannel }),
    files.absent<Params>('/etc/cni/net.d/10-flannel.conflist', { when: isFlannel }),
    files.matchingAbsent<Params>('/etc/cni/net.d', '*', { when: isKubeRouter }),
    link.absent<Params>('kube-bridge', { when: isKubeRouter }),
    link.absent<Params>('kube-dummy-if', { when: isKubeRouter }),
    // From kubespray's reset role: kube-proxy's IPVS dummy link and nodelocaldns, whatever the CNI,
    // and the host-local IPAM leases whose stale entries exhaust pod ranges after a redeploy.
    link.absent<Params>('kube-ipvs0'),
    link.absent<Params>('nodelocaldns'),
    files.absent<Params>('/var/lib/cni'),
  ],
});

// The field note "kube-router模式下清理节点" (cleaning a node in kube-router mode), as a playbook:
//   iptables -L -n                → every task probes first; the plan shows what is there
//   iptables -P INPUT ACCEPT      → iptables.policy('filter', ['INPUT'], 'ACCEPT')
//   rm -f /etc/cni/net.d/*        → files.matchingAbsent('/etc/cni/net.d', '*'), kube-router nodes only
//   ip link delete kube-bridge    → link.absent('kube-bridge')
// Run it: kremedy run ./examples/kube-router-cleanup.ts --hosts node2 --dry-run
import { files, iptables, link, note, playbook, when } from 'kremedy';

// Emptying /etc/cni/net.d on a flannel node would break it: only where kube-router is found.
const isKubeRouter = when('the CNI is kube-router', (ctx) => ctx.facts.cni.detected === 'kube-router');

export default playbook({
  name: 'kube-router-cleanup',
  description: 'Clean a kube-router node: INPUT policy to ACCEPT, CNI config removed, kube-bridge deleted.',
  source: 'kube-router模式下清理节点',
  tasks: () => [
    note('detect CNI', 'cni', (ctx) => `cni=${ctx.facts.cni.detected} (${ctx.facts.cni.evidence})`),
    // ACCEPT first: the node may have INPUT DROP, and nothing below may cut this SSH session.
    iptables.policy('filter', ['INPUT'], 'ACCEPT'),
    files.matchingAbsent('/etc/cni/net.d', '*', { when: isKubeRouter }),
    link.absent('kube-bridge'),
  ],
});

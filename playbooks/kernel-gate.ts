import { type GateCni, kernelGate, param, playbook } from '../src/index.js';

interface Params extends Record<string, unknown> {
  cni: GateCni;
  min?: string;
}

// Read-only: it changes nothing and fails (exit 2) on the hosts whose kernel is refused, so it
// can run before any other playbook (`kremedy run kernel-gate --hosts all && ...`).
export default playbook<Params>({
  name: 'kernel-gate',
  description:
    'Refuse hosts whose running kernel is known bad: 3.10.0-229.* under kube-router (skb_under_panic on br0), or older than -e min=RELEASE (RPM version order).',
  source: '系统内核恐慌',
  params: {
    cni: param.enum(['kube-router', 'flannel', 'auto'], 'auto', 'CNI for the CNI-specific rules; auto reads /etc/cni/net.d (then leftover links)'),
    min: param.string('minimum kernel release, e.g. 3.10.0-693 (compared the way rpm does)', { pattern: /^[0-9][A-Za-z0-9._~^+-]*$/ }),
  },
  tasks: (p) => [kernelGate<Params>({ cni: p.cni, ...(p.min !== undefined ? { min: p.min } : {}) })],
});

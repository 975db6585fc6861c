import type { Condition, ParamValues, TaskOf } from '../task.js';

/** kubelet and the node units stopped (when `stop`), or the host refused while they run. */
export type KubeStoppedSpec = { kind: 'kube-stopped'; stop: boolean };

/** No kubelet / kube-proxy / flanneld / kube-router running: refuse the host, or (stop) stop and disable them. */
export function kubeStopped<P extends ParamValues>(stop: boolean, opts: { when?: Condition<P> } = {}): TaskOf<KubeStoppedSpec, P> {
  return {
    title: stop ? 'kubelet and the node units stopped and disabled' : 'no Kubernetes component running (kubelet, node units, k8s_ containers, CRI pods)',
    spec: { kind: 'kube-stopped', stop },
    ...opts,
  };
}

// Field note pod挂载pvc: kubelet logs "Unable to read manifest path "/etc/kubernetes/manifests":
// path does not exist" every 20 s. Harmless for scheduling but it floods the log and hides the
// real error next to it, so: info, or warning when kubelet is actually complaining about it.
import type { HostCheck } from './types.js';
import { LOG_PROBE, lines, out, uniqueLines } from './probes.js';

const PROBE = { id: 'doctor:manifests', script: '[ -d /etc/kubernetes/manifests ] && echo present || echo missing' };

export const manifests: HostCheck = {
  id: 'MANIFESTS-MISSING',
  describe: '/etc/kubernetes/manifests does not exist',
  probes: [PROBE, LOG_PROBE],
  run({ results }) {
    if (out(results, PROBE.id).trim() !== 'missing') return [];
    const complaints = uniqueLines(lines(out(results, LOG_PROBE.id)).filter((l) => l.includes('Unable to read manifest path')));
    return [
      {
        severity: complaints.length ? 'warning' : 'info',
        title: '/etc/kubernetes/manifests is missing (kubelet static pod path)',
        evidence: ['/etc/kubernetes/manifests: no such directory', ...complaints.slice(-2)],
        fix: 'none: manual (mkdir -p /etc/kubernetes/manifests)',
      },
    ];
  },
};

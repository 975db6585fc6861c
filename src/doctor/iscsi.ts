// Field note pod挂载pvc，一直处于init状态: an iSCSI PVC (OpenEBS) never attaches because
// iscsiadm is not installed; kubelet only says "executable file not found in $PATH".
// Severity, decided from what the host shows:
//   critical  kubelet already fails on it (an iscsi log line with "executable file not found"
//             or "could not read iface");
//   warning   signs that iSCSI volumes are used here (other kubelet iscsi log lines, kubelet's
//             iscsi plugin directory, a pod volume of type iscsi);
//   info      no sign at all: only matters once an iSCSI PVC lands on the node.
import { LOG_PROBE, lines, out, uniqueLines } from './probes.js';
import type { HostCheck } from './types.js';

const USE_PROBE = {
  id: 'doctor:iscsi-use',
  script:
    '[ -d /var/lib/kubelet/plugins/kubernetes.io/iscsi ] && echo /var/lib/kubelet/plugins/kubernetes.io/iscsi; ' +
    'ls -d /var/lib/kubelet/pods/*/volumes/kubernetes.io~iscsi 2>/dev/null | head -n 3; true',
};

const FAILURE = /executable file not found|could not read iface/i;

export const iscsi: HostCheck = {
  id: 'ISCSIADM-MISSING',
  describe: 'iscsiadm not installed (iSCSI PVCs cannot attach)',
  probes: [USE_PROBE, LOG_PROBE],
  run({ facts, results }) {
    if (facts.binaries['iscsiadm']) return [];
    const logLines = uniqueLines(lines(out(results, LOG_PROBE.id)).filter((l) => /iscsi/i.test(l)));
    const failures = logLines.filter((l) => FAILURE.test(l));
    const uses = lines(out(results, USE_PROBE.id));
    const severity = failures.length ? 'critical' : logLines.length || uses.length ? 'warning' : 'info';
    return [
      {
        severity,
        title:
          severity === 'critical'
            ? 'iscsiadm is missing and kubelet fails to attach iSCSI volumes'
            : severity === 'warning'
              ? 'iscsiadm is missing on a host that uses iSCSI volumes'
              : 'iscsiadm is missing (only needed for iSCSI PVCs, none seen here)',
        evidence: ['iscsiadm: not on PATH', ...failures.slice(-2), ...(failures.length ? [] : logLines.slice(-2)), ...uses.map((u) => `present: ${u}`)],
        fix: 'iscsi-prereqs',
      },
    ];
  },
};

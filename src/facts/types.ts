export type OsFamily = 'debian' | 'rhel' | 'other';
export type DetectedCni = 'flannel' | 'kube-router' | 'none' | 'ambiguous';

export interface Facts {
  hostname: string;
  os: { id: string; family: OsFamily; version: string; pretty: string; redhatRelease?: string };
  /** `uname -r` as resolved on the host's PATH (so a shim can emulate an old kernel). */
  kernel: string;
  cni: {
    detected: DetectedCni;
    evidence: string;
    configFiles: string[];
    /** Each file of /etc/cni/net.d with the CNI it belongs to (flannel, kube-router, calico, cilium, weave, loopback, unknown). */
    configs?: Array<{ path: string; cni: string }>;
  };
  links: string[];
  /** Absolute path of each probed binary, or null when it is not on PATH. */
  binaries: Record<string, string | null>;
  uid: number;
}

/** Binaries probed on every host; tasks may only ask about these (keeps the probe one round). */
export const PROBED_BINARIES = [
  'iptables', 'iptables-save', 'iptables-restore', 'ip', 'iscsiadm', 'systemctl', 'apt-get', 'yum', 'dnf', 'ipvsadm', 'sudo',
] as const;

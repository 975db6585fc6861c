// Builds a HostProbe from raw probe output, the way probeForDoctor does after an exec.
import type { ProbeResult } from '../../../src/exec/probe-script.js';
import { factsFrom } from '../../../src/facts/gather.js';
import type { HostProbe } from '../../../src/doctor/types.js';

export const DEFAULT_OUTPUT: Record<string, string> = {
  'fact:hostname': 'n1',
  'fact:os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'fact:kernel': '6.1.0-18-amd64',
  'fact:cni': '',
  'fact:links': 'lo\neth0',
  'fact:binaries': 'iptables\t/usr/sbin/iptables\niscsiadm\t/usr/sbin/iscsiadm',
  'fact:uid': '0',
  'fact:clock': '1700000000.5',
  'doctor:iptables': 'count 12',
  'doctor:thp': 'always [madvise] never',
  'doctor:manifests': 'present',
};

export function hostProbe(output: Record<string, string>, host = 'n1'): HostProbe {
  const merged = { ...DEFAULT_OUTPUT, ...output };
  const results = new Map<string, ProbeResult>(Object.entries(merged).map(([id, stdout]) => [id, { stdout, stderr: '', rc: 0 }]));
  return { host, facts: factsFrom(results), results };
}

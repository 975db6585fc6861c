// Builds a HostProbe from raw probe output, the way probeForDoctor does after an exec.
import type { ProbeResult } from '../../../src/facts/probe.js';
import { factsFrom } from '../../../src/facts/gather.js';
import type { HostProbe } from '../../../src/doctor/types.js';

export const DEFAULT_OUTPUT: Record<string, string> = {
  'fact:hostname': 'n1',
  'fact:os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'fact:kernel': '6.1.0-18-amd64',
  'fact:cni': '',
  'fact:links': 'lo\neth0',
  'fact:binaries': '/usr/sbin/iptables\n/usr/sbin/iscsiadm',
  'fact:uid': '0',
  'doctor:iptables': 'count 12',
  'doctor:thp': 'always [madvise] never',
  'doctor:manifests': 'present',
};

/** Tests name links one per line under 'fact:links'; the real probe is an `ip -d link show` listing. */
function asIpListing(names: string): string {
  return names.split('\n').filter(Boolean).map((n, i) => `${i + 1}: ${n}: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP`).join('\n') + '\n';
}

export function hostProbe(output: Record<string, string>, host = 'n1'): HostProbe {
  const { 'fact:links': links, ...rest } = { ...DEFAULT_OUTPUT, ...output };
  const merged: Record<string, string> = { ...rest, links: asIpListing(links ?? '') };
  const results = new Map<string, ProbeResult>(Object.entries(merged).map(([id, stdout]) => [id, { stdout, stderr: '', rc: 0 }]));
  return { host, facts: factsFrom(results), results };
}

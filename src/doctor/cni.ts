// Which CNI a host is configured for, and what other CNIs left behind. Shared by the mixed-CNI
// and kernel checks. kubelet uses the first file of /etc/cni/net.d in name order, so that file
// decides the configured CNI; a second CNI's config further down is a leftover, not a choice.
import type { ProbeResult } from '../facts/probe.js';
import type { Facts } from '../facts/types.js';
import { out } from './probes.js';

export type CniName = 'flannel' | 'kube-router';
export const CNI_NAMES: readonly CniName[] = ['flannel', 'kube-router'];

export const CNI_DIRS_PROBE = { id: 'doctor:cni-dirs', script: 'for d in /run/flannel /var/lib/kube-router; do [ -d "$d" ] && echo "$d"; done; true' };

/** Links and directories that only a given CNI creates. */
const LINKS: Record<CniName, readonly string[]> = { flannel: ['flannel.1', 'cni0'], 'kube-router': ['kube-bridge', 'kube-dummy-if'] };
const DIRS: Record<CniName, readonly string[]> = { flannel: ['/run/flannel'], 'kube-router': ['/var/lib/kube-router'] };

export function cniOfConfig(path: string, hints: string): CniName | undefined {
  const text = `${path} ${hints}`.toLowerCase();
  if (text.includes('flannel')) return 'flannel';
  if (text.includes('kube-router') || text.includes('kuberouter') || text.includes('kube-bridge')) return 'kube-router';
  return undefined;
}

export interface CniState {
  /** From the first CNI config file kubelet would load; undefined when none names a known CNI. */
  configured: { cni: CniName; file: string } | undefined;
  /** Evidence per CNI: config files, links, directories that belong to it. */
  traces: Record<CniName, string[]>;
}

export function cniState(facts: Facts, results: ReadonlyMap<string, ProbeResult>): CniState {
  const traces: Record<CniName, string[]> = { flannel: [], 'kube-router': [] };
  let configured: CniState['configured'];
  const files = out(results, 'fact:cni')
    .split('\n')
    .filter((l) => l.startsWith('file\t'))
    .map((l) => l.split('\t'))
    .map(([, path = '', hints = '']) => ({ path, hints }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) {
    const cni = cniOfConfig(f.path, f.hints);
    if (!cni) continue;
    configured ??= { cni, file: f.path };
    traces[cni].push(`config ${f.path}`);
  }
  const dirs = new Set(out(results, CNI_DIRS_PROBE.id).split('\n').map((s) => s.trim()));
  for (const cni of CNI_NAMES) {
    for (const l of LINKS[cni]) if (facts.links.includes(l)) traces[cni].push(`link ${l}`);
    for (const d of DIRS[cni]) if (dirs.has(d)) traces[cni].push(`directory ${d}`);
  }
  return { configured, traces };
}

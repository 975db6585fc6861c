import type { DetectedCni, Facts, OsFamily } from './types.js';
import { PROBED_BINARIES } from './types.js';
import { LINKS_PROBE, linkNames } from './links.js';
import type { ProbeRequest, ProbeResult } from './probe.js';

/** `cat` without a process: a `read` loop is a shell builtin (the last line may lack a newline). */
const catBuiltin = (file: string) => `[ -r ${file} ] || exit 0; while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done < ${file}`;

// One probe per fact source; the executor sends them with the task probes in a single exec.
// Builtins where they will do: every process counts when a fleet of hosts shares the CPU.
export const FACT_PROBES: ProbeRequest[] = [
  { id: 'fact:hostname', script: 'read -r h < /proc/sys/kernel/hostname && echo "$h"' },
  { id: 'fact:os-release', script: catBuiltin('/etc/os-release') },
  { id: 'fact:redhat-release', script: catBuiltin('/etc/redhat-release') },
  // A process on purpose: the `uname` found on PATH is the one that counts (shims included).
  { id: 'fact:kernel', script: 'uname -r' },
  {
    id: 'fact:cni',
    // File name, then its "type" and "bridge" lines: enough to tell flannel from kube-router.
    script:
      `for f in /etc/cni/net.d/*; do [ -e "$f" ] || continue; printf 'file\\t%s\\t' "$f"; ` +
      `while IFS= read -r l || [ -n "$l" ]; do case $l in *'"type"'*|*'"bridge"'*) printf '%s ' "$l";; esac; done < "$f"; echo; done`,
  },
  // The same listing link tasks read: probed once per round whoever asks.
  LINKS_PROBE,
  {
    id: 'fact:binaries',
    // `command -v` is a builtin: one path per binary found, nothing for a missing one.
    script: `for b in ${PROBED_BINARIES.join(' ')}; do command -v "$b" || :; done`,
  },
  { id: 'fact:uid', script: `while read -r k v _; do [ "$k" = Uid: ] && { echo "$v"; break; }; done < /proc/self/status` },
];

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v.replace(/\\(["$`\\])/g, '$1');
  }
  return out;
}

export function osFamilyOf(id: string, idLike: string, redhatRelease: string | undefined): OsFamily {
  const words = `${id} ${idLike}`.toLowerCase().split(/\s+/);
  if (redhatRelease || words.some((w) => ['rhel', 'centos', 'fedora', 'rocky', 'almalinux'].includes(w))) return 'rhel';
  if (words.some((w) => ['debian', 'ubuntu'].includes(w))) return 'debian';
  return 'other';
}

/**
 * The CNI is read from /etc/cni/net.d first (what kubelet would use), then from leftover links,
 * so a half-reset node is still recognised. Both present means ambiguous: we refuse to guess.
 */
export function detectCni(files: Array<{ path: string; hints: string }>, links: string[]): Facts['cni'] {
  const kinds = new Set<DetectedCni>();
  const evidence: string[] = [];
  for (const f of files) {
    const text = `${f.path} ${f.hints}`.toLowerCase();
    if (text.includes('flannel')) {
      kinds.add('flannel');
      evidence.push(f.path);
    } else if (text.includes('kube-router') || text.includes('kuberouter') || text.includes('kube-bridge')) {
      kinds.add('kube-router');
      evidence.push(f.path);
    }
  }
  if (kinds.size === 0) {
    if (links.includes('flannel.1')) {
      kinds.add('flannel');
      evidence.push('link flannel.1');
    }
    if (links.includes('kube-bridge') || links.includes('kube-dummy-if')) {
      kinds.add('kube-router');
      evidence.push('link kube-bridge');
    }
  }
  const configFiles = files.map((f) => f.path);
  const configs = files.map((f) => ({ path: f.path, cni: cniOfConfigFile(f.path, f.hints) }));
  if (kinds.size === 0) return { detected: 'none', evidence: 'no CNI config in /etc/cni/net.d and no CNI links', configFiles, configs };
  if (kinds.size > 1) return { detected: 'ambiguous', evidence: evidence.join(', '), configFiles, configs };
  return { detected: [...kinds][0]!, evidence: evidence.join(', '), configFiles, configs };
}

/**
 * Which CNI a file of /etc/cni/net.d belongs to, from its name and its "type"/"bridge" lines:
 * before removing "everything in /etc/cni/net.d" for one CNI, reset-node must know whether
 * another CNI's config is there. `loopback` is the plain loopback plugin, nobody's in particular.
 */
export function cniOfConfigFile(path: string, hints: string): string {
  const text = `${path} ${hints}`.toLowerCase();
  for (const [cni, words] of [
    ['flannel', ['flannel']],
    ['kube-router', ['kube-router', 'kuberouter', 'kube-bridge']],
    ['calico', ['calico']],
    ['cilium', ['cilium']],
    ['weave', ['weave']],
    ['antrea', ['antrea']],
  ] as const) {
    if (words.some((w) => text.includes(w))) return cni;
  }
  const types = [...hints.matchAll(/"type"\s*:\s*"([^"]*)"/g)].map((m) => m[1]);
  if (types.length > 0 && types.every((t) => t === 'loopback')) return 'loopback';
  return 'unknown';
}

export function factsFrom(results: ReadonlyMap<string, ProbeResult>): Facts {
  const out = (id: string) => results.get(id)?.stdout ?? '';
  const osr = parseOsRelease(out('fact:os-release'));
  const redhatRelease = out('fact:redhat-release').trim() || undefined;
  const cniFiles = out('fact:cni')
    .split('\n')
    .filter((l) => l.startsWith('file\t'))
    .map((l) => {
      const [, path = '', hints = ''] = l.split('\t');
      return { path, hints };
    });
  const links = linkNames(out(LINKS_PROBE.id));
  const binaries: Record<string, string | null> = Object.fromEntries(PROBED_BINARIES.map((b) => [b, null]));
  for (const line of out('fact:binaries').split('\n').map((l) => l.trim())) {
    const name = line.slice(line.lastIndexOf('/') + 1);
    if (line.startsWith('/') && name in binaries && binaries[name] === null) binaries[name] = line;
  }
  const id = osr['ID'] ?? (redhatRelease ? 'centos' : 'unknown');
  return {
    hostname: out('fact:hostname').trim(),
    os: {
      id,
      family: osFamilyOf(id, osr['ID_LIKE'] ?? '', redhatRelease),
      version: osr['VERSION_ID'] ?? '',
      pretty: osr['PRETTY_NAME'] ?? redhatRelease ?? id,
      ...(redhatRelease ? { redhatRelease } : {}),
    },
    kernel: out('fact:kernel').trim(),
    cni: detectCni(cniFiles, links),
    links,
    binaries,
    uid: Number.parseInt(out('fact:uid').trim(), 10),
  };
}

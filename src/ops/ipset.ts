// kube-proxy (IPVS mode) and kube-router keep their address lists in ipsets. They survive an
// iptables flush and make the next deploy's `ipset create` collide with stale members, so
// they are destroyed, after the flush (a set still referenced by a rule cannot be). Only sets
// named like Kubernetes' and the CNIs' go: fail2ban's or firewalld's sets are not a node's.
import { quote } from '../shell/quote.js';
import { backupOutput } from '../backup/write.js';
import { linkGlobRegex } from './link.js';
import { probeResult, type Operation } from './types.js';

const NO_IPSET = '#KR:NO-IPSET';

export interface IpsetHeader {
  name: string;
  type: string;
  entries: number;
}

export const IPSET_PROBE = { id: 'ipsets', script: `command -v ipset >/dev/null 2>&1 || { echo '${NO_IPSET}'; exit 0; }; ipset list -t` };

/** `ipset list -t`: Name / Type / Number of entries of each set. */
export function parseIpsetHeaders(text: string): IpsetHeader[] {
  const sets: IpsetHeader[] = [];
  for (const line of text.split('\n')) {
    const [key, ...rest] = line.split(':');
    const value = rest.join(':').trim();
    if (key === 'Name') sets.push({ name: value, type: '', entries: 0 });
    else if (key === 'Type' && sets.length) sets[sets.length - 1]!.type = value;
    else if (key === 'Number of entries' && sets.length) sets[sets.length - 1]!.entries = Number(value) || 0;
  }
  return sets;
}

export const ipsetsAbsent: Operation<'ipsets-absent', { available: boolean; sets: IpsetHeader[] }> = {
  probes: () => [IPSET_PROBE],
  state(_spec, results) {
    const out = probeResult(results, IPSET_PROBE.id).stdout;
    if (out.trim() === NO_IPSET) return { available: false, sets: [] };
    return { available: true, sets: parseIpsetHeaders(out) };
  },
  decide(spec, state, ctx) {
    if (!state.available) return { status: 'ok', message: 'ipset is not installed: no sets to destroy' };
    const res = spec.globs.map(linkGlobRegex);
    const doomed = state.sets.filter((s) => res.some((r) => r.test(s.name)));
    const others = state.sets.filter((s) => !doomed.includes(s)).map((s) => s.name);
    const kept = others.length ? ` (left alone, not Kubernetes': ${others.join(', ')})` : '';
    if (doomed.length === 0) return { status: 'ok', message: `no ipset matches ${spec.globs.join(' ')}${kept}` };
    const names = doomed.map((s) => quote(s.name));
    return {
      status: 'pending',
      summary: `destroy ${doomed.length} ipset(s): ${doomed.map((s) => s.name).join(', ')}${kept}`,
      diff: doomed.map((s) => `- ipset ${s.name} (${s.type}, ${s.entries} entries)`).join('\n'),
      backup: backupOutput(ctx, 'ipsets.save', `for s in ${names.join(' ')}; do ipset save "$s"; done`, 'ipset'),
      commands: names.map((n) => `ipset destroy ${n}`),
    };
  },
};

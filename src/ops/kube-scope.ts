// Reach (issue 10): a host where nothing of Kubernetes or a CNI is found is not a node to
// reset. Flushing its firewall, or clearing its IPVS table (keepalived's load balancer!), would
// be damage, not remediation. Operations with `scope: 'kube'` act only where evidence is found.
import type { ReachScope, SpecOf, TaskKind } from '../dsl/types.js';
import type { ProbeResult } from '../facts/probe.js';
import type { Facts } from '../facts/types.js';
import { IPTABLES_SAVE_PROBE } from './iptables.js';
import type { Decision, Operation } from './types.js';

/** Chains that Kubernetes components and CNIs make (kube-proxy, kubelet, flannel, kube-router, CNI plugins, calico, cilium, weave, nodelocaldns). */
export const KUBE_CHAIN = /^(KUBE-|FLANNEL|CNI-|cali-|CILIUM|WEAVE|NODELOCALDNS)/;
/** Links they make: flannel's vxlan and bridge, kube-router's and kube-proxy's links, kube-router's tunnels, calico's, cilium's, weave's. */
const KUBE_LINK = /^(flannel\.\d+|cni0|kube-.+|nodelocaldns|tun-.+|cali.+|vxlan\.calico|cilium_.+|weave)$/;

/** Chain names of every table in an `iptables-save` output. */
export function chainNames(save: string): readonly string[] {
  // Every scoped task of a host asks about the same output in turn (a dozen splits of it per
  // host): the last answer is kept.
  if (save === lastChains.save) return lastChains.names;
  const names = save.split('\n').flatMap((l) => (l.startsWith(':') ? [l.slice(1).split(/\s+/)[0] ?? ''] : [])).filter(Boolean);
  lastChains = { save, names };
  return names;
}
let lastChains: { save: string; names: readonly string[] } = { save: '', names: [] };

/** What shows that this host is (or was) a Kubernetes node; empty when nothing does. */
export function kubeEvidence(facts: Facts, chains: readonly string[]): string[] {
  const evidence: string[] = [];
  if (facts.cni.configFiles.length) evidence.push(`CNI config ${facts.cni.configFiles.join(', ')}`);
  const links = facts.links.filter((l) => KUBE_LINK.test(l));
  if (links.length) evidence.push(`link(s) ${links.join(', ')}`);
  const kube = [...new Set(chains.filter((c) => KUBE_CHAIN.test(c)))];
  if (kube.length) evidence.push(`chain(s) ${kube.slice(0, 5).join(', ')}${kube.length > 5 ? ` and ${kube.length - 5} more` : ''}`);
  return evidence;
}

type Scoped = { scope?: ReachScope };
type WithChains<S> = S & { kubeChains?: readonly string[] };

/**
 * Wrap an operation so that, when its spec says `scope: 'kube'`, a change it would make is
 * turned into "left alone" on a host without Kubernetes or CNI state. The wrapped state carries
 * the iptables chain names it was decided from (plan files compare them for drift).
 */
export function scoped<K extends TaskKind, S>(op: Operation<K, S>, what: string): Operation<K, WithChains<S>> {
  return {
    probes(spec) {
      const own = op.probes(spec);
      return (spec as Scoped).scope && !own.some((p) => p.id === IPTABLES_SAVE_PROBE.id) ? [...own, IPTABLES_SAVE_PROBE] : own;
    },
    state(spec, results: ReadonlyMap<string, ProbeResult>) {
      const inner = op.state(spec, results);
      if (!(spec as Scoped).scope) return inner as WithChains<S>;
      return { ...(inner as object), kubeChains: chainNames(results.get(IPTABLES_SAVE_PROBE.id)?.stdout ?? '') } as WithChains<S>;
    },
    decide(spec: SpecOf<K>, state, ctx): Decision {
      const d = op.decide(spec, state, ctx);
      if (d.status !== 'pending' || !(spec as Scoped).scope) return d;
      if (kubeEvidence(ctx.facts, state.kubeChains ?? []).length) return d;
      return {
        status: 'ok',
        message: `left alone: no Kubernetes or CNI state found on this host (no CNI config, no CNI links, no KUBE-/flannel/CNI chains), so ${what} would not be a reset (${d.summary}); -e force=true does it anyway`,
      };
    },
  };
}

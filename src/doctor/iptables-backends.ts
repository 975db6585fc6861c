// Real nodes: a host's `iptables` shows one backend (nft or legacy), while kube-proxy's
// iptables-wrapper, an older kube-proxy image or a CNI may have written to the other. Rules there
// still filter packets: the cluster VIP REJECTed (field note 集群VIP访问失败), FORWARD DROPped,
// while `iptables -S` looks clean. Critical when the backend that `iptables` does not show holds
// Kubernetes chains or a policy other than ACCEPT; info when both backends hold rules and the
// hidden one holds neither.
import {
  backendSaves, IPTABLES_SAVE_PROBE, IPTABLES_TABLES, parseIptablesSave, tableSection, type BackendSave,
} from '../facts/iptables-save.js';
import { ProbeError } from '../facts/probe.js';
import { KUBE_CHAIN } from '../ops/kube-scope.js';
import { CheckUnreadable, manual, type HostCheck } from './types.js';

interface BackendSummary {
  save: BackendSave;
  rules: number;
  perTable: string[];
  kubeChains: string[];
  /** `table/CHAIN POLICY` for every built-in chain whose policy is not ACCEPT. */
  policies: Array<{ table: string; chain: string; policy: string }>;
}

function summarise(save: BackendSave): BackendSummary {
  const s: BackendSummary = { save, rules: 0, perTable: [], kubeChains: [], policies: [] };
  for (const table of IPTABLES_TABLES) {
    const { chains, rules } = parseIptablesSave(tableSection(save.text, table));
    if (rules.length) s.perTable.push(`${table} ${rules.length}`);
    s.rules += rules.length;
    s.kubeChains.push(...chains.filter((c) => KUBE_CHAIN.test(c.name)).map((c) => c.name));
    s.policies.push(...chains.filter((c) => c.policy !== null && c.policy !== 'ACCEPT').map((c) => ({ table, chain: c.name, policy: c.policy! })));
  }
  s.kubeChains = [...new Set(s.kubeChains)];
  return s;
}

const name = (b: BackendSummary) => `${b.save.backend ?? 'iptables'}${b.save.shown ? ` (what this host's \`iptables\` shows)` : ` (${b.save.bin})`}`;

function evidence(b: BackendSummary): string {
  const chains = b.kubeChains.length ? `; Kubernetes chains ${b.kubeChains.slice(0, 4).join(', ')}${b.kubeChains.length > 4 ? ` and ${b.kubeChains.length - 4} more` : ''}` : '';
  const policies = b.policies.length ? `; policies ${b.policies.map((p) => `${p.table} ${p.chain} ${p.policy}`).join(', ')}` : '';
  return `${name(b)}: ${b.rules} rule(s)${b.perTable.length ? ` (${b.perTable.join(', ')})` : ''}${chains}${policies}`;
}

/** What a person would type on the host to clear one backend (policies ACCEPT first, as reset-node does). */
function byHand(b: BackendSummary): string {
  const bin = b.save.bin;
  const tables = IPTABLES_TABLES.filter((t) => tableSection(b.save.text, t) !== '');
  return [
    ...b.policies.map((p) => `${bin} -t ${p.table} -P ${p.chain} ACCEPT`),
    ...tables.flatMap((t) => [`${bin} -t ${t} -F`, `${bin} -t ${t} -X`]),
  ].join('; ');
}

export const iptablesBackends: HostCheck = {
  id: 'IPTABLES-BACKENDS',
  describe: 'Kubernetes chains or DROP policies in the iptables backend (legacy or nft) that the host\'s `iptables` does not show',
  probes: [IPTABLES_SAVE_PROBE],
  run({ results }) {
    const r = results.get(IPTABLES_SAVE_PROBE.id);
    if (!r) return [];
    let saves: BackendSave[];
    try {
      saves = backendSaves(r).saves;
    } catch (err) {
      if (err instanceof ProbeError) throw new CheckUnreadable(err.message);
      throw err;
    }
    if (saves.length < 2) return [];
    const all = saves.map(summarise);
    const hidden = all.filter((b) => !b.save.shown && (b.kubeChains.length > 0 || b.policies.length > 0));
    if (hidden.length > 0) {
      return [{
        severity: 'critical',
        title: `Kubernetes chains or non-ACCEPT policies in iptables ${hidden.map((b) => b.save.backend).join(', ')}, which this host's \`iptables\` does not show: they still filter traffic (a cluster VIP or pod traffic can be rejected while \`iptables -S\` looks clean)`,
        evidence: [...all.map(evidence), `by hand: ${hidden.map(byHand).join('; ')}`],
        fix: 'reset-node',
      }];
    }
    const inUse = all.filter((b) => b.rules > 0);
    if (inUse.length < 2) return [];
    return [{
      severity: 'info',
      title: 'both iptables backends hold rules; the one `iptables` does not show holds no Kubernetes chains and no DROP policies',
      evidence: all.map(evidence),
      fix: manual('nothing to fix: reset-node reads and resets both backends'),
    }];
  },
};

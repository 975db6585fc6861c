import { files, gate, type GateCni, InputError, type IpFamily, iptables, type IptablesTable, kernelGate, link, node, note, param, type ParamValuesOf, playbook, type Task, type TaskContext, when } from '../src/index.js';

const CNIS = ['flannel', 'kube-router', 'all', 'auto'] as const;
type Cni = (typeof CNIS)[number];

// The parameters, once: their types in tasks() are inferred from this spec (ParamValuesOf).
const PARAMS = {
  cni: param.enum(CNIS, 'auto', 'which CNI to clean up; auto reads /etc/cni/net.d (then leftover links); all cleans flannel and kube-router leftovers'),
  stop_kubelet: param.boolean('stop and disable kubelet and the node units (kube-proxy, flanneld, kube-router) and stop k8s_ containers / CRI pods first; without it a live node is refused', false),
  force: param.boolean('flush iptables and clear IPVS even where no Kubernetes or CNI state is found', false),
  ipv6: param.boolean('also reset ip6tables (same order: policies ACCEPT first, then flush)', false),
  restart_docker: param.boolean('restart docker.service after the flush, so that it makes its own chains again', false),
  min: param.string('minimum kernel release for the kernel gate, e.g. 3.10.0-693 (RPM order)', { pattern: /^[0-9][A-Za-z0-9._~^+-]*$/ }),
};
type Params = ParamValuesOf<typeof PARAMS>;

/** The CNI this host is reset for: the parameter, or what the facts found under `auto`. */
export function effectiveCni(ctx: TaskContext<Params>): 'flannel' | 'kube-router' | 'all' | 'none' | 'ambiguous' {
  return ctx.params.cni === 'auto' ? ctx.facts.cni.detected : ctx.params.cni;
}

const isFlannel = when<Params>('the CNI is flannel', (ctx) => ['flannel', 'all'].includes(effectiveCni(ctx)));
// With kube-router in the run, /etc/cni/net.d/* covers flannel's files too: two steps must not plan the same file.
const isFlannelOnly = when<Params>('the CNI is flannel (with kube-router, /etc/cni/net.d/* covers its files)', (ctx) => effectiveCni(ctx) === 'flannel');
const isKubeRouter = when<Params>('the CNI is kube-router', (ctx) => ['kube-router', 'all'].includes(effectiveCni(ctx)));

/** The CNIs whose files this run removes; another CNI's config in /etc/cni/net.d stops a kube-router reset. */
function cleaned(ctx: TaskContext<Params>): string[] {
  const c = effectiveCni(ctx);
  return c === 'all' ? ['flannel', 'kube-router'] : c === 'flannel' || c === 'kube-router' ? [c] : [];
}

// The gate reads the CNI being cleaned: all includes kube-router, whose kernel rule is the strict one.
const GATE_CNI: Record<Cni, GateCni> = { flannel: 'flannel', 'kube-router': 'kube-router', all: 'kube-router', auto: 'auto' };

const TABLES: readonly IptablesTable[] = ['filter', 'nat', 'mangle', 'raw'];

// Sets kube-proxy (IPVS mode), kube-router, calico, cilium and weave make; others are not a node's.
const KUBE_IPSETS = ['KUBE-*', 'kube-router-*', 'cali*', 'cilium*', 'weave*'];

export default playbook<Params>({
  name: 'reset-node',
  description:
    'Clean a node before redeploying Kubernetes on it: live components, iptables (ip6tables) policies, rules and chains, ipsets, IPVS, CNI links, routes and files (flannel, kube-router or both).',
  source: '无法ping同节点的容器地址; kube-router模式下清理节点; 集群VIP访问失败',
  params: PARAMS,
  tasks: (p) => {
    if (p.force && p.restart_docker) {
      // With force every run flushes Docker's chains again and restarts it: never idempotent.
      throw new InputError('restart_docker=true cannot be combined with force=true: on a host without Kubernetes state every run would flush Docker\'s chains and restart it again; run the forced reset, then `systemctl restart docker`');
    }
    const scope = p.force ? {} : { scope: 'kube' as const };
    const families: IpFamily[] = p.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
    const policies: Task<Params>[] = families.flatMap((family) => TABLES.map((t) => iptables.policy(t, 'all', 'ACCEPT', { family, ...scope })));
    const flushes: Task<Params>[] = families.flatMap((family) =>
      TABLES.map((t) => iptables.flush(t, { family, ...scope, ...(p.restart_docker && family === 'ipv4' ? { exceptDocker: true } : {}) })),
    );
    return [
      note('detect CNI', 'cni', (ctx) => {
        if (ctx.params.cni !== 'auto') return `cni=${ctx.params.cni} (from -e cni)`;
        const c = ctx.facts.cni;
        if (c.detected === 'none') return `no CNI detected (${c.evidence}): only the CNI-neutral steps apply; pass -e cni=flannel, kube-router or all to force`;
        return `cni=${c.detected} (detected from ${c.evidence})`;
      }),
      gate('CNI detection is unambiguous', 'cni-unambiguous', (ctx) =>
        effectiveCni(ctx) === 'ambiguous'
          ? { refuse: `both flannel and kube-router state found (${ctx.facts.cni.evidence}); pass -e cni=flannel or -e cni=kube-router, or -e cni=all to clean both` }
          : { pass: 'one CNI or none' },
      ),
      // Before anything changes: a kube-router node on a kernel that panics under it (field note
      // 系统内核恐慌) is not worth resetting for a redeploy; upgrade the kernel first. With the CNI
      // unknown the gate refuses too: the redeploy may well be kube-router.
      kernelGate({ cni: GATE_CNI[p.cni], ...(p.min !== undefined ? { min: p.min } : {}) }),
      // kube-router's cleanup empties /etc/cni/net.d (field note kube-router模式下清理节点): never
      // with another CNI's config in it, which may be the one kubelet uses now.
      gate('no other CNI config in /etc/cni/net.d', 'cni-foreign-config', (ctx) => {
        if (!cleaned(ctx).includes('kube-router')) return { pass: 'only CNI-specific files are removed' };
        const mine = new Set([...cleaned(ctx), 'loopback']);
        const foreign = (ctx.facts.cni.configs ?? []).filter((c) => !mine.has(c.cni));
        return foreign.length
          ? {
              refuse: `/etc/cni/net.d holds another CNI's config: ${foreign.map((c) => `${c.path} (${c.cni})`).join(', ')}; a ${effectiveCni(ctx)} reset removes everything there, so it is refused. Remove that file yourself if it is stale, or pass -e cni=all when it is flannel's`,
            }
          : { pass: `every file in /etc/cni/net.d belongs to ${cleaned(ctx).join(' or ')} (or is the loopback plugin)` };
      }),
      // A live node would put everything back within seconds: refused, or (stop_kubelet) stopped first.
      node.kubeStopped(p.stop_kubelet),
      // Policies go to ACCEPT before any flush: flushing a chain whose policy is DROP would cut
      // this very SSH session (kube-router nodes often have INPUT DROP).
      ...policies,
      // kubeadm reset and kubespray's reset role flush mangle too (kube-proxy marks packets
      // there), raw as well (nodelocaldns's NOTRACK rules).
      ...flushes,
      // After the flush: a set still referenced by a rule cannot be destroyed.
      node.ipsetsAbsent(KUBE_IPSETS),
      node.ipvsCleared(scope),
      link.absent('flannel.1', { when: isFlannel }),
      link.absent('cni0', { when: isFlannel }),
      files.absent('/run/flannel', { when: isFlannel }),
      files.absent('/etc/cni/net.d/10-flannel.conflist', { when: isFlannelOnly }),
      // flannel's config before the conflist format (flannel < 0.9).
      files.absent('/etc/cni/net.d/10-flannel.conf', { when: isFlannelOnly }),
      files.matchingAbsent('/etc/cni/net.d', '*', { when: isKubeRouter }),
      link.absent('kube-bridge', { when: isKubeRouter }),
      link.absent('kube-dummy-if', { when: isKubeRouter }),
      // kube-router's IPIP tunnels to the other nodes and the routes it learnt over BGP.
      link.matchingAbsent('tun-*', { when: isKubeRouter }),
      node.routesAbsent('zebra', { when: isKubeRouter }),
      files.absent('/var/lib/kube-router', { when: isKubeRouter }),
      // From kubespray's reset role: kube-proxy's IPVS dummy link and nodelocaldns, whatever the CNI,
      // and the host-local IPAM leases whose stale entries exhaust pod ranges after a redeploy.
      link.absent('kube-ipvs0'),
      link.absent('nodelocaldns'),
      files.absent('/var/lib/cni'),
      ...(p.restart_docker ? [node.dockerChains(['filter', 'nat'])] : []),
    ];
  },
});

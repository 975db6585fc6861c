// Live nodes (issue 10): a node whose kubelet, kube-proxy, flanneld or kube-router still runs
// puts its rules, links and files back within seconds of a reset, so a reset there is never
// clean. By default such a host is refused; with `stop` the node units are stopped and
// disabled first, as kubespray's reset role does, and their k8s_ containers / CRI pods stopped.
import { quote } from '../shell/quote.js';
import { backupRecord } from '../backup/write.js';
import { probeResult, type Decision, type Operation } from './types.js';

/** Units of the node itself, stopped by `stop_kubelet=true` (kubelet first). */
export const NODE_UNITS = ['kubelet.service', 'kube-proxy.service', 'flanneld.service', 'kube-router.service'] as const;
/** Container runtimes: reported, never stopped (Docker owns more than Kubernetes' containers). */
export const RUNTIME_UNITS = ['docker.service', 'containerd.service', 'crio.service'] as const;

export interface UnitState {
  unit: string;
  active: string;
  enabled: string;
}
export interface KubeLiveState {
  units: UnitState[];
  /** Running Docker containers named k8s_* (kubelet's naming): `ID NAME`. */
  containers: string[];
  /** Ready CRI pod sandboxes (crictl pods --state ready -q). */
  pods: string[];
}

const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating', 'refreshing']);
const ENABLED = new Set(['enabled', 'enabled-runtime']);

// Where systemd (system mode) looks for unit files, newest systemd first, plus CentOS 7's
// /usr/lib: a unit none of these holds cannot be loaded, so systemd knows it only as not-found.
// The cgroup directories catch a unit still running after its file was deleted.
export const UNIT_DIRS = [
  '/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient', '/run/systemd/generator.early',
  '/etc/systemd/system', '/etc/systemd/system.attached', '/run/systemd/system', '/run/systemd/system.attached',
  '/run/systemd/generator', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system',
  '/run/systemd/generator.late',
  '/sys/fs/cgroup/system.slice', '/sys/fs/cgroup/unified/system.slice', '/sys/fs/cgroup/systemd/system.slice',
] as const;

const KUBE_UNITS = [...NODE_UNITS, ...RUNTIME_UNITS];

/**
 * `systemctl show` costs the host ~20 ms of CPU (systemctl itself, and PID 1 loading each
 * not-found unit to answer), a fifth of a whole reset. On a host where none of the units has a
 * unit file or a cgroup, every answer would be "inactive, not-found": the builtin `[` tests
 * (no process) say so, and the probe prints no unit blocks, which parses the same.
 */
export function kubeLiveScript(unitDirs: readonly string[] = UNIT_DIRS): string {
  return (
    `kr_u=; for d in ${unitDirs.join(' ')}; do [ -d "$d" ] || continue; for u in ${KUBE_UNITS.join(' ')}; do ` +
    `if [ -e "$d/$u" ] || [ -L "$d/$u" ]; then kr_u=1; break 2; fi; done; done; ` +
    // One systemctl for every unit (not two per unit): a fleet of hosts shares the CPU.
    // Blocks of Id=/ActiveState=/UnitFileState= lines, one block per unit, blank-line separated.
    `if [ -n "$kr_u" ] && command -v systemctl >/dev/null 2>&1; then systemctl show --property=Id,ActiveState,UnitFileState ${KUBE_UNITS.join(' ')} 2>/dev/null; fi; echo; ` +
    // Bounded: a wedged runtime must not hold the probe round.
    `if command -v docker >/dev/null 2>&1; then timeout 10 docker ps --filter name=k8s_ --format '{{.ID}} {{.Names}}' 2>/dev/null | sed 's/^/container\\t/'; fi; ` +
    `if command -v crictl >/dev/null 2>&1; then timeout 10 crictl pods --state ready -q 2>/dev/null | sed 's/^/pod\\t/'; fi; true`
  );
}

export const KUBE_LIVE_PROBE = { id: 'kube-live', script: kubeLiveScript() };

export function parseKubeLive(stdout: string): KubeLiveState {
  const state: KubeLiveState = { units: [], containers: [], pods: [] };
  let unit: Record<string, string> = {};
  const endUnit = () => {
    if (unit['Id']) state.units.push({ unit: unit['Id'], active: unit['ActiveState'] || 'inactive', enabled: unit['UnitFileState'] || 'not-found' });
    unit = {};
  };
  for (const line of stdout.split('\n')) {
    const prop = /^(Id|ActiveState|UnitFileState)=(.*)$/.exec(line);
    if (prop) {
      unit[prop[1]!] = prop[2]!.trim();
      continue;
    }
    if (line.trim() === '') {
      endUnit();
      continue;
    }
    const [kind, a = ''] = line.split('\t');
    if (kind === 'container' && a.trim()) state.containers.push(a.trim());
    else if (kind === 'pod' && a.trim()) state.pods.push(a.trim());
  }
  return state;
}

const isNodeUnit = (u: UnitState) => (NODE_UNITS as readonly string[]).includes(u.unit);
const running = (u: UnitState) => RUNNING.has(u.active);

/** What makes the host live, in words; empty when nothing does. */
export function liveEvidence(s: KubeLiveState): string[] {
  return [
    ...s.units.filter((u) => isNodeUnit(u) && running(u)).map((u) => `${u.unit} ${u.active}`),
    ...(s.containers.length ? [`${s.containers.length} k8s_ container(s) running (${s.containers.slice(0, 3).map((c) => c.split(' ')[1] ?? c).join(', ')}${s.containers.length > 3 ? ', …' : ''})`] : []),
    ...(s.pods.length ? [`${s.pods.length} CRI pod(s) ready`] : []),
  ];
}

function runtimes(s: KubeLiveState): string {
  const up = s.units.filter((u) => !isNodeUnit(u) && running(u)).map((u) => u.unit);
  return up.length ? `container runtime: ${up.join(', ')} ${up.length > 1 ? 'are' : 'is'} running (left running)` : 'no container runtime running';
}

export const kubeStopped: Operation<'kube-stopped', KubeLiveState> = {
  probes: () => [KUBE_LIVE_PROBE],
  state: (_spec, results) => parseKubeLive(probeResult(results, KUBE_LIVE_PROBE.id).stdout),
  decide(spec, state, ctx): Decision {
    const live = liveEvidence(state);
    // With stop: every node unit that runs or would start at boot goes (disabled, as kubespray does).
    const toStop = spec.stop ? state.units.filter((u) => isNodeUnit(u) && (running(u) || ENABLED.has(u.enabled))) : [];
    if (live.length === 0 && toStop.length === 0) {
      return { status: 'ok', message: `no kubelet, kube-proxy, flanneld or kube-router running, no k8s_ containers or CRI pods; ${runtimes(state)}` };
    }
    if (!spec.stop) {
      return {
        status: 'failed',
        message:
          `live Kubernetes node: ${live.join(', ')}; they would put the rules, links and files back within seconds, so a reset here cannot stay clean. ` +
          `Stop them first: -e stop_kubelet=true stops and disables kubelet and the node units and stops the k8s_ containers / CRI pods (as kubespray's reset role does), or drain the node and run kubeadm reset`,
      };
    }
    const units = toStop.map((u) => u.unit);
    const containerIds = state.containers.map((c) => c.split(' ')[0]!).filter((id) => /^[0-9a-f]{6,64}$/.test(id));
    const podIds = state.pods.filter((id) => /^[0-9a-f]{6,64}$/.test(id));
    const what = [
      units.length ? `stop and disable ${units.join(', ')}` : '',
      containerIds.length ? `stop ${containerIds.length} k8s_ container(s)` : '',
      podIds.length ? `stop ${podIds.length} CRI pod(s)` : '',
    ].filter(Boolean);
    return {
      status: 'pending',
      summary: `${what.join('; ')} (${runtimes(state)})`,
      diff: [
        ...toStop.flatMap((u) => [`- ${u.unit}: ${u.active}, ${u.enabled}`, `+ ${u.unit}: inactive, ${ENABLED.has(u.enabled) ? 'disabled' : u.enabled}`]),
        ...state.containers.map((c) => `- container ${c}`),
        ...state.pods.map((p) => `- CRI pod ${p}`),
      ].join('\n'),
      // Undo starts (and enables) again what was running (and enabled); containers come back with kubelet.
      backup: toStop.flatMap((u) => backupRecord(ctx, 'unit', u.unit, u.enabled, u.active)),
      commands: [
        // kubelet first: it would restart whatever is stopped after it.
        ...toStop.map((u) => `timeout 90 systemctl disable --now ${quote(u.unit)} 2>&1 && echo ${quote(`stopped and disabled ${u.unit}`)}`),
        ...(containerIds.length ? [`timeout 120 docker stop ${containerIds.join(' ')} >/dev/null && echo 'stopped ${containerIds.length} k8s_ container(s)'`] : []),
        ...(podIds.length ? [`timeout 120 crictl stopp ${podIds.join(' ')} >/dev/null && echo 'stopped ${podIds.length} CRI pod(s)'`] : []),
      ],
    };
  },
};

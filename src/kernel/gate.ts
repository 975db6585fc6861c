import { gate } from '../dsl/builders.js';
import type { Condition, ParamValues, Task, TaskContext } from '../dsl/types.js';
import { InputError } from '../errors.js';
import { compareKernelReleases, kernelMatches } from './rpmvercmp.js';

export type GateCni = 'kube-router' | 'flannel' | 'auto';

/** A kernel the fleet has seen misbehave, with the evidence and what to do about it. */
export interface RefusedKernel {
  /** Release, optionally ending in ".*": `3.10.0-229.*`. */
  pattern: string;
  /** Only refused when the host runs this CNI (the bug is in a code path only it exercises). */
  cni?: 'kube-router' | 'flannel';
  reason: string;
  fix: string;
}

/**
 * From the field note 系统内核恐慌: two kube-router nodes on 3.10.0-229.7.2.el7 panicked with
 * skb_under_panic on br0 while a 3.10.0-693.21.1.el7 node did not (CentOS bug 12636).
 */
export const DEFAULT_REFUSED: readonly RefusedKernel[] = [
  {
    pattern: '3.10.0-229.*',
    cni: 'kube-router',
    reason: 'kube-router on this kernel panics with skb_under_panic on br0 (CentOS bug 12636, field note 系统内核恐慌)',
    fix: 'upgrade to 3.10.0-693 or later: yum update kernel and reboot',
  },
];

export interface KernelGateOptions<P extends ParamValues> {
  /** Refuse every kernel older than this release (RPM order), e.g. "3.10.0-693". */
  min?: string;
  /** Which CNI the CNI-specific rules apply to; `auto` reads facts.cni.detected. */
  cni?: GateCni;
  refused?: readonly RefusedKernel[];
  title?: string;
  when?: Condition<P>;
}

const RELEASE = /^[0-9][A-Za-z0-9._~^+-]*$/;

function checkPattern(what: string, value: string): void {
  if (!RELEASE.test(value.replace(/\.?\*$/, ''))) {
    throw new InputError(`${what} must be a kernel release like 3.10.0-693 (got ${JSON.stringify(value)})`);
  }
}

/** A gate task that refuses hosts whose running kernel is known bad (or older than `min`). */
export function kernelGate<P extends ParamValues>(opts: KernelGateOptions<P> = {}): Task<P> {
  const refused = opts.refused ?? DEFAULT_REFUSED;
  if (opts.min !== undefined) checkPattern('min', opts.min);
  for (const r of refused) checkPattern('refused kernel pattern', r.pattern);
  const cniSetting = opts.cni ?? 'auto';

  return gate<P>(
    opts.title ?? 'kernel is not on the refused list',
    'kernel',
    (ctx: TaskContext<P>) => {
      const kernel = ctx.facts.kernel.trim();
      if (!kernel || !RELEASE.test(kernel)) {
        return { refuse: `cannot tell which kernel runs here (uname -r printed ${JSON.stringify(kernel)}): refusing rather than guessing` };
      }
      const cni = cniSetting === 'auto' ? ctx.facts.cni.detected : cniSetting;
      // Unknown CNI (none found, e.g. reset-node just removed it, or both found): the gate runs
      // before a redeploy whose CNI it cannot see, so the CNI-specific rules apply too. A refused
      // kernel is exactly the host it exists to stop; -e cni=... says which CNI is coming.
      const unknown = cni === 'none' || cni === 'ambiguous';
      for (const r of refused) {
        if (r.cni && r.cni !== cni && !unknown) continue;
        if (kernelMatches(kernel, r.pattern)) {
          if (r.cni && unknown) {
            return {
              refuse: `kernel ${kernel} is refused: the CNI is unknown here (${cni === 'none' ? 'none detected' : `both flannel and kube-router state found`}: ${ctx.facts.cni.evidence}) and ${r.cni} ${r.reason.replace(/^\S+ /, '')}; fix: ${r.fix}, or pass -e cni=${r.cni === 'kube-router' ? 'flannel' : 'kube-router'} if the node will run that instead`,
            };
          }
          return { refuse: `kernel ${kernel} is refused${r.cni ? ` for ${r.cni}` : ''}: ${r.reason}; fix: ${r.fix}` };
        }
      }
      if (opts.min !== undefined && compareKernelReleases(kernel, opts.min) < 0) {
        return {
          refuse: `kernel ${kernel} is older than the required minimum ${opts.min} (RPM version order); fix: upgrade to ${opts.min} or later (yum update kernel / apt-get install a newer linux-image) and reboot`,
        };
      }
      const skipped = refused.filter((r) => r.cni && r.cni !== cni && !unknown);
      const why =
        skipped.length && cniSetting === 'auto'
          ? ` (CNI ${cni}${cni === 'none' || cni === 'ambiguous' ? ' detected' : ''}: ${skipped.map((r) => `${r.cni}-only rule for ${r.pattern}`).join(', ')} not applied)`
          : '';
      return {
        pass: `kernel ${kernel} is not on the refused list${opts.min !== undefined ? ` and is at least ${opts.min}` : ''}${why}`,
      };
    },
    opts.when ? { when: opts.when } : {},
  );
}


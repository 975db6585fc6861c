// What `kremedy apply` checks before it connects anywhere: a plan is applied exactly as it was
// reviewed, by the kremedy that made it, to hosts that are still where they were planned.
import type { Host } from '../inventory/types.js';
import { VERSION } from '../version.js';
import { PlanRefusedError, type PlanFile } from './file.js';
import type { HostPlan } from './types.js';

/** A plan from another kremedy version is refused: its operations may probe or act differently. */
export function checkPlanVersion(plan: PlanFile, file: string, version: string = VERSION): void {
  if (plan.kremedyVersion !== version) {
    throw new PlanRefusedError(`${file}: made by kremedy ${plan.kremedyVersion}, this is ${version}: make a new plan`);
  }
}

/**
 * The selected hosts that the plan changes, with their plans. The connection details come from
 * the inventory; they must still be the ones planned against (same address, port and user),
 * else the whole apply is refused before any host is touched.
 */
export function hostsToApply(plan: PlanFile, selected: readonly Host[]): { hosts: Host[]; plans: Map<string, HostPlan> } {
  const plans = new Map<string, HostPlan>(plan.hosts.map((p) => [p.host, p]));
  const hosts = selected.filter((h) => plans.get(h.name)?.verdict === 'changes');
  for (const h of hosts) {
    const then = plan.inventory.hosts.find((x) => x.name === h.name);
    if (!then || then.address !== h.address || then.port !== h.port || then.user !== h.user) {
      throw new PlanRefusedError(
        `host ${h.name} is now ${h.user}@${h.address}:${h.port} in the inventory, the plan was made for ${then ? `${then.user}@${then.address}:${then.port}` : 'no such host'}`,
      );
    }
  }
  return { hosts, plans };
}

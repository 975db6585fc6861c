import { applyPlans } from '../../exec/run.js';
import type { HostPlan } from '../../plan/types.js';
import { readPlanFile, PlanRefusedError } from '../../plan/file.js';
import { VERSION } from '../../version.js';
import { EXIT, exitCodeForRecap } from '../exit.js';
import { connectionSettings, prepareHosts, reporterFor, withInterrupts, type ConnectionArgs } from './prepare.js';
import { reportRetry } from './run.js';

export interface ApplyArgs extends Omit<ConnectionArgs, 'hosts' | 'inventory'> {
  /** Default: the inventory the plan was made with. */
  inventory: string | undefined;
  planFile: string;
  hosts?: string;
  maxAge: number;
  diff: boolean;
}

/**
 * `kremedy apply plan.json`: exactly the reviewed steps. Each host is probed again first and
 * refused if its state moved since the plan; the plan's own run id names the backups.
 */
export async function applyCommand(args: ApplyArgs): Promise<number> {
  const plan = readPlanFile(args.planFile, { maxAgeSeconds: args.maxAge });
  if (plan.kremedyVersion !== VERSION) {
    throw new PlanRefusedError(`${args.planFile}: made by kremedy ${plan.kremedyVersion}, this is ${VERSION}: make a new plan`);
  }
  const { hosts: selected } = await prepareHosts({ inventory: args.inventory ?? plan.inventory.file, hosts: args.hosts ?? plan.pattern });
  const plans = new Map<string, HostPlan>(plan.hosts.map((p) => [p.host, p]));
  const hosts = selected.filter((h) => plans.has(h.name) && plans.get(h.name)!.verdict === 'changes');
  // The connection details come from the inventory; they must still be the ones planned against.
  for (const h of hosts) {
    const then = plan.inventory.hosts.find((x) => x.name === h.name);
    if (!then || then.address !== h.address || then.port !== h.port || then.user !== h.user) {
      throw new PlanRefusedError(`host ${h.name} is now ${h.user}@${h.address}:${h.port} in the inventory, the plan was made for ${then ? `${then.user}@${then.address}:${then.port}` : 'no such host'}`);
    }
  }
  if (hosts.length === 0) {
    process.stderr.write(`kremedy: the plan has nothing to change on the selected hosts\n`);
    return EXIT.ok;
  }
  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings({ ...args, inventory: '' }, hosts.length, interrupt);
    const reporter = await reporterFor(args);
    const summary = await applyPlans({ runId: plan.runId, playbookName: plan.playbook.name, params: plan.params, hosts }, plans, settings, (ev) => reporter.emit(ev));
    await reporter.close();
    reportRetry(plan.playbook.name, summary);
    return exitCodeForRecap(summary.recap, summary.interrupted);
  });
}

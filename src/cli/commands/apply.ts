import { applyPlans } from '../../exec/run.js';
import { checkPlanVersion, hostsToApply } from '../../plan/apply-checks.js';
import { readPlanFile } from '../../plan/file.js';
import { EXIT, exitCodeForRecap } from '../exit.js';
import { resolveHosts } from '../common.js';
import { connectionSettings, reporterFor, withInterrupts, type ConnectionArgs } from '../prepare.js';
import { reportRetry } from '../retry.js';

export interface ApplyArgs extends Omit<ConnectionArgs, 'hosts' | 'inventory'> {
  /** Default: the inventory the plan was made with. */
  inventory: string | readonly string[] | undefined;
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
  checkPlanVersion(plan, args.planFile);
  const { hosts: selected } = await resolveHosts({ inventory: args.inventory ?? plan.inventory.sources ?? plan.inventory.file, hosts: args.hosts ?? plan.pattern, ...(args.shard !== undefined ? { shard: args.shard } : {}) });
  const { hosts, plans } = hostsToApply(plan, selected);
  if (hosts.length === 0) {
    process.stderr.write(`kremedy: the plan has nothing to change on the selected hosts\n`);
    return EXIT.ok;
  }
  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings({ ...args, inventory: undefined }, hosts.length, interrupt);
    const reporter = await reporterFor(args, hosts);
    const summary = await applyPlans({ runId: plan.runId, playbookName: plan.playbook.name, params: plan.params, hosts }, plans, settings, (ev) => reporter.emit(ev));
    await reporter.close();
    reportRetry(plan.playbook.name, summary);
    return exitCodeForRecap(summary.recap, summary.interrupted);
  });
}

import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { newRunId, plansOf, runPlaybook } from '../../exec/run.js';
import { countChanges, planFileBody, writePlanFile } from '../../plan/file.js';
import { exitCodeForRecap } from '../exit.js';
import { resolveHosts } from '../common.js';
import { RunCollector } from '../../report/collect.js';
import { plural } from '../../report/format.js';
import { distinctPlansOf } from '../../report/group.js';
import { addressesOf, connectionSettings, preparePlaybook, reporterFor, withInterrupts, type ConnectionArgs } from '../prepare.js';

export interface PlanArgs extends ConnectionArgs {
  playbook: string;
  extraVars: string[];
  out: string;
}

/** `kremedy plan`: a dry run whose result is written down, signed, for `kremedy apply`. */
export async function planCommand(args: PlanArgs): Promise<number> {
  const { playbook, params, tasks } = await preparePlaybook(args.playbook, args.extraVars);
  const { inventory, pattern, hosts } = await resolveHosts(args);
  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings(args, hosts.length, interrupt);
    const reporter = await reporterFor({ ...args, diff: true }, hosts); // --junit/--report included
    const runId = newRunId();
    const shown = new RunCollector();
    const summary = await runPlaybook({ runId, playbookName: playbook.name, tasks, params, hosts, dryRun: true, ...settings }, (ev) => (reporter.emit(ev), shown.emit(ev)));
    await reporter.close();
    if (summary.interrupted) throw new InputError('interrupted: no plan written');
    const plans = plansOf(summary);
    writePlanFile(
      args.out,
      planFileBody({
        runId,
        playbook: { name: playbook.name, tasks },
        params,
        pattern,
        inventory,
        // Every file the inventory was read from (inventories, group_vars, host_vars), in reading order.
        inventoryText: (inventory.files ?? [inventory.file]).filter((f) => !f.startsWith('host list ')).map((f) => readFileSync(f, 'utf8')).join('\n'),
        hosts,
        plans,
        unreachable: [...summary.outcomes].flatMap(([host, o]) => (o.result === 'unreachable' ? [{ host, message: o.message ?? '' }] : [])),
      }),
    );
    const { steps, hosts: changing } = countChanges(plans.values());
    const names = new Set([...plans.values()].filter((p) => p.verdict === 'changes').map((p) => p.host));
    const distinct = distinctPlansOf(shown.record?.hosts ?? [], names, runId, addressesOf(hosts));
    process.stderr.write(
      `kremedy: plan written to ${args.out} (${steps} change(s) on ${changing} host(s), ${plural(distinct, 'distinct plan')}); apply it with: kremedy apply ${args.out}\n`,
    );
    return exitCodeForRecap(summary.recap);
  });
}

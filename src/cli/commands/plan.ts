import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { newRunId, runPlaybook } from '../../exec/run.js';
import { inventorySummary, sha256, canonical, writePlanFile, PLAN_FORMAT } from '../../plan/file.js';
import { exitCodeForRecap } from '../exit.js';
import { VERSION } from '../../version.js';
import { connectionSettings, prepareHosts, preparePlaybook, reporterFor, withInterrupts, type ConnectionArgs } from './prepare.js';
import { plansOf } from './run.js';

export interface PlanArgs extends ConnectionArgs {
  playbook: string;
  extraVars: string[];
  out: string;
}

/** `kremedy plan`: a dry run whose result is written down, signed, for `kremedy apply`. */
export async function planCommand(args: PlanArgs): Promise<number> {
  const { playbook, params, tasks } = await preparePlaybook(args.playbook, args.extraVars);
  const { inventory, hosts } = await prepareHosts(args);
  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings(args, hosts.length, interrupt);
    const reporter = await reporterFor({ ...args, diff: true }); // --junit/--report included
    const runId = newRunId();
    const summary = await runPlaybook({ runId, playbookName: playbook.name, tasks, params, hosts, dryRun: true, ...settings }, (ev) => reporter.emit(ev));
    await reporter.close();
    if (summary.interrupted) throw new InputError('interrupted: no plan written');
    const plans = plansOf(summary);
    writePlanFile(args.out, {
      format: PLAN_FORMAT,
      kremedyVersion: VERSION,
      createdAt: new Date().toISOString(),
      runId,
      playbook: { name: playbook.name, digest: sha256(canonical(tasks.map((t) => ({ title: t.title, spec: t.spec })))) },
      params,
      pattern: args.hosts ?? 'all',
      inventory: inventorySummary(inventory, readFileSync(inventory.file, 'utf8')),
      hosts: hosts.flatMap((h) => (plans.has(h.name) ? [plans.get(h.name)!] : [])),
      unreachable: [...summary.outcomes].flatMap(([host, o]) => (o.result === 'unreachable' ? [{ host, message: o.message ?? '' }] : [])),
    });
    const changes = [...plans.values()].reduce((n, p) => n + p.tasks.filter((t) => t.status === 'change').length, 0);
    process.stderr.write(`kremedy: plan written to ${args.out} (${changes} change(s) on ${[...plans.values()].filter((p) => p.verdict === 'changes').length} host(s)); apply it with: kremedy apply ${args.out}\n`);
    return exitCodeForRecap(summary.recap);
  });
}

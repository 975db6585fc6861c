import { createInterface } from 'node:readline/promises';
import { InputError } from '../../errors.js';
import { applyPlans, newRunId, plansOf, runPlaybook } from '../../exec/run.js';
import { countChanges } from '../../plan/file.js';
import { RunCollector } from '../../report/collect.js';
import { plural } from '../../report/format.js';
import { distinctPlansOf } from '../../report/group.js';
import { EXIT, exitCodeForRecap } from '../exit.js';
import { reportRetry } from '../retry.js';
import { resolveHosts } from '../common.js';
import { addressesOf, connectionSettings, preparePlaybook, reporterFor, withInterrupts, type ConnectionArgs } from '../prepare.js';

export interface RunArgs extends ConnectionArgs {
  playbook: string;
  dryRun: boolean;
  extraVars: string[];
  diff: boolean;
  yes: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runCommand(args: RunArgs): Promise<number> {
  const { playbook, params, tasks } = await preparePlaybook(args.playbook, args.extraVars);
  if (args.hosts === undefined && !args.dryRun) {
    throw new InputError('refusing to change every host without being told: pass --hosts PATTERN (--hosts all if you mean it), or --dry-run');
  }
  const { hosts } = await resolveHosts(args);
  // A person at a terminal sees the plan and says yes before anything changes; pipelines
  // (no terminal) never block on a prompt.
  const interactive = !args.dryRun && !args.yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY);

  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings(args, hosts.length, interrupt);
    const runId = newRunId();
    const meta = { runId, playbookName: playbook.name, tasks, params, hosts };
    if (!interactive) {
      const reporter = await reporterFor(args, hosts);
      const summary = await runPlaybook({ ...meta, ...settings, dryRun: args.dryRun }, (ev) => reporter.emit(ev));
      await reporter.close();
      if (!args.dryRun) reportRetry(playbook.name, summary);
      return exitCodeForRecap(summary.recap, summary.interrupted);
    }

    const planReporter = await reporterFor({ json: args.json, diff: true, ...(args.perHost ? { perHost: true } : {}) }, hosts);
    const shown = new RunCollector();
    const planned = await runPlaybook({ ...meta, ...settings, dryRun: true }, (ev) => (planReporter.emit(ev), shown.emit(ev)));
    await planReporter.close();
    const plans = plansOf(planned);
    const toChange = [...plans.values()].filter((p) => p.verdict === 'changes');
    const planExit = exitCodeForRecap(planned.recap, planned.interrupted);
    if (toChange.length === 0 || planned.interrupted) return planExit;
    const { steps } = countChanges(toChange);
    const distinct = distinctPlansOf(shown.record?.hosts ?? [], new Set(toChange.map((p) => p.host)), runId, addressesOf(hosts));
    if (!(await confirm(`\n${applyQuestion(steps, toChange.length, distinct)} Only "yes" goes ahead: `))) {
      process.stderr.write('kremedy: not applied: nothing was changed\n');
      return EXIT.badInput;
    }
    const reporter = await reporterFor(args, hosts);
    const applied = await applyPlans(
      { runId, playbookName: playbook.name, params, hosts: hosts.filter((h) => toChange.some((p) => p.host === h.name)) },
      plans,
      settings,
      (ev) => reporter.emit(ev),
    );
    await reporter.close();
    reportRetry(playbook.name, applied);
    return Math.max(planExit === EXIT.unreachable ? EXIT.unreachable : EXIT.ok, exitCodeForRecap(applied.recap, applied.interrupted));
  });
}

/** The confirmation names what it would do: "Apply 126 changes on 20 hosts (3 distinct plans)?" */
export function applyQuestion(steps: number, hosts: number, distinct: number): string {
  return `Apply ${plural(steps, 'change')} on ${plural(hosts, 'host')} (${plural(distinct, 'distinct plan')})?`;
}

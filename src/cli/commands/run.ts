import { InputError } from '../../errors.js';
import { loadPlaybook } from '../../catalog.js';
import { mergeExtraVars } from '../../params/extra-vars.js';
import { resolveParams } from '../../params/validate.js';
import { newRunId, runPlaybook } from '../../exec/run.js';
import { loadKnownHosts } from '../../ssh/known-hosts.js';
import { fanOut, type Reporter } from '../../report/reporter.js';
import { jsonReporter } from '../../report/json.js';
import { plainReporter } from '../../report/plain.js';
import { defaultKnownHostsFile, openInventory } from '../common.js';
import { exitCodeForRecap } from '../exit.js';

export interface RunArgs {
  playbook: string;
  hosts?: string;
  inventory: string;
  dryRun: boolean;
  extraVars: string[];
  forks: number;
  json: boolean;
  diff: boolean;
  knownHosts?: string;
  trustNewHosts: boolean;
  connectTimeout: number;
  timeout: number;
}

export async function humanReporter(stream: NodeJS.WriteStream, diff: boolean): Promise<Reporter> {
  const style = { color: Boolean(stream.isTTY) && !process.env['NO_COLOR'] };
  if (stream.isTTY && !process.env['CI']) {
    const { listrReporter } = await import('../../report/listr.js');
    return listrReporter(stream, { style, diff });
  }
  return plainReporter(stream, { style, diff });
}

export async function runCommand(args: RunArgs): Promise<number> {
  // Everything that can be wrong with the input is found here, before any connection.
  const pb = await loadPlaybook(args.playbook);
  const params = resolveParams(pb.name, pb.params, mergeExtraVars(args.extraVars));
  const tasks = pb.tasks(params);
  if (args.hosts === undefined && !args.dryRun) {
    throw new InputError('refusing to change every host without being told: pass --hosts PATTERN (--hosts all if you mean it), or --dry-run');
  }
  const inv = await openInventory(args.inventory, process.stderr);
  const { selectHosts } = await import('../../inventory/index.js');
  const hosts = selectHosts(inv, args.hosts ?? 'all');
  const knownHostsFile = args.knownHosts ?? defaultKnownHostsFile();
  const knownHosts = await loadKnownHosts(knownHostsFile);
  if (!Number.isInteger(args.forks) || args.forks < 1) throw new InputError(`--forks must be a positive integer, got ${args.forks}`);

  const human = await humanReporter(args.json ? process.stderr : process.stdout, args.diff);
  const reporter = args.json ? fanOut([jsonReporter(process.stdout), human]) : human;
  const interrupt: { signal?: 'SIGINT' | 'SIGTERM' } = {};
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (interrupt.signal) return;
    interrupt.signal = signal;
    process.stderr.write(`\nkremedy: ${signal} received: finishing running steps, starting no new ones\n`);
  };
  const sigint = onSignal('SIGINT');
  const sigterm = onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    const summary = await runPlaybook(
      {
        runId: newRunId(),
        playbookName: pb.name,
        tasks,
        params,
        hosts,
        dryRun: args.dryRun,
        forks: args.forks,
        hostKeys: { knownHosts, knownHostsFile, trustNewHosts: args.trustNewHosts },
        connectTimeoutMs: args.connectTimeout * 1000,
        commandTimeoutMs: args.timeout * 1000,
        interrupt,
      },
      (ev) => reporter.emit(ev),
    );
    await reporter.close();
    return exitCodeForRecap(summary.recap, summary.interrupted);
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}

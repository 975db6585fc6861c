// Thin CLI: parse, call one function, map its result or error to an exit status (cli/exit.ts).
// Command modules are imported inside handlers so `--help` and `list` stay fast.
import yargs, { type Argv } from 'yargs';
import { InputError } from '../errors.js';
import { DEFAULT_INVENTORY } from './common.js';
import { EXIT, reportError } from './exit.js';
import { reportArgs, reportOptions } from './report-options.js';
import { VERSION } from '../version.js';
import type { ConnectionArgs } from './prepare.js';


const inventoryOption = {
  alias: 'i',
  type: 'string',
  describe: `inventory: a file (Ansible YAML or INI), a directory, or a host list "a,b,"; repeatable (default: ANSIBLE_INVENTORY, ansible.cfg's inventory, else ${DEFAULT_INVENTORY})`,
} as const;

function connectionOptions<T>(y: Argv<T>) {
  return sessionOptions(y.option('inventory', inventoryOption));
}

/**
 * The connection options but --inventory, which each command defines once: yargs merges a
 * redefinition, so apply (whose default is the plan's inventory) showed `-i, -i` in its help and
 * kept the default of the others, so the plan's inventory was never the default.
 */
function sessionOptions<T>(y: Argv<T>) {
  return y
    .option('hosts', { alias: 'l', type: 'string', describe: 'host pattern: all, names, groups, a,b, !x, &y, globs, @file' })
    .option('forks', { alias: 'f', type: 'number', default: 100, describe: 'hosts worked on in parallel' })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts, or $KREMEDY_KNOWN_HOSTS)' })
    .option('ssh-config', { alias: 'F', type: 'string', describe: 'ssh_config file for host names, users, ports, keys and jump hosts (default ~/.ssh/config; none: no file)' })
    .option('trust-new-hosts', { type: 'boolean', default: false, describe: 'record the key of a host not yet in known_hosts (a changed key is always refused)' })
    .option('connect-timeout', { type: 'number', default: 10, describe: 'seconds to establish an SSH session' })
    .option('timeout', { type: 'number', default: 120, describe: 'seconds a single command (probe round or step) may take' })
    .option('json', { type: 'boolean', default: false, describe: 'JSON Lines events on stdout; human output goes to stderr' });
}

/**
 * Only for the commands a CI matrix spreads over jobs (run, plan, apply, doctor): the other
 * commands are run by a person on hosts they name.
 */
function shardOption<T>(y: Argv<T>) {
  return y.option('shard', {
    type: 'string',
    describe: 'i/n: only shard i of n of the selected hosts, a stable split by host name (CI parallel jobs: --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL")',
  });
}

function changeOptions<T>(y: Argv<T>) {
  return y
    .option('serial', { type: 'string', describe: 'hosts per batch, N or N% (e.g. control-plane nodes one at a time: --serial 1)' })
    .option('max-fail', { type: 'string', describe: 'failed + unreachable hosts tolerated (N or N%) before no new batch starts' })
    .option('keep', { type: 'number', describe: 'backups kept per host; older ones are pruned after a run (default 20)' })
    .option('diff', { type: 'boolean', default: false, describe: 'also show the diff of each step that changed' });
}

/** An optional option yargs parsed is present as undefined; the commands' own types leave it out. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
type AsParsed<T> = Omit<T, OptionalKeys<T>> & { [K in OptionalKeys<T>]?: T[K] | undefined };
/** The options every connecting command shares, as yargs gives them: ConnectionArgs, not a copy of it. */
type ConnArgv = AsParsed<ConnectionArgs>;

/**
 * yargs turns a repeated option into an array (`--hosts a --hosts b`), which would reach code
 * expecting one string; a second value is a mistake, refused clearly. Called inside the command's
 * promise chain, so the throw becomes exit 1 before anything runs.
 */
function refuseRepeated(a: Record<string, unknown>): void {
  const names = ['hosts', 'shard', 'known-hosts', 'ssh-config', 'forks', 'connect-timeout', 'timeout', 'serial', 'max-fail', 'keep', 'junit', 'report'];
  const repeated = names.filter((n) => Array.isArray(a[n]));
  if (repeated.length > 0) {
    throw new InputError(`${repeated.map((n) => `--${n}`).join(', ')} given more than once; give each once (a host pattern takes a,b for several hosts)`);
  }
}

/** yargs' parsed options to the commands' argument objects (absent options stay absent). */
function connectionArgs(a: ConnArgv) {
  refuseRepeated(a as never);
  return {
    inventory: a.inventory,
    ...(a.hosts !== undefined ? { hosts: a.hosts } : {}),
    ...(a.shard !== undefined ? { shard: a.shard } : {}),
    forks: a.forks,
    json: a.json,
    ...(a.knownHosts !== undefined ? { knownHosts: a.knownHosts } : {}),
    ...(a.sshConfig !== undefined ? { sshConfig: a.sshConfig } : {}),
    trustNewHosts: a.trustNewHosts,
    connectTimeout: a.connectTimeout,
    timeout: a.timeout,
    ...(a.serial !== undefined ? { serial: a.serial } : {}),
    ...(a.maxFail !== undefined ? { maxFail: a.maxFail } : {}),
    ...(a.keep !== undefined ? { keep: a.keep } : {}),
    ...reportArgs(a),
  };
}

async function finish(code: Promise<number>): Promise<void> {
  let status: number;
  try {
    status = await code;
  } catch (err) {
    status = reportError(err);
  }
  // Flush before exiting: an SSH socket half-closed by a dead host must not keep us alive.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(status);
}

const extraVarsOption = { alias: 'e', type: 'string', array: true, default: [] as string[], describe: 'parameters: key=value words, a JSON object, or @file.yml' } as const;

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('kremedy')
    .usage('$0 <command> [options]\n\nTyped, idempotent remediation playbooks for Kubernetes nodes, run in parallel over SSH.')
    .command(
      'run <playbook>',
      'run a playbook on the selected hosts (plan first with --dry-run)',
      (y) =>
        shardOption(changeOptions(reportOptions(connectionOptions(y))))
          .positional('playbook', { type: 'string', demandOption: true, describe: 'playbook name (see `kremedy list`), or a file: ./my-playbook.ts, cleanup.yml' })
          .option('dry-run', { alias: 'check', type: 'boolean', default: false, describe: 'change nothing; show each step that would change, with its diff' })
          .option('extra-vars', extraVarsOption)
          .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'on a terminal, apply without asking (without a terminal it never asks)' })
          .example('$0 run reset-node --hosts master --dry-run', 'show what a reset of the master would change')
          .example('$0 run reset-node --hosts master', 'reset the master (on a terminal: shows the plan, asks first)')
          .example("$0 run reset-node --hosts 'kube_node:!node3' -e cni=kube-router", 'reset every worker but node3 as kube-router nodes')
          .example('$0 run reset-node --hosts kube_control_plane --serial 1 --max-fail 0', 'one control-plane node at a time, stop at the first failure')
          .example('$0 run reset-node --hosts @.kremedy/retry/reset-node.hosts', 'retry the hosts that failed last time')
          .example('$0 run reset-node --hosts kube_node --shard 2/4', 'the second of four CI jobs: its quarter of the workers (docs/pipelines-shard.md)'),
      (a) =>
        finish(
          import('./commands/run.js').then((m) =>
            m.runCommand({ ...connectionArgs(a), playbook: a.playbook!, dryRun: a.dryRun, extraVars: a.extraVars.map(String), diff: a.diff, yes: a.yes }),
          ),
        ),
    )
    .command(
      'plan <playbook>',
      'write the dry-run plan to a signed file for review (then: kremedy apply FILE)',
      (y) =>
        shardOption(reportOptions(connectionOptions(y)))
          .positional('playbook', { type: 'string', demandOption: true })
          .option('extra-vars', extraVarsOption)
          .option('out', { alias: 'o', type: 'string', default: 'plan.json', describe: 'where to write the plan' })
          .example('$0 plan reset-node --hosts kube_node --out plan.json', 'plan a reset of the workers for review'),
      (a) =>
        finish(import('./commands/plan.js').then((m) => m.planCommand({ ...connectionArgs(a), playbook: a.playbook!, extraVars: a.extraVars.map(String), out: a.out }))),
    )
    .command(
      'apply <plan-file>',
      'apply exactly the steps of a plan file; hosts whose state drifted since are refused',
      (y) =>
        shardOption(changeOptions(reportOptions(sessionOptions(y.option('inventory', { alias: 'i', type: 'string', describe: 'inventory (default: the one the plan was made with)' })))))
          .positional('plan-file', { type: 'string', demandOption: true })
          .option('max-age', { type: 'number', default: 3600, describe: 'refuse plans older than this many seconds' })
          .example('$0 apply plan.json', 'apply the reviewed plan'),
      (a) =>
        finish(
          import('./commands/apply.js').then((m) =>
            m.applyCommand({ ...connectionArgs(a), inventory: a.inventory, planFile: a.planFile!, maxAge: a.maxAge, diff: a.diff }),
          ),
        ),
    )
    .command(
      'undo <run-id>',
      'restore what a run destroyed (iptables rules, files, links) from the backups on the hosts',
      (y) =>
        reportOptions(connectionOptions(y))
          .positional('run-id', { type: 'string', demandOption: true })
          .option('dry-run', { alias: 'check', type: 'boolean', default: false, describe: 'show what would be restored' })
          .example('$0 undo 20261127T050520Z-hvgc --hosts master', 'put back what that run removed on master'),
      (a) => finish(import('./commands/undo.js').then((m) => m.undoCommand({ ...connectionArgs(a), runId: a.runId!, dryRun: a.dryRun }))),
    )
    .command(
      'runs',
      'list the runs whose backups are kept on each host (for undo)',
      (y) => connectionOptions(y).example('$0 runs --hosts master', 'the run ids undo can restore on master'),
      (a) => finish(import('./commands/runs.js').then((m) => m.runsCommand(connectionArgs(a)))),
    )
    .command(
      'list',
      'list playbooks, their descriptions and parameters',
      (y) =>
        y
          .option('json', { type: 'boolean', default: false })
          .example('$0 list', 'what each playbook does and its -e parameters')
          .example('$0 list --json', 'the same, for tools'),
      (a) => finish(import('./commands/list.js').then((m) => m.listCommand({ json: a.json }))),
    )
    .command(
      'inventory',
      'show the resolved hosts and their variables',
      (y) =>
        y
          .option('inventory', inventoryOption)
          .option('hosts', { alias: 'l', type: 'string' })
          .option('graph', { type: 'boolean', default: false, describe: 'show the group tree' })
          .option('json', { type: 'boolean', default: false })
          .example('$0 inventory --graph -i inventory/hosts.yml', 'the group tree, as ansible-inventory --graph'),
      (a) =>
        finish(
          import('./commands/inventory.js').then((m) => {
            refuseRepeated(a as never);
            return m.inventoryCommand({ inventory: a.inventory, ...(a.hosts !== undefined ? { hosts: a.hosts } : {}), graph: a.graph, json: a.json });
          }),
        ),
    )
    .command(
      'facts',
      'gather and show facts per host (OS, kernel, CNI, links, binaries)',
      (y) => connectionOptions(y).example('$0 facts --hosts kube_node --json', 'what kremedy sees on each worker, as JSON'),
      (a) => finish(import('./commands/facts.js').then((m) => m.factsCommand(connectionArgs(a)))),
    )
    .command(
      'doctor',
      'read-only diagnostics from the field notes (exit 3 = warning/critical findings, 4 = unreachable)',
      (y) =>
        shardOption(connectionOptions(y))
          .option('skip', { type: 'string', array: true, default: [] as string[], describe: 'check id(s) not to run, e.g. --skip THP-ALWAYS' })
          .example('$0 doctor --hosts kube_node', 'diagnose the workers (one read-only probe round per host)'),
      (a) =>
        finish(
          import('./commands/doctor.js').then((m) =>
            m.doctorCommand({ ...connectionArgs(a), skip: a.skip.flatMap((s) => String(s).split(',')).filter(Boolean) }),
          ),
        ),
    )
    .demandCommand(1, 'name a command: run, plan, apply, undo, runs, list, inventory, facts or doctor')
    .completion('completion', 'print a bash/zsh completion script (kremedy completion >> ~/.bashrc)')
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`kremedy: ${msg}\nRun \`kremedy --help\` for usage.\n`);
      process.exit(EXIT.badInput);
    })
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 100));
}

/** Parse argv (without node and the script) and run the command; exits through finish(). */
export function runCli(argv: string[]): Promise<unknown> {
  // `kremedy list | head` closed the pipe and node threw EPIPE with a stack trace. Output is then
  // dropped, not the run: a remediation half applied because a reader went away is worse than
  // lost lines, and the exit status still tells what happened.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
  const cli = buildCli(argv);
  // After starting a command yargs lays out the whole help text, in case the command fails later
  // and help is to be shown then. Ours never shows it (see .fail above), and on this machine the
  // layout took ~60 ms of every run's start-up, on the event loop, while the hosts wait.
  const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return cli.parseAsync();
}

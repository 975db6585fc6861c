#!/usr/bin/env node
// Thin CLI: parse, call one function, map its result or error to an exit status (cli/exit.ts).
// Command modules are imported inside handlers so `--help` and `list` stay fast.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportError } from './exit.js';

const DEFAULT_INVENTORY = 'inventory/hosts.yml';

function connectionOptions<T>(y: Argv<T>) {
  return y
    .option('inventory', { alias: 'i', type: 'string', default: DEFAULT_INVENTORY, describe: 'inventory file (Ansible YAML or INI)' })
    .option('hosts', { alias: 'l', type: 'string', describe: 'host pattern: all, names, groups, a,b, !x, &y, globs, @file' })
    .option('forks', { alias: 'f', type: 'number', default: 100, describe: 'hosts worked on in parallel' })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts, or $KREMEDY_KNOWN_HOSTS)' })
    .option('trust-new-hosts', { type: 'boolean', default: false, describe: 'record the key of a host not yet in known_hosts (a changed key is always refused)' })
    .option('connect-timeout', { type: 'number', default: 10, describe: 'seconds to establish an SSH session' })
    .option('timeout', { type: 'number', default: 120, describe: 'seconds a single command (probe round or step) may take' })
    .option('json', { type: 'boolean', default: false, describe: 'JSON Lines events on stdout; human output goes to stderr' });
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

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('kremedy')
    .usage('$0 <command> [options]\n\nTyped, idempotent remediation playbooks for Kubernetes nodes, run in parallel over SSH.')
    .command(
      'run <playbook>',
      'run a playbook on the selected hosts (plan first with --dry-run)',
      (y) =>
        connectionOptions(y)
          .positional('playbook', { type: 'string', demandOption: true, describe: 'playbook name (see `kremedy list`)' })
          .option('dry-run', { alias: 'check', type: 'boolean', default: false, describe: 'change nothing; show each step that would change, with its diff' })
          .option('extra-vars', { alias: 'e', type: 'string', array: true, default: [], describe: 'parameters: key=value words, a JSON object, or @file.yml' })
          .option('diff', { type: 'boolean', default: false, describe: 'also show the diff of each step that changed' })
          .example('$0 run reset-node --hosts master --dry-run', 'show what a reset of the master would change')
          .example('$0 run reset-node --hosts master', 'reset the master')
          .example("$0 run reset-node --hosts 'kube_node:!node3' -e cni=kube-router", 'reset every worker but node3 as kube-router nodes'),
      (a) =>
        finish(
          import('./commands/run.js').then((m) =>
            m.runCommand({
              playbook: a.playbook!,
              ...(a.hosts !== undefined ? { hosts: a.hosts } : {}),
              inventory: a.inventory,
              dryRun: a.dryRun,
              extraVars: a.extraVars.map(String),
              forks: a.forks,
              json: a.json,
              diff: a.diff,
              ...(a.knownHosts !== undefined ? { knownHosts: a.knownHosts } : {}),
              trustNewHosts: a.trustNewHosts,
              connectTimeout: a.connectTimeout,
              timeout: a.timeout,
            }),
          ),
        ),
    )
    .command(
      'list',
      'list playbooks, their descriptions and parameters',
      (y) => y.option('json', { type: 'boolean', default: false }),
      (a) => finish(import('./commands/list.js').then((m) => m.listCommand({ json: a.json }))),
    )
    .command(
      'inventory',
      'show the resolved hosts and their variables',
      (y) =>
        y
          .option('inventory', { alias: 'i', type: 'string', default: DEFAULT_INVENTORY })
          .option('hosts', { alias: 'l', type: 'string' })
          .option('graph', { type: 'boolean', default: false, describe: 'show the group tree' })
          .option('json', { type: 'boolean', default: false }),
      (a) =>
        finish(
          import('./commands/inventory.js').then((m) =>
            m.inventoryCommand({ inventory: a.inventory, ...(a.hosts !== undefined ? { hosts: a.hosts } : {}), graph: a.graph, json: a.json }),
          ),
        ),
    )
    .command(
      'facts',
      'gather and show facts per host (OS, kernel, CNI, links, binaries)',
      (y) => connectionOptions(y),
      (a) =>
        finish(
          import('./commands/facts.js').then((m) =>
            m.factsCommand({
              inventory: a.inventory,
              ...(a.hosts !== undefined ? { hosts: a.hosts } : {}),
              json: a.json,
              forks: a.forks,
              ...(a.knownHosts !== undefined ? { knownHosts: a.knownHosts } : {}),
              trustNewHosts: a.trustNewHosts,
              connectTimeout: a.connectTimeout,
              timeout: a.timeout,
            }),
          ),
        ),
    )
    .demandCommand(1, 'name a command: run, list, inventory or facts')
    .strict()
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`${y.help() && ''}kremedy: ${msg}\nRun \`kremedy --help\` for usage.\n`);
      process.exit(1);
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100));
}

await buildCli(hideBin(process.argv)).parseAsync();

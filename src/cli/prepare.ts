import { loadPlaybook } from '../catalog.js';
import type { Playbook, ParamValues, Task } from '../dsl/types.js';
import { InputError } from '../errors.js';
import { resolveCount } from '../exec/batches.js';
import type { ConnectionSettings, Interrupt } from '../exec/run.js';
import { mergeExtraVars } from '../params/extra-vars.js';
import { resolveParams } from '../params/validate.js';
import { fanOut, type Reporter } from '../report/reporter.js';
import { jsonReporter } from '../report/json.js';
import { plainReporter } from '../report/plain.js';
import type { HostAddresses } from '../report/group.js';
import type { ReviewOptions } from '../report/review.js';
import { fileReporters, type ReportFileArgs } from '../report/files.js';
import { hostAccess, type ProbeCommandArgs } from './connect.js';
import { EXIT } from './exit.js';

/** What the commands that run playbooks or undo are given (run, plan, apply, undo). */
export interface ConnectionArgs extends ProbeCommandArgs, ReportFileArgs {
  serial?: string;
  maxFail?: string;
  keep?: number;
  /** Every host's plan in full (today's view) instead of the grouped review. */
  perHost?: boolean;
}

/** Everything that can be wrong with the input is found here, before any connection. */
export async function preparePlaybook(name: string, extraVars: readonly string[]): Promise<{ playbook: Playbook<any>; params: ParamValues; tasks: Task[] }> {
  const playbook = await loadPlaybook(name);
  const resolved = resolveParams(playbook.name, playbook.params, mergeExtraVars(extraVars));
  const params = playbook.prepare ? await playbook.prepare(resolved) : resolved;
  return { playbook, params, tasks: playbook.tasks(params) };
}

export async function connectionSettings(args: ConnectionArgs, hostCount: number, interrupt: ConnectionSettings['interrupt']): Promise<ConnectionSettings> {
  if (!Number.isInteger(args.forks) || args.forks < 1) throw new InputError(`--forks must be a positive integer, got ${args.forks}`);
  if (!(args.connectTimeout > 0) || !(args.timeout > 0)) throw new InputError('--connect-timeout and --timeout must be positive numbers of seconds');
  if (args.keep !== undefined && (!Number.isInteger(args.keep) || args.keep < 1)) throw new InputError(`--keep must be a positive integer, got ${args.keep}`);
  return {
    forks: args.forks,
    ...(await hostAccess(args)),
    commandTimeoutMs: args.timeout * 1000,
    ...(args.serial !== undefined ? { batchSize: resolveCount('--serial', args.serial, hostCount, { allowZero: false }) } : {}),
    ...(args.maxFail !== undefined ? { maxFail: resolveCount('--max-fail', args.maxFail, hostCount, { allowZero: true }) } : {}),
    ...(args.keep !== undefined ? { keepBackups: args.keep } : {}),
    ...(interrupt ? { interrupt } : {}),
  };
}

export async function humanReporter(stream: NodeJS.WriteStream, view: Omit<ReviewOptions, 'style'>): Promise<Reporter> {
  const opts = { ...view, style: { color: Boolean(stream.isTTY) && !process.env['NO_COLOR'] } };
  if (stream.isTTY && !process.env['CI']) {
    const { listrReporter } = await import('../report/listr.js');
    return listrReporter(stream, opts);
  }
  return plainReporter(stream, opts);
}

/** The inventory address of each host: one of the host's own values that the review normalises. */
export function addressesOf(hosts: ReadonlyArray<{ name: string; address: string }>): HostAddresses {
  return new Map(hosts.map((h) => [h.name, [h.address]]));
}

/**
 * Human output on stdout (stderr when stdout carries JSON Lines), plus --junit/--report files.
 * `hosts`: the selected hosts, so the grouped review knows each one's address.
 */
export async function reporterFor(
  args: { json: boolean; diff?: boolean; perHost?: boolean } & ReportFileArgs,
  hosts: ReadonlyArray<{ name: string; address: string }> = [],
): Promise<Reporter> {
  const addresses = addressesOf(hosts);
  const human = await humanReporter(args.json ? process.stderr : process.stdout, { diff: args.diff ?? false, perHost: args.perHost ?? false, addresses });
  const files = await fileReporters(args, addresses);
  return fanOut([...(args.json ? [jsonReporter(process.stdout)] : []), human, ...files]);
}

/**
 * SIGINT/SIGTERM: no new host or step starts; the running step finishes; exit EXIT.sigint/EXIT.sigterm (130/143).
 * A second signal is the escape hatch for a step that hangs: exit at once, naming the hosts
 * left mid-step (their step carries on or dies with the connection; files are only ever
 * replaced by an atomic rename, so none is left half-written).
 */
export async function withInterrupts<T>(fn: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const interrupt: Interrupt = { active: new Set() };
  const handler = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (interrupt.signal) {
      const left = [...(interrupt.active ?? [])].sort();
      process.stderr.write(
        `\nkremedy: second ${signal}: exiting now; ${left.length ? `left mid-way (connecting, probing or in a step) on: ${left.join(', ')} (check them with \`kremedy runs\` and re-run)` : 'no host was mid-way'}\n`,
      );
      process.exit(interrupt.signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    interrupt.signal = signal;
    process.stderr.write(`\nkremedy: ${signal} received: finishing running steps, starting no new ones (send it again to exit at once)\n`);
  };
  const sigint = handler('SIGINT');
  const sigterm = handler('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  try {
    return await fn(interrupt);
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
}

import { InputError } from '../../errors.js';
import { runOnHosts } from '../../exec/run.js';
import { undoHost } from '../../undo/undo-host.js';
import { exitCodeForRecap } from '../exit.js';
import { resolveHosts } from '../common.js';
import { connectionSettings, reporterFor, withInterrupts, type ConnectionArgs } from '../prepare.js';

const RUN_ID = /^[0-9]{8}T[0-9]{6}Z-[a-z0-9]{1,8}$/;

export async function undoCommand(args: ConnectionArgs & { runId: string; dryRun: boolean }): Promise<number> {
  if (!RUN_ID.test(args.runId)) throw new InputError(`"${args.runId}" is not a run id (like 20261127T050520Z-hvgc); \`kremedy runs\` lists them`);
  if (args.hosts === undefined && !args.dryRun) throw new InputError('pass --hosts PATTERN (the hosts the run touched), or --dry-run');
  const { hosts } = await resolveHosts(args);
  return withInterrupts(async (interrupt) => {
    const settings = await connectionSettings(args, hosts.length, interrupt);
    const reporter = await reporterFor({ ...args, diff: false }, hosts);
    const summary = await runOnHosts(
      { runId: args.runId, playbookName: `undo ${args.runId}`, dryRun: args.dryRun, params: {}, hosts },
      settings,
      (conn, host, opts, emit) => undoHost(conn, host, args.runId, opts, emit),
      (ev) => reporter.emit(ev),
    );
    await reporter.close();
    return exitCodeForRecap(summary.recap, summary.interrupted);
  });
}

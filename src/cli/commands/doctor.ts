import { InputError } from '../../errors.js';
import { diagnose, enabledChecks, summarize } from '../../doctor/diagnose.js';
import { probeForDoctor } from '../../doctor/probe-host.js';
import { checkIds } from '../../doctor/registry.js';
import { humanReport, jsonLines, type Unreachable } from '../../doctor/report.js';
import { probeSelected, type ProbeCommandArgs } from '../connect.js';
import { EXIT } from '../exit.js';

/**
 * Read-only diagnostics: one probe exec per host, then every check on the collected output.
 * Exit: 4 when a host could not be checked (the picture is incomplete, whatever else was found),
 * else 3 when a warning or critical finding came up, else 0. Info findings never change the status.
 */
export async function doctorCommand(args: ProbeCommandArgs & { skip: string[] }): Promise<number> {
  const known = checkIds();
  const unknown = args.skip.filter((id) => !known.includes(id));
  if (unknown.length) throw new InputError(`--skip: unknown check ${unknown.join(', ')} (checks: ${known.join(', ')})`);
  const checks = enabledChecks(args.skip);
  const results = await probeSelected(args, (conn) => probeForDoctor(conn, checks.host, args.timeout * 1000));
  const names = results.map((r) => r.host.name);
  const probed = results.flatMap((r) => ('value' in r ? [r.value] : []));
  const findings = diagnose(
    probed.map((p) => p.probe),
    probed.map((p) => p.clock),
    checks,
  );
  const down: Unreachable[] = results.flatMap((r) => ('error' in r ? [{ host: r.host.name, error: r.error }] : []));
  const summary = summarize(findings, results.length, down.length);
  if (args.json) process.stdout.write(jsonLines(findings, down, summary).join('\n') + '\n');
  else process.stdout.write(humanReport(names, findings, down, summary, Boolean(process.stdout.isTTY) && !process.env['NO_COLOR']));
  if (down.length) return EXIT.unreachable;
  return summary.critical + summary.warning > 0 ? EXIT.findings : EXIT.ok;
}

import { forEachLimited } from '../../exec/pool.js';
import { InputError } from '../../errors.js';
import { diagnose, enabledChecks, summarize } from '../../doctor/diagnose.js';
import { probeForDoctor } from '../../doctor/probe-host.js';
import { checkIds } from '../../doctor/registry.js';
import { humanReport, jsonLines, type Unreachable } from '../../doctor/report.js';
import type { ClockSample, HostProbe } from '../../doctor/types.js';
import { prepareConnections, type ProbeCommandArgs } from '../connect.js';
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
  const { hosts, connect } = await prepareConnections(args);
  const probes = new Map<string, HostProbe>();
  const clocks = new Map<string, ClockSample>();
  const unreachable = new Map<string, string>();
  await forEachLimited(hosts, args.forks, async (host) => {
    try {
      const conn = await connect(host);
      try {
        const r = await probeForDoctor(conn, checks.host, args.timeout * 1000);
        probes.set(host.name, r.probe);
        clocks.set(host.name, r.clock);
      } finally {
        conn.close();
      }
    } catch (err) {
      unreachable.set(host.name, (err as Error).message);
    }
  });
  const names = hosts.map((h) => h.name);
  const findings = diagnose(
    names.flatMap((n) => (probes.has(n) ? [probes.get(n)!] : [])),
    names.flatMap((n) => (clocks.has(n) ? [clocks.get(n)!] : [])),
    checks,
  );
  const down: Unreachable[] = names.filter((n) => unreachable.has(n)).map((host) => ({ host, error: unreachable.get(host)! }));
  const summary = summarize(findings, hosts.length, down.length);
  if (args.json) process.stdout.write(jsonLines(findings, down, summary).join('\n') + '\n');
  else process.stdout.write(humanReport(names, findings, down, summary, Boolean(process.stdout.isTTY) && !process.env['NO_COLOR']));
  if (down.length) return EXIT.unreachable;
  return summary.critical + summary.warning > 0 ? EXIT.findings : EXIT.ok;
}

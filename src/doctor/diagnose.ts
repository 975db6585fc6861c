// Pure: probe output of every host in, findings out. No I/O, so the whole doctor minus SSH is
// testable from recorded output.
import { FLEET_CHECKS, HOST_CHECKS } from './registry.js';
import { CheckUnreadable, SEVERITIES, type ClockSample, type Finding, type FleetCheck, type HostCheck, type HostProbe, type Severity } from './types.js';

export function enabledChecks(skip: readonly string[]): { host: HostCheck[]; fleet: FleetCheck[] } {
  const off = new Set(skip);
  return { host: HOST_CHECKS.filter((c) => !off.has(c.id)), fleet: FLEET_CHECKS.filter((c) => !off.has(c.id)) };
}

export function diagnoseHost(probe: HostProbe, checks: readonly HostCheck[]): Finding[] {
  return checks.flatMap((check) => {
    try {
      return check.run(probe).map((f) => ({ host: probe.host, id: check.id, ...f }));
    } catch (err) {
      // A check that cannot read its data says so instead of passing silently.
      if (!(err instanceof CheckUnreadable)) throw err;
      return [
        {
          host: probe.host,
          id: check.id,
          severity: 'info' as const,
          title: `not checked (${check.describe}): ${err.message}`,
          evidence: [err.message],
          fix: 'none: manual (run the doctor as root, or with ansible_become)',
        },
      ];
    }
  });
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Findings of all hosts, per host in the order given, most severe first within a host. */
export function diagnose(probes: readonly HostProbe[], clocks: readonly ClockSample[], checks = enabledChecks([])): Finding[] {
  const fleet = checks.fleet.flatMap((c) => c.run(clocks));
  return probes.flatMap((p) =>
    [...diagnoseHost(p, checks.host), ...fleet.filter((f) => f.host === p.host)].sort((a, b) => rank(a.severity) - rank(b.severity)),
  );
}

export interface Summary {
  hosts: number;
  unreachable: number;
  critical: number;
  warning: number;
  info: number;
}

export function summarize(findings: readonly Finding[], hosts: number, unreachable: number): Summary {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return { hosts, unreachable, critical: count('critical'), warning: count('warning'), info: count('info') };
}

// One probe round per host: facts and every enabled check's probes in a single exec, with the
// host clock read first and last so clock skew can be measured (see clock-skew.ts).
import { buildProbeScript, newNonce, parseProbeOutput } from '../exec/probe-script.js';
import type { ProbeRequest } from '../facts/probe.js';
import { FACT_PROBES, factsFrom } from '../facts/gather.js';
import { CommandAbortedError, type HostConnection } from '../ssh/connection.js';
import type { ClockSample, HostCheck, HostProbe } from './types.js';

// The host clock is read only here: a `date` process in every run's probe round was for nothing.
const CLOCK_START: ProbeRequest = { id: 'doctor:clock-start', script: 'date +%s.%N' };
const CLOCK_END: ProbeRequest = { id: 'doctor:clock-end', script: 'date +%s.%N' };

/** The probes to send: clock first and last, the checks' and the facts in between, deduplicated. */
export function doctorProbes(checks: readonly HostCheck[]): ProbeRequest[] {
  const seen = new Map<string, ProbeRequest>();
  for (const p of [CLOCK_START, ...checks.flatMap((c) => c.probes), ...FACT_PROBES, CLOCK_END]) if (!seen.has(p.id)) seen.set(p.id, p);
  return [...seen.values()];
}

export async function probeForDoctor(
  conn: HostConnection,
  checks: readonly HostCheck[],
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<{ probe: HostProbe; clock: ClockSample }> {
  const probes = doctorProbes(checks);
  const nonce = newNonce();
  const script = buildProbeScript(probes, nonce);
  const localBefore = now() / 1000;
  const res = await conn.exec(script, { timeoutMs });
  const localAfter = now() / 1000;
  const results = parseProbeOutput(res.stdout, nonce, probes);
  if (results.size < probes.length) {
    const why = res.stderr.trim() || `exit ${res.code}`;
    throw new CommandAbortedError(`probing stopped early on ${conn.host.name}: ${why.split('\n').slice(-3).join(' ')}`);
  }
  const facts = factsFrom(results);
  const clockAt = (probe: ProbeRequest) => Number.parseFloat(results.get(probe.id)?.stdout.trim() ?? '');
  return {
    probe: { host: conn.host.name, facts, results },
    clock: { host: conn.host.name, localBefore, localAfter, hostStart: clockAt(CLOCK_START), hostEnd: clockAt(CLOCK_END) },
  };
}

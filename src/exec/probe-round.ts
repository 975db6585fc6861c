// The probe round on a host's shell: one exec per host whatever the run does. The round's output
// ends with a marker of its own, and the shell stays open for the steps that may follow.
import type { Task } from '../dsl/types.js';
import { factsFrom } from '../facts/gather.js';
import type { ProbeRequest, ProbeResult } from '../facts/probe.js';
import type { Facts } from '../facts/types.js';
import { probesFor } from '../plan/planner.js';
import { CommandAbortedError, type HostConnection, type ShellSession } from '../ssh/connection.js';
import { buildProbeScript, newNonce, parseProbeOutput } from './probe-script.js';

export async function probeHost(
  conn: HostConnection,
  tasks: readonly Task[],
  timeoutMs: number,
): Promise<{ facts: Facts; results: Map<string, ProbeResult> }> {
  const probed = await openAndProbe(conn, probesFor(tasks), timeoutMs);
  await finishShell(probed.session);
  return { facts: probed.facts, results: probed.results };
}

export type Probed = { session: ShellSession; facts: Facts; results: Map<string, ProbeResult> };

/**
 * Starts the host's shell and runs the probe round in it; the shell stays open for the steps
 * (one exec per host, whatever the run does). The end of the round is a marker of its own.
 */
export async function openAndProbe(conn: HostConnection, probes: ProbeRequest[], timeoutMs: number): Promise<Probed> {
  const nonce = newNonce();
  const doneMarker = `@@KR:${nonce}:PROBED`;
  const session = await conn.shell();
  let out = '';
  const seen = new Promise<void>((resolve) =>
    session.phase({
      timeoutMs,
      onStdout: (chunk) => {
        out += chunk;
        if (out.slice(-(chunk.length + doneMarker.length + 1)).includes(doneMarker)) resolve();
      },
    }),
  );
  session.send(`${buildProbeScript(probes, nonce)}printf '%s\\n' '${doneMarker}'`);
  const ended = await Promise.race([seen, session.ended]);
  if (ended instanceof Error) throw ended;
  const results = parseProbeOutput(out, nonce, probes);
  if (results.size < probes.length) {
    session.end();
    const why = session.stderr.trim() || (ended ? `exit ${ended.code}` : 'no output');
    throw new CommandAbortedError(`probing stopped early on ${conn.host.name}: ${why.split('\n').slice(-3).join(' ')}`);
  }
  return { session, facts: factsFrom(results), results };
}

/** Nothing more to send: close the shell's stdin and let it exit. */
export async function finishShell(session: ShellSession): Promise<void> {
  session.end();
  const r = await session.ended;
  if (r instanceof Error) throw r;
}

/** A probe round of its own exec (the fallback verification, when not every step ran). */
export async function runProbes(conn: HostConnection, probes: ProbeRequest[], timeoutMs: number): Promise<Map<string, ProbeResult>> {
  const probed = await openAndProbe(conn, probes, timeoutMs);
  await finishShell(probed.session);
  return probed.results;
}


import type { HostConnection, ShellSession } from '../ssh/connection.js';
import { membersOf } from './fuse.js';
import { buildProbeScript, buildStepScript, newNonce, parseProbeOutput, StepStreamParser, type StepRequest } from './probe-script.js';
import type { ProbeRequest, ProbeResult } from '../facts/probe.js';

export type StepOutcome = { rc: number; output: string } | 'stopped';

export interface StepsResult {
  outcomes: Map<number, StepOutcome>;
  /** Results of the verify probes, when every step ran (empty otherwise). */
  verified: Map<string, ProbeResult>;
  /** Set when the exec itself broke (connection lost, timeout): later steps have no outcome. */
  execError?: Error;
  partialOutput: string;
}

/**
 * Runs steps in one exec, answering each step's go-ahead request unless a stop was asked for.
 * Outcomes are per task: a fused step's outcome (and its start) counts for each of its tasks.
 */
export async function executeSteps(
  conn: HostConnection,
  steps: readonly StepRequest[],
  opts: {
    timeoutMs: number;
    stopRequested: () => boolean;
    epilogue?: string;
    verify?: ProbeRequest[];
    /** A step got its go-ahead: its index and the tasks it carries out. */
    onStart?: (index: number, members: number[]) => void;
    /** The host's shell, still open after the probes: the steps go to it instead of a new exec. */
    session?: ShellSession;
  },
): Promise<StepsResult> {
  const nonce = newNonce();
  const parser = new StepStreamParser(nonce);
  const outcomes = new Map<number, StepOutcome>();
  let execError: Error | undefined;
  const verifyNonce = newNonce();
  const verifyScript = opts.verify?.length ? buildProbeScript(opts.verify, verifyNonce) : undefined;
  const members = new Map(steps.map((s) => [s.index, membersOf(s)]));
  const each = (index: number) => members.get(index) ?? [index];
  let stdout = '';
  // The shell that ran the probes when there is one (one shell per host), else a new one.
  const session = opts.session ?? (await conn.shell().catch((err: Error) => err));
  if (session instanceof Error) execError = session;
  else {
    session.phase({
      timeoutMs: opts.timeoutMs,
      onStdout: (chunk, channel) => {
        stdout += chunk;
        for (const ev of parser.feed(chunk)) {
          if (ev.type === 'ready') {
            const go = !opts.stopRequested();
            if (go) opts.onStart?.(ev.index, each(ev.index));
            channel.write(go ? 'go\n' : 'stop\n');
          } else if (ev.type === 'end') for (const i of each(ev.index)) outcomes.set(i, { rc: ev.rc, output: ev.output });
          else if (ev.type === 'stopped') for (const i of each(ev.index)) outcomes.set(i, 'stopped');
          else if (ev.type === 'done') channel.end();
        }
      },
    });
    session.send(buildStepScript(steps, nonce, opts.epilogue, verifyScript));
    const r = await session.ended;
    if (r instanceof Error) execError = r;
  }
  const verified = opts.verify?.length && !execError ? parseProbeOutput(stdout, verifyNonce, opts.verify) : new Map<string, ProbeResult>();
  return { outcomes, verified, ...(execError ? { execError } : {}), partialOutput: parser.partialOutput };
}

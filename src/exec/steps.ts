import type { HostConnection } from '../ssh/connection.js';
import { buildStepScript, newNonce, StepStreamParser, type StepRequest } from './probe-script.js';

export type StepOutcome = { rc: number; output: string } | 'stopped';

export interface StepsResult {
  outcomes: Map<number, StepOutcome>;
  /** Set when the exec itself broke (connection lost, timeout): later steps have no outcome. */
  execError?: Error;
  partialOutput: string;
}

/** Runs steps in one exec, answering each step's go-ahead request unless a stop was asked for. */
export async function executeSteps(
  conn: HostConnection,
  steps: readonly StepRequest[],
  opts: { timeoutMs: number; stopRequested: () => boolean; epilogue?: string; onStart?: (index: number) => void },
): Promise<StepsResult> {
  const nonce = newNonce();
  const parser = new StepStreamParser(nonce);
  const outcomes = new Map<number, StepOutcome>();
  let execError: Error | undefined;
  try {
    await conn.exec(buildStepScript(steps, nonce, opts.epilogue), {
      timeoutMs: opts.timeoutMs,
      keepStdinOpen: true,
      onStdout: (chunk, channel) => {
        for (const ev of parser.feed(chunk)) {
          if (ev.type === 'ready') {
            const go = !opts.stopRequested();
            if (go) opts.onStart?.(ev.index);
            channel.write(go ? 'go\n' : 'stop\n');
          } else if (ev.type === 'end') outcomes.set(ev.index, { rc: ev.rc, output: ev.output });
          else if (ev.type === 'stopped') outcomes.set(ev.index, 'stopped');
          else if (ev.type === 'done') channel.end();
        }
      },
    });
  } catch (err) {
    execError = err as Error;
  }
  return { outcomes, ...(execError ? { execError } : {}), partialOutput: parser.partialOutput };
}

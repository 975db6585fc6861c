// The run's event vocabulary: what the executor emits and every reporter (report/) shows.
// It lives with the executor, below the reporters, so exec never imports report/.
import type { TaskStatus } from '../plan/status.js';

// The task statuses are defined with the rest of the status vocabulary (plan/status.ts).
export type { TaskStatus };

/** How a host's run ended: the one vocabulary from the runner to the reports and the exit status. */
export type HostResult = 'ok' | 'failed' | 'unreachable' | 'not-started';

export interface HostRecap {
  ok: number;
  changed: number;
  pending: number;
  failed: number;
  skipped: number;
  unreachable: boolean;
}

/** Everything a reporter can show. `task` events are final: one per task per reached host. */
export type RunEvent =
  | { type: 'start'; runId: string; playbook: string; dryRun: boolean; hosts: string[]; params: Record<string, unknown> }
  | { type: 'phase'; host: string; phase: 'connecting' | 'probing' | 'applying' | 'verifying'; detail?: string }
  /** A step starts; `with`: the other tasks it carries out at the same time (fused steps). */
  | { type: 'progress'; host: string; task: string; index: number; with?: number[] }
  | {
      type: 'task';
      host: string;
      task: string;
      index: number;
      status: TaskStatus;
      message?: string;
      summary?: string;
      diff?: string;
    }
  | { type: 'drift'; host: string; drift: Array<{ what: string; planned: string; now: string }> }
  | { type: 'host'; host: string; result: HostResult; message?: string; durationMs: number }
  | { type: 'recap'; runId: string; hosts: Record<string, HostRecap>; durationMs: number; interrupted?: 'SIGINT' | 'SIGTERM' };

export type EmitFn = (event: RunEvent) => void;

export function emptyRecap(): HostRecap {
  return { ok: 0, changed: 0, pending: 0, failed: 0, skipped: 0, unreachable: false };
}

import type { Facts } from '../facts/types.js';
import { ProbeError, probeResult, type ProbeRequest, type ProbeResult } from '../facts/probe.js';
import type { FuseHint } from './fuse-hint.js';
import type { ParamValues, SpecOf, Task, TaskKind } from '../dsl/types.js';

export interface DecideContext {
  facts: Facts;
  params: ParamValues;
  fleet?: ReadonlyMap<string, Facts>;
  task: Task;
  /** Directory on the host where this run keeps what it destroys. */
  backupDir: string;
  /** Zero-padded task position, so backups sort in the order they were taken. */
  stepId: string;
}

/**
 * What a task would do on a host. `ok` and `fail` say why in `message`; a change carries the
 * diff a person reviews, the backup commands run first, and the commands that act.
 */
export type Decision =
  | { status: 'ok'; message: string }
  | {
      status: 'pending';
      summary: string;
      diff: string;
      backup: string[];
      commands: string[];
      /** How this change may share a step with its neighbours (ops/fuse-hint.ts); none: a step of its own. */
      fuse?: FuseHint;
    }
  | { status: 'failed'; message: string };

// Where a probe's output cannot be read (facts/probe.ts; re-exported for the operations).
export { ProbeError, probeResult };

export interface Operation<K extends TaskKind, S> {
  /** Shell snippets that reveal the current state; identical ids are probed once per host. */
  probes(spec: SpecOf<K>): ProbeRequest[];
  /** Parse probe output into a JSON-serialisable state (plan files store it for drift checks). */
  state(spec: SpecOf<K>, results: ReadonlyMap<string, ProbeResult>): S;
  /** Pure: from state to decision. Running it on the state after acting must yield `ok`. */
  decide(spec: SpecOf<K>, state: S, ctx: DecideContext): Decision;
}


import type { Condition, GateCheck, ParamValues, TaskContext, TaskOf } from '../task.js';
import { form } from './form.js';

export type GateSpec = { kind: 'gate'; id: string } | { kind: 'note'; id: string };

type Gate = Extract<GateSpec, { kind: 'gate' }>;
type Note = Extract<GateSpec, { kind: 'note' }>;

/** A task that fails the host, before anything changes there, when `check` refuses it. */
export function gate<P extends ParamValues>(title: string, id: string, check: GateCheck<P>, opts: { when?: Condition<P> } = {}): TaskOf<Gate, P> {
  return { title, spec: { kind: 'gate', id }, gate: check, ...opts };
}

/** A task that only reports something the operator should know (always ok). */
export function note<P extends ParamValues>(title: string, id: string, message: (ctx: TaskContext<P>) => string, opts: { when?: Condition<P> } = {}): TaskOf<Note, P> {
  return { title, spec: { kind: 'note', id }, note: message, ...opts };
}

// A gate's check is code, so it has no YAML form; a note's message is text.
export const GATE_FORMS = {
  note: form({
    description: 'Only report a message to the operator (always ok).',
    builder: 'note',
    properties: { id: { type: 'string', pattern: '^[a-z0-9-]+$' }, message: { type: 'string' } },
    required: ['id', 'message'],
    build: (a: { id: string; message: string }, o) => note(a.message.split('\n')[0]!.slice(0, 60), a.id, () => a.message, o),
  }),
};

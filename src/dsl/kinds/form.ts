import type { Condition, ParamValues, TaskOf } from '../task.js';

// A kind's YAML form: its JSON Schema (what `npm run schema` writes to
// schema/playbook.schema.json and YAML playbooks are validated against) and the builder call
// that turns it into a task. It sits in the kind's module, beside that builder: the builder
// re-validates (chain names per table, paths), so a YAML playbook is held to exactly the rules of
// a TypeScript one, and the form's description is the kind's one description (the schema shows
// it, docs/authoring.md's table names `builder`, a test keeps the table true).

export type JsonSchema = { [key: string]: unknown };

export interface Form<A, S> {
  description: string;
  /** The TypeScript builder this form stands for, as docs/authoring.md names it. */
  builder: string;
  properties: Record<keyof A & string, JsonSchema>;
  required: Array<keyof A & string>;
  build(args: A, opts: { when?: Condition<ParamValues> }): TaskOf<S>;
}

export const form = <A, S>(f: Form<A, S>): Form<A, S> => f;

export const absPathSchema: JsonSchema = { type: 'string', pattern: '^/.+', description: 'absolute, normalised path' };

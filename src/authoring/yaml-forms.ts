import { when } from '../dsl/builders.js';
import { TASK_FORMS } from '../dsl/kinds/index.js';
import type { JsonSchema } from '../dsl/kinds/form.js';
import type { Condition, ParamValues } from '../dsl/types.js';

// The YAML task forms live with their kinds (src/dsl/kinds/: each form beside the builder it
// calls, with the kind's one description); this module names them for the YAML reader and the
// schema, and holds what is YAML's own: `when:`.

export { TASK_FORMS };
export type { JsonSchema };

export type FormName = keyof typeof TASK_FORMS;
export const FORM_NAMES = Object.keys(TASK_FORMS) as FormName[];

/** `when:` in YAML: every key given must hold (AND). Facts are what the host probe found. */
export interface YamlWhen {
  cni?: string | string[];
  os_family?: string | string[];
  params?: Record<string, string | number | boolean>;
}

export const WHEN_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'run the task only when every condition holds',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    cni: { description: 'CNI detected on the host', oneOf: [{ enum: ['flannel', 'kube-router', 'none'] }, { type: 'array', items: { enum: ['flannel', 'kube-router', 'none'] }, minItems: 1 }] },
    os_family: { description: 'OS family of the host', oneOf: [{ enum: ['debian', 'rhel', 'other'] }, { type: 'array', items: { enum: ['debian', 'rhel', 'other'] }, minItems: 1 }] },
    params: { type: 'object', description: 'parameters equal to these values', additionalProperties: { type: ['string', 'number', 'boolean'] }, minProperties: 1 },
  },
};

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

export function whenFromYaml(w: YamlWhen): Condition<ParamValues> {
  const parts: string[] = [];
  const tests: Array<(ctx: Parameters<Condition['test']>[0]) => boolean> = [];
  if (w.cni !== undefined) {
    const want = list(w.cni);
    parts.push(`the CNI is ${want.join(' or ')}`);
    tests.push((ctx) => want.includes(ctx.facts.cni.detected));
  }
  if (w.os_family !== undefined) {
    const want = list(w.os_family);
    parts.push(`the OS family is ${want.join(' or ')}`);
    tests.push((ctx) => want.includes(ctx.facts.os.family));
  }
  for (const [k, v] of Object.entries(w.params ?? {})) {
    parts.push(`${k} is ${String(v)}`);
    tests.push((ctx) => String(ctx.params[k]) === String(v));
  }
  return when(parts.join(' and '), (ctx) => tests.every((t) => t(ctx)));
}

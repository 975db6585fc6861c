import { files, iptables, link, note, when } from '../dsl/builders.js';
import type { Condition, IptablesTable, ParamValues, Task } from '../dsl/types.js';
import { IPTABLES_TABLES } from '../dsl/types.js';

// The YAML task forms, described once: each form's JSON Schema (what `npm run schema` writes to
// schema/playbook.schema.json and what YAML playbooks are validated against) sits next to the
// builder call that turns it into a Task. Builders re-validate (chain names per table, paths),
// so a YAML playbook is held to exactly the rules of a TypeScript one.

export type JsonSchema = { [key: string]: unknown };

interface Form<A> {
  description: string;
  properties: Record<keyof A & string, JsonSchema>;
  required: Array<keyof A & string>;
  build(args: A, opts: { when?: Condition<ParamValues> }): Task<ParamValues>;
}

const form = <A>(f: Form<A>): Form<A> => f;

const table: JsonSchema = { enum: [...IPTABLES_TABLES], description: 'iptables table' };
const absPath: JsonSchema = { type: 'string', pattern: '^/.+', description: 'absolute, normalised path' };

export const TASK_FORMS = {
  iptables_flush: form<{ table: IptablesTable }>({
    description: 'Flush every rule of an iptables table and delete its user chains (iptables -F; -X). Rules are saved to the backup first.',
    properties: { table },
    required: ['table'],
    build: (a, o) => iptables.flush(a.table, o),
  }),
  iptables_policy: form<{ table: IptablesTable; chains: string[] | 'all'; policy: 'ACCEPT' | 'DROP' }>({
    description: 'Set the policy of built-in chains of a table. Put ACCEPT policies before flushes: flushing under a DROP policy cuts the SSH session.',
    properties: {
      table,
      chains: { description: 'built-in chains of the table, or "all"', oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
      policy: { enum: ['ACCEPT', 'DROP'] },
    },
    required: ['table', 'chains', 'policy'],
    build: (a, o) => iptables.policy(a.table, a.chains, a.policy, o),
  }),
  link_absent: form<{ name: string }>({
    description: 'Make sure a network link does not exist (set down, then deleted; its details are saved to the backup).',
    properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,15}$', description: 'interface name' } },
    required: ['name'],
    build: (a, o) => link.absent(a.name, o),
  }),
  path_absent: form<{ path: string }>({
    description: 'Make sure a file or directory does not exist; it is moved into the run backup, not deleted.',
    properties: { path: absPath },
    required: ['path'],
    build: (a, o) => files.absent(a.path, o),
  }),
  files_absent: form<{ dir: string; glob: string; keep?: string[] }>({
    description: 'Make sure nothing in dir matches glob, except names in keep; matches are moved into the run backup.',
    properties: {
      dir: absPath,
      glob: { type: 'string', pattern: '^[A-Za-z0-9_.*?-]{1,128}$', description: 'letters, digits, _ . - * ? only' },
      keep: { type: 'array', items: { type: 'string' }, description: 'names in dir to leave alone' },
    },
    required: ['dir', 'glob'],
    build: (a, o) => files.matchingAbsent(a.dir, a.glob, { ...o, ...(a.keep ? { keep: a.keep } : {}) }),
  }),
  note: form<{ id: string; message: string }>({
    description: 'Only report a message to the operator (always ok).',
    properties: { id: { type: 'string', pattern: '^[a-z0-9-]+$' }, message: { type: 'string' } },
    required: ['id', 'message'],
    build: (a, o) => note(a.message.split('\n')[0]!.slice(0, 60), a.id, () => a.message, o),
  }),
};

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

import { files, hosts, iptables, link, note, PACKAGE_NAME, packages, services, sysfs, when } from '../dsl/builders.js';
import { InputError } from '../errors.js';
import { safeNameRule } from '../shell/quote.js';
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
// The builder's own rule, in the schema too, so editors flag a bad name while typing.
const packageName: JsonSchema = { type: 'string', pattern: PACKAGE_NAME.source, description: 'a package name (lower-case letters, digits, + . _ -)' };

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
    description: 'Make sure a network link does not exist (deleted, which takes it down; its details are saved to the backup first).',
    properties: { name: { type: 'string', pattern: safeNameRule('link').pattern.source, description: `interface name: ${safeNameRule('link').description}` } },
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
  iptables_chain_return: form<{ table: IptablesTable; chain: string }>({
    description:
      'A user chain that drops unconditionally goes back to a single RETURN rule (Docker isolation chains); a chain with conditional drops is left alone. One chain per task.',
    properties: {
      table,
      chain: { type: 'string', pattern: safeNameRule('chain').pattern.source, description: `a user chain name (not a built-in chain): ${safeNameRule('chain').description}` },
    },
    required: ['table', 'chain'],
    build: (a, o) => iptables.chainReturn(a.table, a.chain, o),
  }),
  file_present: form<{ path: string; mode?: string; content?: string; valid?: string; generator?: string; preview?: string; daemon_reload?: boolean }>({
    description:
      'Make sure a regular file exists (written atomically): with exactly content, or, with valid and generator, with a line matching valid, generated on the host when missing or invalid.',
    properties: {
      path: absPath,
      mode: { type: 'string', pattern: '^0?[0-7]{3}$', description: 'octal file mode such as 0644 (default 0644)' },
      content: { type: 'string', description: 'the exact content wanted' },
      valid: { type: 'string', description: 'without content: a regular expression (ERE that JavaScript reads alike) a line of the file must match' },
      generator: { type: 'string', description: 'with valid: sh that prints the content when the file is missing or invalid' },
      preview: { type: 'string', description: 'what the plan shows for generated content' },
      daemon_reload: { type: 'boolean', description: 'run systemctl daemon-reload after writing (for unit files)' },
    },
    required: ['path'],
    build: (a, o) => {
      // The builder compiles `valid` with new RegExp, whose SyntaxError is not an InputError and
      // would escape without a file:line; refuse it here in the same words as a param pattern.
      if (a.valid !== undefined) {
        try {
          new RegExp(a.valid);
        } catch (err) {
          throw new InputError(`valid is not a valid regular expression: ${(err as Error).message}`);
        }
      }
      const { path, daemon_reload: daemonReload, ...rest } = a;
      return files.present(path, { ...rest, ...(daemonReload !== undefined ? { daemonReload } : {}), ...o });
    },
  }),
  package_present: form<{ debian: string; rhel: string }>({
    description: 'Make sure a package is installed: apt-get on the debian family, dnf/yum on the rhel family (names differ between them, so both are given).',
    properties: { debian: packageName, rhel: packageName },
    required: ['debian', 'rhel'],
    build: (a, o) => packages.present({ debian: a.debian, rhel: a.rhel }, o),
  }),
  service: form<{ unit: string; state: 'running' | 'enabled' }>({
    description: 'A systemd unit enabled at boot, and with state running also active now (when it cannot start, the step fails with its journal).',
    properties: {
      unit: { type: 'string', pattern: '^[A-Za-z0-9:_.@-]{1,200}\\.(service|socket|timer|target|mount|path)$', description: 'a systemd unit name with its suffix, e.g. iscsid.service' },
      state: { enum: ['running', 'enabled'], description: 'running: enabled and active; enabled: started at boot only' },
    },
    required: ['unit', 'state'],
    build: (a, o) => (a.state === 'running' ? services.running(a.unit, o) : services.enabled(a.unit, o)),
  }),
  hosts_block: form<{ marker: string; pins?: Record<string, string>; state: 'present' | 'absent'; path?: string }>({
    description: 'A kremedy-managed block of "IP NAME" lines in /etc/hosts (or path); state absent removes only the block, never other lines.',
    properties: {
      marker: { type: 'string', pattern: '^[A-Za-z0-9 _.-]{1,64}$', description: 'the block marker (letters, digits, space _ . -)' },
      pins: { type: 'object', additionalProperties: { type: 'string' }, description: 'host name: IPv4 address (required non-empty with state present)' },
      state: { enum: ['present', 'absent'] },
      path: absPath,
    },
    required: ['marker', 'state'],
    build: (a, o) => hosts.block(a.marker, a.pins ?? {}, a.state, { ...o, ...(a.path !== undefined ? { path: a.path } : {}) }),
  }),
  sysfs_value: form<{ path: string; value: string }>({
    description: 'A kernel setting under /sys with this value selected (e.g. transparent_hugepage/enabled = never). Not persistent across reboots by itself.',
    properties: {
      path: { type: 'string', pattern: '^/sys/[A-Za-z0-9_./-]+$', description: 'a path under /sys' },
      value: { type: 'string', pattern: '^[A-Za-z0-9_.+-]{1,64}$', description: 'the value to select (letters, digits, _ . + -)' },
    },
    required: ['path', 'value'],
    build: (a, o) => sysfs.value(a.path, a.value, o),
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

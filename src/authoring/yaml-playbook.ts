import { readFile } from 'node:fs/promises';
import AjvModule, { type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ParamSpec, ParamSpecs, ParamValues, Playbook, Task } from '../dsl/types.js';
import { FileInputError, InputError } from '../errors.js';
import { nearest } from '../util/nearest.js';
import { buildPlaybookSchema } from './schema.js';
import { FORM_NAMES, TASK_FORMS, whenFromYaml, type FormName, type YamlWhen } from './yaml-forms.js';

// YAML playbooks: parsed with positions kept, validated against the generated JSON Schema, then
// built through the same builders as TypeScript playbooks. Every error names file:line:column
// and what was expected there.

interface YamlParam {
  type: ParamSpec['type'];
  description: string;
  values?: string[];
  default?: unknown;
  pattern?: string;
  required?: boolean;
  min?: number;
  max?: number;
}

type YamlTask = { title?: string; when?: YamlWhen } & { [K in FormName]?: unknown };

interface YamlPlaybook {
  name: string;
  description: string;
  source?: string;
  params?: Record<string, YamlParam>;
  tasks: YamlTask[];
}

const Ajv = AjvModule.default;
let validator: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false }).compile(buildPlaybookSchema());
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

class Located {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The YAML node at a JSON path (or its nearest ancestor); `key` points at the key of a map entry instead. */
  node(path: Array<string | number>, key?: string): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key)) return pair.key;
      }
      return node;
    }
    return undefined;
  }

  error(path: Array<string | number>, detail: string, key?: string): FileInputError {
    const offset = this.node(path, key)?.range?.[0];
    const pos = offset !== undefined ? this.lines.linePos(offset) : undefined;
    const where = path.length ? ` (at ${path.join('.')}${key !== undefined ? `.${key}` : ''})` : '';
    return new FileInputError(this.file, pos?.line, pos?.col, detail + where);
  }
}

const segments = (pointer: string): Array<string | number> =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** Of all schema errors, the one a person should fix first, said plainly. */
function explain(errors: ErrorObject[], at: Located): FileInputError {
  // Branch errors of a failed oneOf only say why each alternative did not fit: the oneOf itself
  // (with the schema's description) is the useful message.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const useful = errors.filter((e) => !(e.schemaPath.includes('/oneOf/') && [...oneOfPaths].some((p) => e.instancePath.startsWith(p))));
  const depth = (e: ErrorObject) => segments(e.instancePath).length;
  // At the same place, an unknown key outranks a missing one: `{chains: …}` for `{chain: …}`
  // gets "did you mean chain", which also explains why chain is missing.
  const rank = (e: ErrorObject) =>
    e.keyword === 'if' ? -1 : depth(e) + (e.keyword === 'oneOf' ? 0 : 0.5) + (e.keyword === 'additionalProperties' ? 0.1 : 0);
  const e = [...useful].sort((a, b) => rank(b) - rank(a))[0] ?? errors[0]!;
  const path = segments(e.instancePath);
  const parent = e.parentSchema as { properties?: Record<string, unknown>; description?: string } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const hint = nearest(key, known);
      return at.error(path, `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of: ${known.join(', ')}`, key);
    }
    case 'required':
      return at.error(path, `missing key "${(e.params as { missingProperty: string }).missingProperty}"`);
    case 'enum':
      return at.error(path, `expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}, got ${JSON.stringify(e.data)}`);
    case 'type':
      return at.error(path, `expected ${String((e.params as { type: string }).type)}, got ${JSON.stringify(e.data)}`);
    case 'minItems':
      return at.error(path, `expected at least ${(e.params as { limit: number }).limit} item(s)`);
    case 'pattern':
      return at.error(path, `${JSON.stringify(e.data)} is not valid: expected ${parent?.description ?? `a match of /${(e.params as { pattern: string }).pattern}/`}`);
    case 'oneOf': {
      if (/\/tasks\/\d+$/.test(e.instancePath)) {
        const present = Object.keys((e.data ?? {}) as object).filter((k) => (FORM_NAMES as string[]).includes(k));
        return at.error(
          path,
          present.length > 1
            ? `a task has exactly one action, found ${present.join(' and ')}: split it into two tasks`
            : `a task needs one action: ${FORM_NAMES.join(', ')}`,
        );
      }
      return at.error(path, `expected ${parent?.description ?? 'another value'}, got ${JSON.stringify(e.data)}`);
    }
    default:
      return at.error(path, e.message ?? 'invalid');
  }
}

function paramSpec(name: string, p: YamlParam, at: Located): ParamSpec {
  const where = ['params', name];
  const regex = (field: 'pattern') => {
    try {
      return new RegExp(p[field]!);
    } catch (err) {
      throw at.error([...where, field], `not a valid regular expression: ${(err as Error).message}`);
    }
  };
  switch (p.type) {
    case 'enum':
      if (!p.values!.includes(p.default as string)) throw at.error([...where, 'default'], `default must be one of ${p.values!.join(', ')}`);
      return { type: 'enum', values: p.values!, default: p.default as string, description: p.description };
    case 'string':
      return { type: 'string', description: p.description, ...(p.default !== undefined ? { default: p.default as string } : {}), ...(p.pattern ? { pattern: regex('pattern') } : {}), ...(p.required ? { required: true } : {}) };
    case 'number':
      return { type: 'number', description: p.description, ...(p.default !== undefined ? { default: p.default as number } : {}), ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) };
    case 'boolean':
      return { type: 'boolean', description: p.description, default: p.default as boolean };
    case 'list':
      return { type: 'list', description: p.description, ...(p.default !== undefined ? { default: p.default as string[] } : {}) };
    case 'map':
      return { type: 'map', description: p.description, ...(p.default !== undefined ? { default: p.default as Record<string, string> } : {}) };
  }
}

/** Parses, validates and builds a YAML playbook from text; `file` is only used in messages. */
export function playbookFromYaml(file: string, text: string): Playbook<ParamValues> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new FileInputError(file, pos.line, pos.col, `not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  const at = new Located(file, doc, lines);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new FileInputError(file, 1, 1, 'a playbook is a mapping with name, description and tasks');
  }
  const errors = validate(data);
  if (errors.length) throw explain(errors, at);
  const pb = data as YamlPlaybook;

  const params: ParamSpecs = {};
  for (const [name, p] of Object.entries(pb.params ?? {})) params[name] = paramSpec(name, p, at);

  const tasks: Task<ParamValues>[] = pb.tasks.map((t, i) => {
    const formName = FORM_NAMES.find((n) => t[n] !== undefined)!;
    for (const ref of Object.keys(t.when?.params ?? {})) {
      if (!(ref in params)) {
        const hint = nearest(ref, Object.keys(params));
        throw at.error(['tasks', i, 'when', 'params'], `unknown parameter "${ref}"${hint ? ` (did you mean "${hint}"?)` : ''}; declare it under params:`, ref);
      }
    }
    const opts = t.when ? { when: whenFromYaml(t.when) } : {};
    try {
      const task = (TASK_FORMS[formName].build as (a: unknown, o: typeof opts) => Task<ParamValues>)(t[formName], opts);
      return t.title ? { ...task, title: t.title } : task;
    } catch (err) {
      if (err instanceof InputError) throw at.error(['tasks', i, formName], err.message);
      throw err;
    }
  });

  return {
    name: pb.name,
    description: pb.description,
    params,
    ...(pb.source ? { source: pb.source } : {}),
    tasks: () => tasks,
  };
}

export async function loadYamlPlaybook(file: string): Promise<Playbook<ParamValues>> {
  return playbookFromYaml(file, await readFile(file, 'utf8'));
}

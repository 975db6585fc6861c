import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParamValues, Playbook, Task } from '../dsl/types.js';
import { FileInputError, InputError } from '../errors.js';
import { OPERATIONS } from '../ops/registry.js';
import { importExternal } from '../util/import-external.js';
import { CODE_FILE as CODE, isPlaybookPath, YAML_FILE as YAML } from './is-path.js';

// Playbooks from the user's own files. A TypeScript file is loaded with tsx (a runtime
// dependency) and imports the authoring API from the `kremedy` package, which must resolve from
// the file's own directory (the user's project depends on kremedy, like any library). Whatever a
// file exports is checked here, so a wrong export fails with the file's name, not deep in a run.

export { isPlaybookPath };

function fail(file: string, detail: string): never {
  throw new FileInputError(file, undefined, undefined, detail);
}

/** Tasks are checked when built (they depend on parameters): a kind kremedy cannot run is refused. */
function checkedTasks(file: string, tasks: (p: ParamValues) => Task<ParamValues>[]) {
  return (params: ParamValues): Task<ParamValues>[] => {
    let out: Task<ParamValues>[];
    try {
      out = tasks(params);
    } catch (err) {
      // A builder refusing a value (or any throw in the author's code): name the file it came from.
      return fail(file, `building the tasks failed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (!Array.isArray(out)) fail(file, `tasks() must return an array of tasks, got ${typeof out}`);
    out.forEach((t, i) => {
      const kind = (t as Task | undefined)?.spec?.kind;
      if (typeof t?.title !== 'string' || typeof kind !== 'string' || !(kind in OPERATIONS)) {
        fail(file, `task ${i + 1} is not a task built with kremedy's builders (iptables, link, files, gate, note, packages, services, hosts, sysfs, node): ${JSON.stringify(t)?.slice(0, 120)}`);
      }
    });
    return out;
  };
}

/**
 * tsx's hooks, once per process and without a namespace. tsImport() was used before: it puts
 * every module the file imports, node_modules/kremedy included, in a namespace of its own, so a
 * playbook got a second copy of kremedy, and the InputError its prepare() threw was not the CLI's
 * (exit 70, "internal error"). Registered plainly, an ESM playbook's `import ... from 'kremedy'`
 * is the module the CLI runs (test/cli/one-copy.test.ts). The CommonJS hooks are for a .ts file
 * in a project without "type": "module": its require('kremedy') is still compiled to a CommonJS
 * copy by tsx (docs/authoring.md says so).
 */
let tsxHooks: Promise<unknown> | undefined;
function registerTsx(): Promise<unknown> {
  return (tsxHooks ??= Promise.all([
    importExternal<typeof import('tsx/esm/api')>('tsx/esm/api').then((m) => m.register()),
    importExternal<typeof import('tsx/cjs/api')>('tsx/cjs/api').then((m) => m.register()),
  ]));
}

export function validatePlaybookExport(file: string, value: unknown): Playbook<ParamValues> {
  const expected = 'export default playbook({ name, description, tasks: () => [...] }) (import { playbook } from "kremedy")';
  if (value === undefined) fail(file, `has no default export; expected ${expected}`);
  if (typeof value !== 'object' || value === null) fail(file, `default export is a ${typeof value}, not a playbook; expected ${expected}`);
  const pb = value as Partial<Playbook<ParamValues>>;
  const missing = [
    typeof pb.name === 'string' && pb.name.trim() ? undefined : 'name (a non-empty string)',
    typeof pb.description === 'string' ? undefined : 'description (a string)',
    typeof pb.tasks === 'function' ? undefined : 'tasks (a function returning the tasks)',
  ].filter(Boolean);
  if (missing.length) fail(file, `default export is not a playbook: missing ${missing.join(', ')}; expected ${expected}`);
  if (pb.params !== undefined && (typeof pb.params !== 'object' || pb.params === null)) fail(file, 'params must be an object of param.* specs');
  return { ...(pb as Playbook<ParamValues>), params: pb.params ?? {}, tasks: checkedTasks(file, pb.tasks!.bind(pb)) };
}

export async function loadPlaybookFile(arg: string): Promise<Playbook<ParamValues>> {
  const file = path.resolve(arg);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(`playbook file ${arg} not found${!isPlaybookPath(arg) ? '' : ' (an argument with a / or a .ts/.js/.yml extension is read as a file; `kremedy list` shows the built-in playbooks)'}`);
  }
  if (YAML.test(file)) {
    const { loadYamlPlaybook } = await import('./yaml-playbook.js');
    return loadYamlPlaybook(arg);
  }
  if (!CODE.test(file)) throw new InputError(`${arg}: a playbook file ends in .ts, .js, .mjs, .yml or .yaml`);
  let mod: { default?: unknown };
  try {
    await registerTsx();
    mod = await importExternal<{ default?: unknown }>(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof InputError) throw new FileInputError(arg, undefined, undefined, err.message);
    const e = err as NodeJS.ErrnoException;
    // ESM (ERR_MODULE_NOT_FOUND) or, for a .ts file in a CommonJS project, require (MODULE_NOT_FOUND).
    if ((e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && /['"]kremedy['"]/.test(e.message)) {
      fail(arg, 'cannot import "kremedy": install it in the playbook\'s project (npm install --save-dev kremedy), so that it resolves from the file\'s directory');
    }
    fail(arg, `could not be loaded: ${(e?.message ?? String(err)).split('\n')[0]}`);
  }
  // A .ts file in a project without "type": "module" runs as CommonJS: the namespace's default is
  // then module.exports, and the playbook is its `default` (undefined when there is none).
  let exported = mod.default;
  if (exported && typeof exported === 'object' && (exported as { __esModule?: boolean }).__esModule) exported = (exported as { default?: unknown }).default;
  return validatePlaybookExport(arg, exported);
}

import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/catalog.js';
import { isPlaybookPath } from '../../src/authoring/is-path.js';
import { InputError } from '../../src/errors.js';

// A user's project outside the repo that depends on kremedy: node_modules/kremedy links to this
// repo, whose package.json "exports" points at dist/ (built by `npm test` before ava runs).
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-userpb-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'kremedy'), 'dir');
  return dir;
}

async function loadError(file: string): Promise<InputError> {
  const err = await loadPlaybook(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof InputError)) throw new Error(`expected an InputError, got ${String(err)}`);
  return err;
}

test.before(() => {
  if (!existsSync(path.join(REPO, 'dist/src/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
});

test('which arguments are files', (t) => {
  for (const f of ['./x', 'pb.ts', 'a/b', 'x.yml', 'x.YAML', 'x.mjs', 'x.js', '/abs/pb']) t.true(isPlaybookPath(f), f);
  for (const n of ['reset-node', 'disable-thp', 'pin-registry-hosts']) t.false(isPlaybookPath(n), n);
});

test('a TypeScript playbook outside the repo imports from "kremedy" and loads', async (t) => {
  const dir = project();
  const file = path.join(dir, 'my-playbook.ts');
  writeFileSync(
    file,
    `import { playbook, iptables, link, files, gate, note, when, param, type TaskContext } from 'kremedy';
interface P extends Record<string, unknown> { bridge: string; strict: boolean }
const flannel = when<P>('flannel', (ctx: TaskContext<P>) => ctx.facts.cni.detected === 'flannel');
export default playbook<P>({
  name: 'my-cleanup',
  description: 'mine',
  params: { bridge: param.string('bridge to delete', { default: 'cni0' }), strict: param.boolean('refuse root', false) },
  tasks: (p) => [
    note<P>('hello', 'hello', () => 'hi'),
    gate<P>('not strict', 'strict', (ctx) => (ctx.params.strict ? { refuse: 'strict' } : { pass: 'ok' })),
    iptables.flush<P>('nat'),
    link.absent<P>(p.bridge, { when: flannel }),
    files.absent<P>('/run/flannel'),
  ],
});
`,
  );
  const pb = await loadPlaybook(file);
  t.is(pb.name, 'my-cleanup');
  t.deepEqual(Object.keys(pb.params), ['bridge', 'strict']);
  const tasks = pb.tasks({ bridge: 'br-x', strict: false });
  t.deepEqual(tasks.map((x) => x.spec.kind), ['note', 'gate', 'iptables-flush', 'link-absent', 'path-absent']);
  t.deepEqual(tasks[3]!.spec, { kind: 'link-absent', name: 'br-x' });
  // Relative paths work as typed on the command line.
  const rel = path.relative(process.cwd(), file);
  t.is((await loadPlaybook(rel.includes('/') ? rel : `./${rel}`)).name, 'my-cleanup');
});

test('a builder refusing a value names the file', async (t) => {
  const dir = project();
  const file = path.join(dir, 'bad-link.ts');
  writeFileSync(file, `import { playbook, link } from 'kremedy';\nexport default playbook({ name: 'x', description: 'x', tasks: () => [link.absent('eth0; reboot')] });\n`);
  const pb = await loadPlaybook(file);
  // Builders run when tasks are built (they may depend on parameters).
  t.throws(() => pb.tasks({}), { instanceOf: InputError, message: /bad-link\.ts: building the tasks failed: invalid link name "eth0; reboot"/ });
});

test('a default export that is not a playbook: the file and what is missing', async (t) => {
  const dir = project();
  const none = path.join(dir, 'none.ts');
  writeFileSync(none, 'export const x = 1;\n');
  t.regex((await loadError(none)).message, new RegExp(`^${none.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: has no default export; expected export default playbook\\(`));
  const half = path.join(dir, 'half.ts');
  writeFileSync(half, "export default { name: 'x', tasks: [] };\n");
  t.regex((await loadError(half)).message, /half\.ts: default export is not a playbook: missing description \(a string\), tasks \(a function returning the tasks\)/);
  const str = path.join(dir, 'str.mjs');
  writeFileSync(str, "export default 'reset-node';\n");
  t.regex((await loadError(str)).message, /str\.mjs: default export is a string, not a playbook/);
});

test('tasks that are not built with the builders are refused, naming the file', async (t) => {
  const dir = project();
  const file = path.join(dir, 'raw.ts');
  writeFileSync(file, "export default { name: 'raw', description: 'd', tasks: () => [{ title: 'rm -rf', spec: { kind: 'shell', cmd: 'rm -rf /' } }] };\n");
  const pb = await loadPlaybook(file);
  t.throws(() => pb.tasks({}), { instanceOf: InputError, message: /raw\.ts: task 1 is not a task built with kremedy's builders/ });
});

test('a syntax error, a missing kremedy, a missing file', async (t) => {
  const dir = project();
  const broken = path.join(dir, 'broken.ts');
  writeFileSync(broken, 'export default playbook({ name: \n');
  t.regex((await loadError(broken)).message, /broken\.ts: could not be loaded: /);

  const lonely = mkdtempSync(path.join(os.tmpdir(), 'kr-nokremedy-'));
  const orphan = path.join(lonely, 'orphan.ts');
  writeFileSync(orphan, "import { playbook } from 'kremedy';\nexport default playbook({ name: 'o', description: 'o', tasks: () => [] });\n");
  t.regex((await loadError(orphan)).message, /orphan\.ts: cannot import "kremedy": install it in the playbook's project \(npm install --save-dev kremedy\)/);

  t.regex((await loadError(path.join(dir, 'nope.ts'))).message, /playbook file .*nope\.ts not found/);
  t.regex((await loadError('./reset-node')).message, /playbook file \.\/reset-node not found .*`kremedy list` shows the built-in playbooks/);
});

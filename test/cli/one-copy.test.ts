// "User playbooks must still import one copy of the library" (issue 21): a user's
// `import ... from 'kremedy'` in an ESM project resolves, through package.json "exports", to the
// very modules the CLI runs, so the InputError a playbook throws is the CLI's own. Seen from
// outside: the CLI maps its own InputError to exit 1 and "kremedy: <message>" (src/cli/exit.ts),
// anything else to exit 70 "internal error"; and file-playbook.ts names the file before the
// message of an InputError thrown while loading, where any other throw "could not be loaded".
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, REPO } from './helpers.js';

let dir: string;
test.before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kr-onecopy-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'kremedy'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(dir, 'hosts.yml'), 'all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1, ansible_port: 1 }\n');
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function run(file: string, source: string) {
  writeFileSync(path.join(dir, file), source);
  const r = spawnSync(process.execPath, [CLI, 'run', `./${file}`, '--dry-run', '-i', 'hosts.yml', '--hosts', 'all', '--known-hosts', '/dev/null', '-F', 'none', '--connect-timeout', '1'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  return { code: r.status, stderr: r.stderr };
}

test('an InputError from a playbook\'s prepare() is the CLI\'s InputError: bad input, exit 1', (t) => {
  const r = run(
    'prepare-refuses.ts',
    `import { InputError, note, playbook } from 'kremedy';
export default playbook({
  name: 'p', description: 'd',
  prepare: async () => { throw new InputError('refused by the playbook'); },
  tasks: () => [note('n', 'n', () => 'ok')],
});
`,
  );
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr.trim(), 'kremedy: refused by the playbook');
});

test('an InputError thrown while the file loads is reported with the file\'s name', (t) => {
  const r = run('load-refuses.ts', `import { InputError, playbook } from 'kremedy';\nthrow new InputError('refused at load');\nexport default playbook({ name: 'p', description: 'd', tasks: () => [] });\n`);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr.trim(), 'kremedy: ./load-refuses.ts: refused at load');
});

// A .ts file in a project without "type": "module" is compiled to CommonJS by tsx; its
// require('kremedy') finds the bundle the bin registered in require's cache (bin/kremedy.cjs),
// so it too gets the CLI's own copy.
test('a CommonJS project\'s playbook gets the same copy through require()', (t) => {
  const cjs = path.join(dir, 'cjs');
  mkdirSync(path.join(cjs, 'node_modules'), { recursive: true });
  symlinkSync(REPO, path.join(cjs, 'node_modules', 'kremedy'), 'dir');
  writeFileSync(path.join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  const r = run(
    'cjs/prepare-refuses.ts',
    `import { InputError, note, playbook } from 'kremedy';
export default playbook({
  name: 'p', description: 'd',
  prepare: async () => { throw new InputError('refused by a CommonJS playbook'); },
  tasks: () => [note('n', 'n', () => 'ok')],
});
`,
  );
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr.trim(), 'kremedy: refused by a CommonJS playbook');
});

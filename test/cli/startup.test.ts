// Start-up cost: `--help` must not pay for the SSH stack, the TTY reporter or the playbooks
// (they are lazy-imported by the command handlers). Checked by what the ESM loader resolves,
// not by timing: deterministic on a loaded machine. The timing is in `npm run bench`.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from './helpers.js';

// tsc's modules, whose imports the tracer can see; the bin runs the same code bundled
// (scripts/bundle.mjs), where a lazy import() stays a lazy module initialiser.
const CLI = path.join(REPO, 'dist/src/cli/main.js');

const TRACER = path.join(REPO, 'test/cli/trace-imports.mjs');

function importsOf(args: string[]): { code: number; urls: string[]; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', TRACER, CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: 'true' } });
  const urls = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('kremedy-import '))
    .map((l) => l.slice('kremedy-import '.length));
  return { code: r.status ?? -1, urls, stdout: r.stdout };
}

const HEAVY: Array<[string, RegExp]> = [
  ['ssh2', /\/node_modules\/ssh2\//],
  ['listr2', /\/node_modules\/listr2\//],
  ['playbooks/', /\/dist\/playbooks\//],
  ['the executor (src/exec)', /\/dist\/src\/exec\//],
  ['the SSH layer (src/ssh)', /\/dist\/src\/ssh\//],
];

test('--help imports yargs but not ssh2, listr2, playbooks or the executor', (t) => {
  const r = importsOf(['--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /kremedy <command>/);
  // The tracer works: the CLI itself and yargs are seen.
  t.true(r.urls.some((u) => u.endsWith('/dist/src/cli/cli.js')), r.urls.join('\n'));
  t.true(r.urls.some((u) => u.includes('/node_modules/yargs/')), r.urls.join('\n'));
  for (const [name, re] of HEAVY) t.false(r.urls.some((u) => re.test(u)), `--help imported ${name}: ${r.urls.filter((u) => re.test(u)).join(', ')}`);
});

test('list imports the playbooks (it describes them) but not ssh2 or listr2', (t) => {
  const r = importsOf(['list']);
  t.is(r.code, 0);
  t.true(r.urls.some((u) => /\/dist\/playbooks\/reset-node\.js$/.test(u)), 'the tracer sees playbooks when they are loaded');
  for (const [name, re] of HEAVY.filter(([n]) => !n.startsWith('playbooks'))) t.false(r.urls.some((u) => re.test(u)), `list imported ${name}`);
});

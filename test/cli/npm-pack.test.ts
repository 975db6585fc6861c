import test from 'ava';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './helpers.js';

// What `npm publish` would ship. Decision (docs/install.md "Publishing"): compiled JavaScript, its .d.ts
// types and source maps, the built-in playbooks, the YAML schema and the README; no TypeScript
// sources and no tests. --ignore-scripts: the suite has built dist/ already (npm test builds).

interface PackFile {
  path: string;
}

function packed(): string[] {
  if (!existsSync(path.join(REPO, 'dist/bundle/kremedy.cjs'))) throw new Error('dist/ is missing: run `npm run build` first');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [pack] = JSON.parse(out) as Array<{ files: PackFile[] }>;
  return pack!.files.map((f) => f.path).sort();
}

test('the tarball has the CLI, the types, the playbooks and the schema; no sources or tests', (t) => {
  const files = packed();
  for (const f of ['package.json', 'README.md', 'bin/kremedy.cjs', 'dist/bundle/kremedy.cjs', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/playbooks/reset-node.js', 'schema/playbook.schema.json']) {
    t.true(files.includes(f), `${f} is shipped`);
  }
  t.deepEqual(files.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/')), [], 'no tests');
  t.deepEqual(files.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts')), [], 'no TypeScript sources');
  t.deepEqual(files.filter((f) => /(^|\/)(node_modules|\.git|fleet-state|\.kremedy)\//.test(f)), []);
  // Every built-in playbook in the catalog is in the tarball.
  const catalog = readFileSync(path.join(REPO, 'src/catalog.ts'), 'utf8');
  for (const [, name] of catalog.matchAll(/import\('\.\.\/playbooks\/([\w-]+)\.js'\)/g)) t.true(files.includes(`dist/playbooks/${name}.js`), `${name}`);
});

test('package.json points bin, exports and types at files that are shipped', (t) => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const files = packed();
  const strip = (p: string) => p.replace(/^\.\//, '');
  t.true(files.includes(strip(pkg.bin.kremedy)));
  t.true(files.includes(strip(pkg.types)));
  t.true(files.includes(strip(pkg.exports['.'].types)));
  t.true(files.includes(strip(pkg.exports['.'].default)), 'import and require() (a .ts playbook in a CommonJS project) resolve to the bundle the bin runs');
  t.is(strip(pkg.exports['.'].default), 'dist/bundle/kremedy.cjs');
  t.regex(readFileSync(path.join(REPO, pkg.bin.kremedy), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

// The two ways in that the README gives, each from a clean clone of this repository (its
// committed HEAD), as a new user or a CI runner gets it.
const exec = promisify(execFile);
const run = (cmd: string, args: string[], cwd: string) =>
  exec(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version as string;
const executable = (file: string) => (statSync(file).mode & 0o111) === 0o111;

let clone: string | undefined;
test.after.always(() => {
  if (clone) rmSync(path.dirname(clone), { recursive: true, force: true });
});

async function freshClone(): Promise<string> {
  if (clone) return clone;
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'kremedy-clone-')), 'kremedy');
  await run('git', ['clone', '--quiet', '--no-hardlinks', REPO, dir], os.tmpdir());
  await run('npm', ['ci', '--prefer-offline'], dir); // prepare builds dist/
  clone = dir;
  return dir;
}

test.serial('a checkout: npm ci, then npx kremedy; a clean rebuild keeps the bin executable', async (t) => {
  t.timeout(15 * 60_000);
  const dir = await freshClone();
  const bin = path.join(dir, 'bin/kremedy.cjs');
  t.true(executable(bin), 'npm ci (prepare) leaves the bin executable');
  t.is((await run('npx', ['kremedy', '--version'], dir)).stdout.trim(), version);
  // The bug of issue 23: tsc writes the bin without its run bit, and npx then fails with 127.
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  await run('npm', ['run', 'build'], dir);
  t.true(executable(bin), 'npm run build sets the run bit');
  t.is((await run('npx', ['kremedy', '--version'], dir)).stdout.trim(), version);
});

test.serial('npm i -g of the packed tarball, with the install scripts allowed and without them', async (t) => {
  t.timeout(15 * 60_000);
  const dir = await freshClone();
  const out = path.dirname(dir);
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], dir);
  const tarball = path.join(out, `kremedy-${version}.tgz`);
  // The README's line: the three dependencies whose install scripts kremedy wants, by name.
  const allowed = await run('npm', ['i', '-g', '--prefix', path.join(out, 'allowed'), '--prefer-offline', '--allow-scripts=ssh2,cpu-features,esbuild', tarball], out);
  t.notRegex(allowed.stderr, /(ssh2|cpu-features|esbuild)@[\d.]+ \(/, 'no warning about the three');
  t.is((await run(path.join(out, 'allowed/bin/kremedy'), ['--version'], out)).stdout.trim(), version);
  // What skipping them costs (the README says it): no native ssh2 crypto binding, and a .ts
  // playbook still loads (tsx finds esbuild's platform binary without esbuild's postinstall).
  const bare = path.join(out, 'bare');
  await run('npm', ['i', '-g', '--prefix', bare, '--prefer-offline', '--ignore-scripts', tarball], out);
  const lib = path.join(bare, 'lib/node_modules/kremedy');
  t.false(existsSync(path.join(lib, 'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')));
  const project = path.join(out, 'project');
  mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  symlinkSync(lib, path.join(project, 'node_modules/kremedy'));
  writeFileSync(path.join(project, 'pb.ts'), "import { note, playbook } from 'kremedy';\nexport default playbook({ name: 'pb', description: 'd', tasks: () => [note('n', 'n', () => 'ok')] });\n");
  writeFileSync(path.join(project, 'hosts.yml'), 'all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1 }\n');
  const loaded = await run(path.join(bare, 'bin/kremedy'), ['run', './pb.ts', '--dry-run', '-i', 'hosts.yml', '--hosts', 'nothing-matches'], project).catch((e: { code: number; stderr: string }) => e);
  t.is((loaded as { code?: number }).code, 1, 'refused for the pattern, after the playbook loaded');
  t.regex((loaded as { stderr: string }).stderr, /matches no host|selects no host|no host/);
  t.notRegex((loaded as { stderr: string }).stderr, /pb\.ts:/, 'the .ts playbook loaded');
});

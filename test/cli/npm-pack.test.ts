import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './helpers.js';

// What `npm publish` would ship. Decision (README "Publishing"): compiled JavaScript, its .d.ts
// types and source maps, the built-in playbooks, the YAML schema and the README; no TypeScript
// sources and no tests. --ignore-scripts: the suite has built dist/ already (npm test builds).

interface PackFile {
  path: string;
}

function packed(): string[] {
  if (!existsSync(path.join(REPO, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [pack] = JSON.parse(out) as Array<{ files: PackFile[] }>;
  return pack!.files.map((f) => f.path).sort();
}

test('the tarball has the CLI, the types, the playbooks and the schema; no sources or tests', (t) => {
  const files = packed();
  for (const f of ['package.json', 'README.md', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/playbooks/reset-node.js', 'schema/playbook.schema.json']) {
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
  t.true(files.includes(strip(pkg.exports['.'].import)));
  t.true(files.includes(strip(pkg.exports['.'].types)));
  t.true(files.includes(strip(pkg.exports['.'].default)), 'require() (a .ts playbook in a CommonJS project) resolves too');
  t.regex(readFileSync(path.join(REPO, pkg.bin.kremedy), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

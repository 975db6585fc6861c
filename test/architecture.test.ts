// The layer rule, checked on the source (so the issue-13 cleanup stays done): every relative
// import of src/**/*.ts and playbooks/*.ts must point to the same or a lower layer, and the
// built-in playbooks use the public API (src/index.ts) only, like a user's playbook.
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Lowest first. A module may import its own layer and the layers below. dsl → facts → ops →
 * plan → exec → report → cli from DESIGN.md, with the other folders placed where they serve:
 * facts holds the probe vocabulary (what a host is asked, what it answered) that ops and the
 * planner decide from; the CLI sits on everything.
 */
const LAYERS: string[][] = [
  ['errors.ts', 'exit-codes.ts', 'version.ts', 'util', 'shell'],
  ['facts'],
  ['dsl', 'inventory'],
  ['kernel', 'params', 'ssh', 'backup'],
  ['ops'],
  ['plan', 'authoring', 'index.ts'],
  ['playbooks', 'catalog.ts'],
  ['exec'],
  ['report'],
  ['undo', 'doctor'],
  ['cli'],
  // The bundle's entry (scripts/bundle.mjs): the library and the CLI together.
  ['bundle.ts'],
];

/**
 * Upward imports tolerated, by file (`from -> to`). Empty since issue 13: keep it so. A new entry
 * needs a reason next to it; each entry must still exist, so the list cannot go stale.
 */
const KNOWN_UPWARD = new Set<string>([]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer of a file: its first folder under src/ (or the file itself at src/'s top), or playbooks. */
function layerOf(rel: string): number {
  const parts = rel.split('/');
  const key = parts[0] === 'playbooks' ? 'playbooks' : parts[1]!;
  const i = LAYERS.findIndex((l) => l.includes(key));
  if (i < 0) throw new Error(`${rel}: its folder ${key} has no layer in test/architecture.test.ts`);
  return i;
}

/** Relative imports (static, dynamic, `export … from`, type-only included), as repo paths of .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(REPO, path.resolve(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const sources = [...files(path.join(REPO, 'src')), ...files(path.join(REPO, 'playbooks'))];
const edges = sources.flatMap((f) => importsOf(f).map((to) => ({ from: path.relative(REPO, f), to })));

test('the import graph was read (the check is not vacuous)', (t) => {
  t.true(sources.length > 100, `${sources.length} files`);
  t.true(edges.filter((e) => e.from.startsWith('src/cli/')).length > 30);
  t.true(edges.some((e) => e.from === 'src/plan/drift.ts' && e.to === 'src/ops/registry.ts'), 'a plain import is seen');
  t.true(edges.some((e) => e.from === 'src/cli/cli.ts' && e.to === 'src/cli/commands/run.ts'), "a dynamic import('…') is seen");
});

test('every import points to the same or a lower layer', (t) => {
  const upward = edges
    .filter((e) => e.to.startsWith('src/') || e.to.startsWith('playbooks/'))
    .filter((e) => layerOf(e.to) > layerOf(e.from))
    .map((e) => `${e.from} -> ${e.to}`);
  t.deepEqual(upward.filter((u) => !KNOWN_UPWARD.has(u)), [], 'imports pointing up the layers');
  t.deepEqual([...KNOWN_UPWARD].filter((k) => !upward.includes(k)), [], 'fixed: remove these from KNOWN_UPWARD');
});

test('the built-in playbooks import only the public API (src/index.ts), as a user playbook does', (t) => {
  const outside = edges.filter((e) => e.from.startsWith('playbooks/') && e.to !== 'src/index.ts' && !e.to.startsWith('playbooks/'));
  t.deepEqual(outside.map((e) => `${e.from} -> ${e.to}`), []);
});

test('src/errors.ts and the layers below the CLI never import the CLI', (t) => {
  // src/bundle.ts sits above the CLI (its own top layer): it is the bundle's entry, nothing imports it.
  const above = (f: string) => f.startsWith('src/cli/') || f === 'src/bundle.ts';
  t.deepEqual(edges.filter((e) => !above(e.from) && e.to.startsWith('src/cli/')).map((e) => `${e.from} -> ${e.to}`), []);
  t.deepEqual(edges.filter((e) => e.to === 'src/bundle.ts').map((e) => e.from), [], 'nothing imports the bundle entry');
});

/** Every cycle of the import graph (type imports included), each as its files in order. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

test('no import cycle in src/ or playbooks/, type imports included', (t) => {
  const graph = new Map<string, string[]>();
  for (const e of edges) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  t.deepEqual(cycles(graph).map((c) => c.join(' -> ')), []);
  // The check can fail: a two-file loop is found.
  t.deepEqual(cycles(new Map([['a', ['b']], ['b', ['a']]])), [['a', 'b', 'a']]);
});

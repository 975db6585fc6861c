import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TASK_FORMS } from '../../src/dsl/kinds/index.js';
import * as api from '../../src/index.js';

// Each YAML form names the builder it stands for and carries its kind's one description; the
// table in docs/authoring.md is what an author reads, so it must say the same: every form, its
// keys, its builder. A form added, renamed or given a key fails here until the page says so.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const page = readFileSync(path.join(REPO, 'docs/authoring.md'), 'utf8');

/** The table rows `| \`form: {keys}\` ... | \`builder\` ... |`, by form name. */
function rows(): Map<string, { keys: string[]; builders: string[] }> {
  const out = new Map<string, { keys: string[]; builders: string[] }>();
  for (const line of page.split('\n')) {
    const m = /^\| `([a-z_]+): \{(.*?)\}`[^|]*\| (.*) \|$/.exec(line);
    if (!m) continue;
    // Keys at the top level of the braces: `pins?: {name: ipv4}` is one key, pins.
    let depth = 0;
    let cur = '';
    const parts: string[] = [];
    for (const ch of m[2]!) {
      if (ch === '{' || ch === '[') depth++;
      if (ch === '}' || ch === ']') depth--;
      if (ch === ',' && depth === 0) (parts.push(cur), (cur = ''));
      else cur += ch;
    }
    parts.push(cur);
    const keys = parts.map((p) => /^\s*([a-z_]+)/.exec(p)?.[1] ?? p.trim()).sort();
    const builders = [...m[3]!.matchAll(/`([A-Za-z.]+)`/g)].map((b) => b[1]!);
    out.set(m[1]!, { keys, builders });
  }
  return out;
}

test('docs/authoring.md lists every YAML form with its keys and the builder it stands for', (t) => {
  const table = rows();
  t.deepEqual([...table.keys()].sort(), Object.keys(TASK_FORMS).sort(), 'forms in the table');
  for (const [name, f] of Object.entries(TASK_FORMS)) {
    const row = table.get(name);
    if (!row) continue;
    t.deepEqual(row.keys, Object.keys(f.properties).sort(), `${name}: keys`);
    t.deepEqual(row.builders, f.builder.split(' / '), `${name}: builder`);
  }
});

test('the builder a form names is the public API function it calls', (t) => {
  for (const [name, f] of Object.entries(TASK_FORMS)) {
    for (const b of f.builder.split(' / ')) {
      const fn = b.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], api);
      t.is(typeof fn, 'function', `${name}: ${b} is exported by kremedy`);
    }
    t.true(f.description.length > 20 && /[.)]$/.test(f.description), `${name} has its one description`);
  }
});

import { loadAllPlaybooks } from '../../catalog.js';
import { EXIT } from '../exit.js';
import type { ParamSpec } from '../../dsl/types.js';

function describeParam(spec: ParamSpec): string {
  switch (spec.type) {
    case 'enum':
      return `${spec.values.join('|')} (default ${spec.default})`;
    case 'boolean':
      return `true|false (default ${spec.default})`;
    default:
      return `${spec.type}${'default' in spec && spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : ''}`;
  }
}

export async function listCommand(args: { json: boolean }): Promise<number> {
  const playbooks = await loadAllPlaybooks();
  if (args.json) {
    const out = playbooks.map((p) => ({
      name: p.name,
      description: p.description,
      source: p.source ?? null,
      params: Object.fromEntries(
        // RegExps (pattern, keyPattern, valuePattern, itemPattern) would serialise as {}.
        Object.entries(p.params).map(([k, s]) => [k, Object.fromEntries(Object.entries(s).map(([f, v]) => [f, v instanceof RegExp ? String(v) : v]))]),
      ),
    }));
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return EXIT.ok;
  }
  for (const p of playbooks) {
    process.stdout.write(`${p.name}\n  ${p.description}\n`);
    if (p.source) process.stdout.write(`  field note: ${p.source}\n`);
    for (const [name, spec] of Object.entries(p.params)) {
      process.stdout.write(`  -e ${name}=${describeParam(spec)}  ${spec.description}\n`);
    }
    process.stdout.write('\n');
  }
  return EXIT.ok;
}

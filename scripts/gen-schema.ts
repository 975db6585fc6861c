// Writes schema/playbook.schema.json from the YAML task forms (src/dsl/kinds/, each beside its builder).
// `npm run schema`; test/catalog/schema.test.ts fails while the committed file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderPlaybookSchema } from '../src/authoring/schema.js';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema/playbook.schema.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, renderPlaybookSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);

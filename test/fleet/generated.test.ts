import test from 'ava';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/index.js';

// docker-compose.test.yml and inventory/hosts.yml are generated from test/fleet/hosts.tsv:
// these fail when someone edits one without the other.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

for (const script of ['compose.mjs', 'demo-inventory.mjs']) {
  test(`${script} --check: the committed file matches hosts.tsv`, (t) => {
    t.notThrows(() => execFileSync(process.execPath, [path.join(repo, 'test/fleet', script), '--check'], { stdio: 'pipe' }));
  });
}

test('the default inventory is the demo fleet, with the master in the control plane', async (t) => {
  const inv = await loadInventory(path.join(repo, 'inventory/hosts.yml'));
  t.deepEqual(inv.warnings, []);
  const master = inv.hosts.get('master');
  t.is(master?.address, '10.213.0.10');
  t.is(master?.user, 'root');
  t.true(master?.groups.includes('kube_control_plane'));
  t.is(inv.hosts.get('centos71')?.address, '10.213.0.13');
});

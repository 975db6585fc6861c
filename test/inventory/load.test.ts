import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileInputError } from '../../src/errors.js';
import { detectInventoryFormat, loadInventory } from '../../src/inventory/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = () => mkdtempSync(join(tmpdir(), 'kremedy-inv-'));

test('loadInventory picks YAML or INI by extension', async (t) => {
  const yaml = await loadInventory(join(fixtures, 'fleet.yaml'));
  const ini = await loadInventory(join(fixtures, 'fleet.ini'));
  t.deepEqual([...yaml.hosts.keys()], [...ini.hosts.keys()]);
  t.is(yaml.file, join(fixtures, 'fleet.yaml'));
});

test('loadInventory sniffs the format of files without a known extension', async (t) => {
  const dir = tmp();
  writeFileSync(join(dir, 'hosts'), '# fleet\n[web]\nw1\n');
  writeFileSync(join(dir, 'inventory'), '# fleet\nall:\n  hosts:\n    w1:\n');
  writeFileSync(join(dir, 'plain'), 'w1\nw2:2222\n');
  t.deepEqual([...(await loadInventory(join(dir, 'hosts'))).hosts.keys()], ['w1']);
  t.deepEqual([...(await loadInventory(join(dir, 'inventory'))).hosts.keys()], ['w1']);
  const plain = await loadInventory(join(dir, 'plain'));
  t.deepEqual([...plain.hosts.keys()], ['w1', 'w2']);
  t.is(plain.hosts.get('w2')!.port, 2222);
});

test('detectInventoryFormat', (t) => {
  const cases: [string, string, 'yaml' | 'ini'][] = [
    ['x.yml', '[a]', 'yaml'],
    ['x.json', '{}', 'yaml'],
    ['x.ini', 'all:\n', 'ini'],
    ['hosts', '---\nall:\n', 'yaml'],
    ['hosts', '{"all": {}}', 'yaml'],
    ['hosts', '; c\n\nweb:\n  hosts:\n', 'yaml'],
    ['hosts', '[web]\n', 'ini'],
    ['hosts', 'node1 ansible_host=1.2.3.4\n', 'ini'],
    ['hosts', 'node1:2222\n', 'ini'],
    ['hosts', '', 'ini'],
  ];
  for (const [path, text, expected] of cases) t.is(detectInventoryFormat(path, text), expected, `${path}: ${JSON.stringify(text)}`);
});

test('loadInventory: missing file, script and vault are FileInputErrors; a directory is a source', async (t) => {
  const dir = tmp();
  const missing = join(dir, 'nope.yaml');
  await t.throwsAsync(loadInventory(missing), { instanceOf: FileInputError, message: `${missing}: cannot read inventory: no such file or directory (an inline host list needs a comma: -i host1, or -i host1,host2)` });
  t.is((await loadInventory(dir)).hosts.size, 0, 'a directory is a source (of no host, here)');
  writeFileSync(join(dir, 'dyn.py'), '#!/usr/bin/env python3\nprint("{}")\n');
  await t.throwsAsync(loadInventory(join(dir, 'dyn.py')), { instanceOf: FileInputError, message: /dynamic inventory scripts are not supported/ });
  writeFileSync(join(dir, 'vault.yml'), '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
  await t.throwsAsync(loadInventory(join(dir, 'vault.yml')), { instanceOf: FileInputError, message: /vault-encrypted/ });
});

test('loadInventory: bad content names the file path and line', async (t) => {
  const dir = tmp();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'all:\n  hosts:\n    node1:\n      ansible_port: "22x"\n');
  const err = await t.throwsAsync(loadInventory(file), { instanceOf: FileInputError });
  t.is(err!.message, `${file}:4:21: all.hosts.node1.ansible_port: expected an integer 1-65535, got "22x"`);
  const ini = join(dir, 'bad.ini');
  writeFileSync(ini, '[a]\nh1\nh2 ansible_port=x\n');
  await t.throwsAsync(loadInventory(ini), { instanceOf: FileInputError, message: `${ini}:3: host h2: ansible_port: expected an integer 1-65535, got "x"` });
});

import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileInputError } from '../../src/errors.js';
import { AnsibleConfig, loadInventorySources } from '../../src/inventory/index.js';
import { findConfigFile, parseIni } from '../../src/inventory/ansible-cfg.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kr-src-'));

test('ansible.cfg: configparser syntax, %% and inline ; comments, continuation lines', (t) => {
  const ini = parseIni('# c\n[defaults]\nremote_user = deploy ; who\nInventory: a.yml,\n  b.yml\n[ssh_connection]\nssh_args = -o ControlPath=%%h\n');
  t.deepEqual(ini.get('defaults.remote_user'), { value: 'deploy', line: 3 });
  t.is(ini.get('defaults.inventory')!.value, 'a.yml,\nb.yml');
  t.is(ini.get('ssh_connection.ssh_args')!.value, '-o ControlPath=%h');
});

test('ansible.cfg is found as Ansible finds it: ANSIBLE_CONFIG (file or directory), then ./ansible.cfg', (t) => {
  const a = tmp();
  const b = tmp();
  writeFileSync(join(a, 'ansible.cfg'), '[defaults]\n');
  writeFileSync(join(b, 'ansible.cfg'), '[defaults]\n');
  t.is(findConfigFile(a, {}), join(a, 'ansible.cfg'));
  t.is(findConfigFile(a, { ANSIBLE_CONFIG: b }), join(b, 'ansible.cfg'));
  t.is(findConfigFile(a, { ANSIBLE_CONFIG: join(b, 'ansible.cfg') }), join(b, 'ansible.cfg'));
  t.is(findConfigFile(a, { ANSIBLE_CONFIG: join(b, 'missing.cfg') }), join(a, 'ansible.cfg'));
});

test('the environment beats ansible.cfg; inventory paths are relative to the file (env: to the working directory)', (t) => {
  const dir = tmp();
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\ninventory = inv/hosts.yaml, other\nremote_user = cfguser\nhost_key_checking = False\n');
  const cfg = AnsibleConfig.load(dir, {});
  t.deepEqual(cfg.inventory('/elsewhere'), { paths: [join(dir, 'inv/hosts.yaml'), join(dir, 'other')], origin: `${join(dir, 'ansible.cfg')}:2 [defaults] inventory` });
  t.is(cfg.get('remote_user')!.value, 'cfguser');
  t.regex(cfg.warnings[0]!, /host_key_checking = False .* is not honoured/);
  const env = AnsibleConfig.load(dir, { ANSIBLE_REMOTE_USER: 'envuser', ANSIBLE_INVENTORY: 'x.yml' });
  t.deepEqual(env.get('remote_user'), { value: 'envuser', origin: 'environment variable ANSIBLE_REMOTE_USER' });
  t.deepEqual(env.inventory('/w')!.paths, ['/w/x.yml']);
});

test('a directory: sorted entries, subdirectories, extensionless INI, and what Ansible skips', (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'b.yml'), 'all:\n  hosts:\n    from-b:\n');
  writeFileSync(join(dir, 'a'), '[g]\nfrom-a\n');
  writeFileSync(join(dir, 'sub', 'c.yaml'), 'all:\n  hosts:\n    from-sub:\n');
  for (const skipped of ['x.ini', 'x.cfg', 'x.txt', 'x.md', 'x.yml~', '.hidden.yml', 'x.retry', 'x.orig', 'x.bak']) writeFileSync(join(dir, skipped), '[g]\nskipped\n');
  writeFileSync(join(dir, 'group_vars', 'g.yml'), 'v: 1\n');
  const inv = loadInventorySources([dir], { cwd: dir });
  t.deepEqual([...inv.hosts.keys()], ['from-a', 'from-b', 'from-sub']);
  t.is(inv.hosts.get('from-a')!.vars['v'], 1);
});

test('an inline host list: names and ports into ungrouped; a missing file without a comma says how to write one', (t) => {
  const inv = loadInventorySources(['192.0.2.101,192.0.2.102:2201,'], { cwd: tmp() });
  t.deepEqual([...inv.hosts.keys()], ['192.0.2.101', '192.0.2.102']);
  t.is(inv.hosts.get('192.0.2.102')!.port, 2201);
  t.deepEqual(inv.groups.get('ungrouped')!.hosts, ['192.0.2.101', '192.0.2.102']);
  t.throws(() => loadInventorySources(['192.0.2.101'], { cwd: tmp() }), { instanceOf: FileInputError, message: /an inline host list needs a comma/ });
});

test('a vault-encrypted vars file is refused: its variables cannot be known', (t) => {
  const dir = tmp();
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    h:\n');
  writeFileSync(join(dir, 'group_vars', 'all.yml'), '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
  t.throws(() => loadInventorySources([join(dir, 'hosts.yml')], { cwd: dir }), { instanceOf: FileInputError, message: /vault-encrypted variables files are not supported/ });
});

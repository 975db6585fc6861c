import test from 'ava';
import { files, hosts, iptables, packages, services, sysfs, when } from '../../src/dsl/builders.js';
import type { Task } from '../../src/dsl/types.js';
import { playbookFromYaml } from '../../src/authoring/yaml-playbook.js';
import { FileInputError } from '../../src/errors.js';

// The forms added after the first ones (chain RETURN, files, packages, services, /etc/hosts
// blocks, sysfs): each YAML playbook must build exactly the tasks (spec and title) of the
// TypeScript builder calls it stands for, and each bad value must be refused with file:line.

const HEAD = 'name: t\ndescription: d\ntasks:\n';

const build = (tasks: string) => playbookFromYaml('pb.yml', HEAD + tasks).tasks({});
const shape = (ts: Task[]) => ts.map((x) => ({ title: x.title, spec: x.spec, when: x.when?.describe }));

function error(tasks: string): FileInputError {
  try {
    playbookFromYaml('pb.yml', HEAD + tasks);
  } catch (err) {
    if (err instanceof FileInputError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

test('iptables_chain_return: one task per chain, as docker-isolation builds them', (t) => {
  const yml = build(`  - iptables_chain_return: { table: filter, chain: DOCKER-ISOLATION }
  - iptables_chain_return: { table: filter, chain: DOCKER-ISOLATION-STAGE-1 }
  - iptables_chain_return: { table: filter, chain: DOCKER-ISOLATION-STAGE-2 }
`);
  const ts = ['DOCKER-ISOLATION', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2'].map((c) => iptables.chainReturn('filter', c));
  t.deepEqual(shape(yml), shape(ts));
  t.is(yml[0]!.spec.kind, 'iptables-chain-return');
});

test('file_present: exact content with daemon_reload, and valid + generator with a title', (t) => {
  const yml = build(`  - file_present:
      path: /etc/systemd/system/disable-thp.service
      content: |
        [Unit]
        Description=Disable THP
      mode: '0644'
      daemon_reload: true
  - title: /etc/iscsi/initiatorname.iscsi has an InitiatorName
    file_present:
      path: /etc/iscsi/initiatorname.iscsi
      mode: '0600'
      valid: '^InitiatorName=iqn\\.[0-9]{4}-[0-9]{2}\\.[!-~]+$'
      generator: printf 'InitiatorName=%s\\n' "$(iscsi-iname)"
      preview: InitiatorName=<from iscsi-iname>
  - file_present: { path: /etc/motd, content: '' }
`);
  const ts = [
    files.present('/etc/systemd/system/disable-thp.service', { content: '[Unit]\nDescription=Disable THP\n', mode: '0644', daemonReload: true }),
    files.present('/etc/iscsi/initiatorname.iscsi', {
      title: '/etc/iscsi/initiatorname.iscsi has an InitiatorName',
      mode: '0600',
      valid: '^InitiatorName=iqn\\.[0-9]{4}-[0-9]{2}\\.[!-~]+$',
      generator: `printf 'InitiatorName=%s\\n' "$(iscsi-iname)"`,
      preview: 'InitiatorName=<from iscsi-iname>',
    }),
    files.present('/etc/motd', { content: '' }),
  ];
  t.deepEqual(shape(yml), shape(ts));
  t.is((yml[2]!.spec as { mode: string }).mode, '0644', 'mode defaults as in the builder');
});

test('package_present: the debian and the rhel name', (t) => {
  const yml = build(`  - package_present: { debian: open-iscsi, rhel: iscsi-initiator-utils }
  - package_present: { debian: curl, rhel: curl }
`);
  const ts = [packages.present({ debian: 'open-iscsi', rhel: 'iscsi-initiator-utils' }), packages.present({ debian: 'curl', rhel: 'curl' })];
  t.deepEqual(shape(yml), shape(ts));
});

test('service: state running is services.running, state enabled is services.enabled', (t) => {
  const yml = build(`  - service: { unit: iscsid.service, state: running }
  - service: { unit: disable-thp.service, state: enabled }
    when: { os_family: rhel }
`);
  const ts = [services.running('iscsid.service'), services.enabled('disable-thp.service', { when: when('the OS family is rhel', () => true) })];
  t.deepEqual(shape(yml), shape(ts));
  t.deepEqual(yml.map((x) => x.spec), [
    { kind: 'service', unit: 'iscsid.service', active: true },
    { kind: 'service', unit: 'disable-thp.service', active: false },
  ]);
});

test('hosts_block: pins present (sorted like the builder), absent without pins, another path', (t) => {
  const yml = build(`  - hosts_block:
      marker: registry pins
      state: present
      pins: { registry.example.com: 10.0.0.5, mirror.example.com: 10.0.0.6 }
  - hosts_block: { marker: registry pins, state: absent }
  - hosts_block: { marker: lab, state: present, pins: { db: 192.168.1.2 }, path: /etc/hosts.lab }
`);
  const ts = [
    hosts.block('registry pins', { 'registry.example.com': '10.0.0.5', 'mirror.example.com': '10.0.0.6' }, 'present'),
    hosts.block('registry pins', {}, 'absent'),
    hosts.block('lab', { db: '192.168.1.2' }, 'present', { path: '/etc/hosts.lab' }),
  ];
  t.deepEqual(shape(yml), shape(ts));
  t.deepEqual((yml[0]!.spec as { lines: string[] }).lines, ['10.0.0.6 mirror.example.com', '10.0.0.5 registry.example.com']);
});

test('sysfs_value: a /sys setting, as disable-thp builds it', (t) => {
  const dir = '/sys/kernel/mm/transparent_hugepage';
  const yml = build(`  - sysfs_value: { path: ${dir}/enabled, value: never }
  - sysfs_value: { path: ${dir}/defrag, value: never }
`);
  t.deepEqual(shape(yml), shape([sysfs.value(`${dir}/enabled`, 'never'), sysfs.value(`${dir}/defrag`, 'never')]));
});

test('iptables_chain_return refuses a built-in chain (builder) and a missing chain (schema)', (t) => {
  t.regex(error('  - iptables_chain_return: { table: filter, chain: FORWARD }\n').message, /^pb\.yml:4:28: "FORWARD" is not a user chain name \(at tasks\.0\.iptables_chain_return\)$/);
  t.regex(error('  - iptables_chain_return: { table: filter, chains: [A] }\n').message, /^pb\.yml:4:45: unknown key "chains" \(did you mean "chain"\?\); expected one of: table, chain/);
});

test('file_present refuses neither content nor valid+generator, a bad valid regex and a bad mode', (t) => {
  t.regex(error('  - file_present: { path: /etc/x }\n').message, /^pb\.yml:4:19: files\.present\(\/etc\/x\): give content, or valid and generator/);
  t.regex(
    error(`  - file_present:\n      path: /etc/x\n      valid: '('\n      generator: echo x\n`).message,
    /^pb\.yml:5:7: valid is not a valid regular expression: .*\(at tasks\.0\.file_present\)$/,
  );
  t.regex(error(`  - file_present: { path: /etc/x, content: x, mode: '999' }\n`).message, /^pb\.yml:4:53: "999" is not valid: expected octal file mode/);
  t.regex(error(`  - file_present: { path: /etc/x, content: x, daemonReload: true }\n`).message, /unknown key "daemonReload" \(did you mean "daemon_reload"\?\)/);
});

test('package_present refuses a missing rhel name and a name that is not a package', (t) => {
  t.regex(error('  - package_present: { debian: open-iscsi }\n').message, /^pb\.yml:4:22: missing key "rhel" \(at tasks\.0\.package_present\)$/);
  t.regex(error('  - package_present: { debian: "curl; reboot", rhel: curl }\n').message, /^pb\.yml:4:32: "curl; reboot" is not valid: expected a package name/);
});

test('service refuses a unit without its suffix and an unknown state', (t) => {
  t.regex(error('  - service: { unit: iscsid, state: running }\n').message, /^pb\.yml:4:22: "iscsid" is not valid: expected a systemd unit name with its suffix/);
  t.regex(error('  - service:\n      unit: iscsid.service\n      state: started\n').message, /^pb\.yml:6:14: expected one of running, enabled, got "started" \(at tasks\.0\.service\.state\)$/);
});

test('hosts_block refuses an address that is not IPv4, and an empty present block', (t) => {
  t.regex(error('  - hosts_block: { marker: m, state: present, pins: { reg: 10.0.0.300 } }\n').message, /^pb\.yml:4:18: invalid IPv4 address "10\.0\.0\.300" for reg \(at tasks\.0\.hosts_block\)$/);
  t.regex(error('  - hosts_block: { marker: m, state: present }\n').message, /^pb\.yml:4:18: nothing to pin: the block would be empty/);
});

test('sysfs_value refuses a path outside /sys and an unnormalised one', (t) => {
  t.regex(error('  - sysfs_value: { path: /proc/sys/vm/swappiness, value: "0" }\n').message, /^pb\.yml:4:26: "\/proc\/sys\/vm\/swappiness" is not valid: expected a path under \/sys/);
  t.regex(error('  - sysfs_value: { path: /sys/../etc/passwd, value: x }\n').message, /^pb\.yml:4:18: path must be absolute and normalised/);
});

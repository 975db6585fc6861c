import test from 'ava';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileInputError } from '../../src/errors.js';
import { parseYamlInventory } from '../../src/inventory/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const y = (text: string) => parseYamlInventory(text, 'inv.yaml');
const dedent = (s: string) => s.replace(/^\n/, '');

test('fleet-style inventory: hosts, groups and connection settings', (t) => {
  const file = join(fixtures, 'fleet.yaml');
  const inv = parseYamlInventory(readFileSync(file, 'utf8'), file);
  t.deepEqual([...inv.hosts.keys()], ['master', 'node1', 'node2']);
  const master = inv.hosts.get('master')!;
  t.is(master.address, '127.0.0.1');
  t.is(master.port, 2201);
  t.is(master.user, 'kremedy');
  t.true(master.become);
  t.is(master.privateKeyFile, resolve('keys/id_ed25519'), 'relative to the working directory, as ssh resolves it for Ansible');
  t.deepEqual(master.groups, ['all', 'control_plane', 'flannel']);
  t.is(master.vars['cni'], 'flannel');
  t.is(master.vars['node_role'], 'control-plane');
  t.is(master.vars['cluster_name'], 'fleet');
  const node2 = inv.hosts.get('node2')!;
  t.is(node2.port, 2203);
  t.false(node2.become, 'host var ansible_become: no overrides all.vars');
  t.is(node2.vars['node_role'], 'worker');
  t.deepEqual(node2.groups, ['all', 'flannel', 'workers']);
  t.deepEqual(inv.groups.get('flannel')!.hosts, ['master', 'node1', 'node2']);
  t.deepEqual(inv.warnings, []);
});

test('defaults: address is the name, port 22, user root, no become', (t) => {
  const inv = y('all:\n  hosts:\n    web1.example.com:\n');
  const h = inv.hosts.get('web1.example.com')!;
  t.like(h, { name: 'web1.example.com', address: 'web1.example.com', port: 22, user: 'root', become: false });
  t.is(h.privateKeyFile, undefined);
  t.is(h.password, undefined);
  t.is(h.becomePassword, undefined);
  t.deepEqual(h.groups, ['all', 'ungrouped'], 'a host only under all is ungrouped');
  t.deepEqual(inv.groups.get('ungrouped')!.hosts, ['web1.example.com']);
});

test('both legacy and modern names set: the ansible_ssh_* one wins, at any level, as in Ansible\'s ssh connection', (t) => {
  const inv = y(dedent(`
all:
  vars:
    ansible_ssh_user: carol
  hosts:
    a: {ansible_host: 10.0.0.1, ansible_ssh_host: 10.0.0.2, ansible_port: 2201, ansible_ssh_port: 2202, ansible_user: alice}
    b: {ansible_password: pw, ansible_ssh_pass: sp, ansible_ssh_password: spw, ansible_become_password: b1, ansible_become_pass: b2, ansible_sudo_pass: b3}
    c: {ansible_password: pw, ansible_ssh_pass: sp, ansible_become_password: b1, ansible_become_pass: b2}
`));
  t.like(inv.hosts.get('a'), { address: '10.0.0.2', port: 2202, user: 'carol' });
  t.like(inv.hosts.get('b'), { password: 'spw', becomePassword: 'b3' });
  t.like(inv.hosts.get('c'), { password: 'sp', becomePassword: 'b2' });
});

test('an empty or all-comment file is an inventory without hosts, with a warning', (t) => {
  for (const text of ['', '# nothing yet\n# all:\n']) {
    const inv = y(text);
    t.is(inv.hosts.size, 0);
    t.deepEqual(inv.warnings, ['inv.yaml: the inventory is empty (nothing but comments): it defines no hosts']);
  }
});

test('duplicate keys: a warning, and the last value in the first place (as PyYAML builds a dict)', (t) => {
  const inv = y(dedent(`
all:
  children:
    web:
      hosts: {w1: , w2: }
    db:
      hosts: {d1: {ansible_host: 10.0.0.1}, d2: , d1: {ansible_host: 10.0.0.9}}
    web:
      hosts: {w4: }
`));
  t.deepEqual([...inv.hosts.keys()], ['w4', 'd1', 'd2']);
  t.is(inv.hosts.get('d1')!.address, '10.0.0.9');
  t.deepEqual(inv.warnings, [
    'inv.yaml:7: duplicate key "web": only its last value is used (Ansible warns and does the same)',
    'inv.yaml:6: duplicate key "d1": only its last value is used (Ansible warns and does the same)',
  ]);
});

test('a reversed numeric host range adds no host, with a warning (Ansible expands it to nothing)', (t) => {
  const inv = y('all:\n  hosts:\n    "node[3:1]":\n    other:\n');
  t.deepEqual([...inv.hosts.keys()], ['other']);
  t.deepEqual(inv.warnings, ['inv.yaml:3: host range "[3:1]" in "node[3:1]" is reversed and expands to no host (as in Ansible); write [1:3]']);
});

test('passwords, legacy aliases and bool-ish become', (t) => {
  const inv = y(dedent(`
all:
  hosts:
    a: {ansible_ssh_host: 10.0.0.1, ansible_ssh_port: "2222", ansible_ssh_user: deploy, ansible_ssh_pass: s3cret, ansible_become: "True", ansible_become_pass: 1234}
    b: {ansible_password: pw, ansible_become_password: bpw, ansible_become: 1}
    c: {ansible_become: "off", ansible_private_key_file: /abs/key}
    d: {ansible_ssh_private_key_file: ~/.ssh/id_rsa, ansible_host: "2001:db8::1"}
`));
  t.like(inv.hosts.get('a'), { address: '10.0.0.1', port: 2222, user: 'deploy', password: 's3cret', become: true, becomePassword: '1234' });
  t.like(inv.hosts.get('b'), { password: 'pw', becomePassword: 'bpw', become: true });
  t.like(inv.hosts.get('c'), { become: false, privateKeyFile: '/abs/key' });
  t.like(inv.hosts.get('d'), { address: '2001:db8::1', privateKeyFile: join(homedir(), '.ssh/id_rsa') });
});

test('relative key files resolve against the working directory, as Ansible (ssh) resolves them', (t) => {
  const inv = parseYamlInventory('all:\n  vars:\n    ansible_ssh_private_key_file: ../keys/k\n  hosts:\n    h:\n', '/etc/kremedy/inv/hosts.yaml');
  t.is(inv.hosts.get('h')!.privateKeyFile, resolve(process.cwd(), '../keys/k'));
});

test('a templated connection value that cannot be evaluated, or a vault value, refuses the host with file, line, key and expression', (t) => {
  const a = y('all:\n  hosts:\n    h:\n      ansible_host: "{{ ip }}"\n').hosts.get('h')!;
  t.deepEqual(a.refused, ['inv.yaml:4: ansible_host: cannot evaluate "{{ ip }}": the variable is undefined']);
  const b = y('all:\n  vars:\n    ansible_password: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n  hosts:\n    h:\n').hosts.get('h')!;
  t.regex(b.refused![0]!, /^inv\.yaml:3: ansible_password: vault-encrypted values are not supported/);
  t.is(b.password, undefined, 'never the literal text');
});

test('variable precedence: all < parent < child (depth, then name) < host', (t) => {
  const inv = y(dedent(`
all:
  vars: {v_all: all, v: all, d: all}
  children:
    k8s_cluster:
      vars: {v: k8s_cluster, d: k8s_cluster}
      children:
        kube_node:
          vars: {v: kube_node}
          hosts:
            node1: {v: host}
            node2:
        b_nodes:
          vars: {d: b_nodes, x: b_nodes}
          hosts:
            node2:
        a_nodes:
          vars: {x: a_nodes}
          hosts:
            node2:
`));
  t.deepEqual(inv.hosts.get('node1')!.vars, { v_all: 'all', v: 'host', d: 'k8s_cluster' });
  // node2: k8s_cluster (depth 1) < a_nodes < b_nodes < kube_node (depth 2, alphabetical)
  t.deepEqual(inv.hosts.get('node2')!.vars, { v_all: 'all', v: 'kube_node', d: 'b_nodes', x: 'b_nodes' });
});

test('depth wins over name; ansible_group_priority breaks ties at the same depth', (t) => {
  const inv = y(dedent(`
aaa:
  vars: {v: aaa}
  children:
    zzz:
      vars: {v: zzz}
      hosts: {h1: }
low:
  vars: {w: low, ansible_group_priority: 10}
  hosts: {h1: }
mid:
  vars: {w: mid}
  hosts: {h1: }
`));
  const vars = inv.hosts.get('h1')!.vars;
  t.is(vars['v'], 'zzz', 'deeper group wins even though "aaa" < "zzz" is irrelevant');
  t.is(vars['w'], 'low', 'priority 10 beats the default 1 at the same depth');
});

test('nested groups to any depth; a host in several groups; host vars merge in file order', (t) => {
  const inv = y(dedent(`
all:
  children:
    region:
      children:
        zone:
          children:
            rack:
              hosts:
                node1: {a: 1, b: 1}
    gpu:
      hosts:
        node1: {b: 2, c: 2}
`));
  const h = inv.hosts.get('node1')!;
  t.deepEqual(h.groups, ['all', 'gpu', 'rack', 'region', 'zone']);
  t.deepEqual(h.vars, { a: 1, b: 2, c: 2 });
  t.deepEqual(inv.groups.get('region')!.children, ['zone']);
  t.deepEqual(inv.groups.get('region')!.hosts, []);
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'region', 'gpu']);
});

test('top level may be a map of groups without all:', (t) => {
  const inv = y('web:\n  hosts:\n    w1:\ndb:\n  hosts:\n    d1:\n  vars:\n    ansible_user: postgres\n');
  t.deepEqual([...inv.hosts.keys()], ['w1', 'd1']);
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'web', 'db']);
  t.deepEqual(inv.hosts.get('d1')!.groups, ['all', 'db']);
  t.is(inv.hosts.get('d1')!.user, 'postgres');
});

test('null hosts, empty groups, null sections and `hosts: {}`', (t) => {
  const inv = y('all:\n  hosts:\n    master:\n  children:\n    empty:\n    emptier:\n      hosts:\n      vars:\n    calico_rr:\n      hosts: {}\n');
  t.deepEqual([...inv.hosts.keys()], ['master']);
  for (const g of ['empty', 'emptier', 'calico_rr']) t.deepEqual(inv.groups.get(g), { name: g, children: [], hosts: [], vars: {} });
});

test('host ranges and host:port keys', (t) => {
  const inv = y('all:\n  hosts:\n    "node[01:03]":\n      ansible_user: ops\n    "db:2222":\n    "[2001:db8::5]:2200":\n');
  t.deepEqual([...inv.hosts.keys()], ['node01', 'node02', 'node03', 'db', '2001:db8::5']);
  t.is(inv.hosts.get('node02')!.user, 'ops');
  t.is(inv.hosts.get('db')!.port, 2222);
  t.is(inv.hosts.get('2001:db8::5')!.port, 2200);
});

test('YAML 1.1 booleans, anchors and merge keys work like PyYAML', (t) => {
  const inv = y(dedent(`
x-defaults: &defaults
  ansible_user: ops
  ansible_port: 2200
all:
  hosts:
    a:
      <<: *defaults
      ansible_port: 2300
      flag: yes
`));
  const a = inv.hosts.get('a')!;
  t.like(a, { user: 'ops', port: 2300 });
  t.is(a.vars['flag'], true);
  t.true(inv.warnings.some((w) => w.includes('"ansible_user"') && w.includes('x-defaults')), 'unknown keys in the x-defaults "group" are reported');
});

test('malformed YAML names file, line and column', (t) => {
  const err = t.throws(() => y('all:\n  hosts:\n    node1: [1\n    node2:\n'), { instanceOf: FileInputError });
  t.regex(err!.message, /^inv\.yaml:\d+:\d+: invalid YAML: /);
  t.is(err!.file, 'inv.yaml');
  t.is(typeof err!.line, 'number');
  t.is(typeof err!.column, 'number');

  const tab = t.throws(() => y('all:\n  hosts:\n\tnode1:\n'), { instanceOf: FileInputError });
  t.regex(tab!.message, /^inv\.yaml:3:1: invalid YAML: /);
});

const typeErrors: [string, string, string][] = [
  ['hosts is a list', 'all:\n  children:\n    web:\n      hosts:\n        - w1\n', 'inv.yaml:5:9: all.children.web.hosts: expected a mapping of host names'],
  ['group is a string', 'all:\n  children:\n    web: w1\n', 'inv.yaml:3:10: all.children.web: expected a group'],
  ['vars is a list', 'all:\n  vars:\n    - a\n', 'inv.yaml:3:5: all.vars: expected a mapping of variables, got a list'],
  ['children is a list', 'all:\n  children: [a]\n', 'inv.yaml:2:13: all.children: expected a mapping of group names, got a list'],
  ['host vars are a string', 'all:\n  hosts:\n    h1: hello\n', 'inv.yaml:3:9: all.hosts.h1: expected a mapping of host variables or nothing'],
  [
    'port not an integer',
    'all:\n  children:\n    kube_node:\n      hosts:\n        node1:\n          ansible_port: abc\n',
    'inv.yaml:6:25: all.children.kube_node.hosts.node1.ansible_port: expected an integer 1-65535, got "abc"',
  ],
  ['port out of range', 'all:\n  vars:\n    ansible_port: 70000\n', 'inv.yaml:3:19: all.vars.ansible_port: expected an integer 1-65535, got 70000'],
  ['port zero', 'all:\n  hosts:\n    h:\n      ansible_port: 0\n', 'all.hosts.h.ansible_port: expected an integer 1-65535, got 0'],
  ['become not bool-ish', 'all:\n  hosts:\n    h:\n      ansible_become: maybe\n', 'inv.yaml:4:23: all.hosts.h.ansible_become: expected a boolean'],
  ['bad ansible_host', 'all:\n  hosts:\n    h:\n      ansible_host: "10.0.0.1; reboot"\n', 'all.hosts.h.ansible_host: expected a host name or IP address, got "10.0.0.1; reboot"'],
  ['bad ansible_user', 'all:\n  hosts:\n    h:\n      ansible_user: "root -oProxyCommand=x"\n', 'all.hosts.h.ansible_user: expected a user name'],
  ['numeric ansible_user', 'all:\n  vars:\n    ansible_user: 1000\n', 'all.vars.ansible_user: expected a user name'],
  ['top level list', '- a\n- b\n', 'inv.yaml:1:1: expected a mapping of groups at the top level'],
  ['child loop', 'a:\n  children:\n    b:\n      children:\n        a:\n', 'creates a loop'],
  ['all as a child', 'web:\n  children:\n    all:\n', 'inv.yaml:3:5: group "all" cannot be a child of group "web"'],
  ['bad letter range', 'all:\n  hosts:\n    "node[c:a]":\n', 'inv.yaml:3:5: all.hosts.node[c:a]: invalid host range "[c:a]" in "node[c:a]": begin must be <= end'],
  ['inventory plugin file', 'plugin: constructed\nstrict: true\n', 'inv.yaml:1:1: this is an inventory plugin configuration ("plugin: constructed"), not an inventory; kremedy runs no inventory plugins'],
  ['ansible-inventory --list JSON', '{"_meta": {"hostvars": {}}, "all": {"children": ["ungrouped"]}}', '--list --yaml'],
];

for (const [title, text, expected] of typeErrors) {
  test(`type error: ${title}`, (t) => {
    const err = t.throws(() => y(text), { instanceOf: FileInputError });
    t.true(err!.message.includes(expected), `${err!.message}\n  should contain\n${expected}`);
  });
}

test('unknown group keys are warnings with file:line, not errors', (t) => {
  const inv = y('all:\n  hosts:\n    h1:\n  children:\n    web:\n      host:\n        w1:\n      hosts:\n        w2:\n');
  t.deepEqual([...inv.hosts.keys()], ['h1', 'w2']);
  t.is(inv.warnings.length, 1);
  t.regex(inv.warnings[0]!, /^inv\.yaml:6: unexpected key "host" in group "web" \(all\.children\.web\.host\) ignored/);
});

test('a host and a group with the same name is a warning', (t) => {
  const inv = y('all:\n  children:\n    db:\n      hosts:\n        db:\n');
  t.true(inv.warnings.some((w) => w.includes('found both a group and a host named "db"')));
});

const hostile = [
  'master$(touch /tmp/x)',
  'node1;reboot',
  'a b',
  'node`id`',
  'x|y',
  'x&y',
  'x>y',
  "it's",
  'say"hi"',
  'tab\there',
  'line\nbreak',
  'bell\u0007',
  '-oProxyCommand=touch',
  'a\\b',
];

for (const name of hostile) {
  test(`hostile host name refused: ${JSON.stringify(name)}`, (t) => {
    const err = t.throws(() => y(`all:\n  hosts:\n    ${JSON.stringify(name)}:\n`), { instanceOf: FileInputError });
    t.regex(err!.message, /^inv\.yaml:3:5: all\.hosts\..*host name .* is not allowed: it (contains|starts with)/s);
  });
}

test('hostile group names are refused too, wherever they appear', (t) => {
  for (const text of [
    'all:\n  children:\n    "web$(id)":\n',
    '"a;b":\n  hosts:\n    h:\n',
    'all:\n  children:\n    web:\n      children:\n        "x y":\n',
  ]) {
    const err = t.throws(() => y(text), { instanceOf: FileInputError });
    t.regex(err!.message, /group name .* is not allowed/);
  }
});

test('the master$(touch /tmp/x) proof: nothing is ever parsed into a host', (t) => {
  const text = 'all:\n  children:\n    flannel:\n      hosts:\n        master$(touch /tmp/x):\n';
  const err = t.throws(() => y(text), { instanceOf: FileInputError });
  t.is(err!.line, 5);
  t.is(err!.column, 9);
  t.true(err!.message.includes('all.children.flannel.hosts.master$(touch /tmp/x): host name "master$(touch /tmp/x)" is not allowed: it contains "$"'));
});

test('ansible_group_priority is a group property, not a variable', (t) => {
  const inv = y('a:\n  vars: {ansible_group_priority: "5", v: a}\n  hosts: {h: }\nb:\n  vars: {v: b}\n  hosts: {h: }\n');
  t.deepEqual(inv.hosts.get('h')!.vars, { v: 'a' });
  t.deepEqual(inv.groups.get('a')!.vars, { v: 'a' });
});

test('large host ranges load quickly', (t) => {
  const inv = y('all:\n  children:\n    big:\n      hosts:\n        "n[00001:20000]":\n    also:\n      hosts:\n        "n[00001:20000]":\n');
  t.is(inv.hosts.size, 20000);
  t.is(inv.groups.get('big')!.hosts.length, 20000);
  t.deepEqual(inv.hosts.get('n12345')!.groups, ['all', 'also', 'big']);
});

import test from 'ava';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileInputError } from '../../src/errors.js';
import { parseIniInventory, parsePythonLiteral, parseYamlInventory } from '../../src/inventory/index.js';
import { shlexSplit } from '../../src/inventory/ini.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const ini = (text: string) => parseIniInventory(text, 'hosts.ini');

test('INI fleet equals the YAML fleet', (t) => {
  const load = (name: string) => {
    const file = join(fixtures, name);
    const text = readFileSync(file, 'utf8');
    return name.endsWith('.ini') ? parseIniInventory(text, file) : parseYamlInventory(text, file);
  };
  const a = load('fleet.ini');
  const b = load('fleet.yaml');
  t.deepEqual([...a.hosts.keys()], [...b.hosts.keys()]);
  // Equal but for where each setting was read (file and line differ by format).
  const noOrigins = ({ origins: _, ...h }: NonNullable<ReturnType<typeof a.hosts.get>>) => h;
  for (const [name, host] of b.hosts) t.deepEqual(noOrigins(a.hosts.get(name)!), noOrigins(host), name);
  t.deepEqual(a.warnings, []);
});

test('ungrouped hosts before the first section, host vars, comments', (t) => {
  const inv = ini(`
# comment
; another comment
bastion ansible_host=203.0.113.9 ansible_user=jump   # trailing comment
lonely

[web]
web1 ansible_port=2222 http_port=8080 ratio=0.5 enabled=True disabled=False nothing=None
web2 motd="hello world" quoted='It''s' path=/srv/app#frag
bastion
`);
  t.deepEqual([...inv.hosts.keys()], ['bastion', 'lonely', 'web1', 'web2']);
  t.deepEqual(inv.groups.get('ungrouped')!.hosts, ['lonely'], 'bastion moved out of ungrouped once it is in web');
  t.deepEqual(inv.hosts.get('bastion')!.groups, ['all', 'web']);
  t.deepEqual(inv.hosts.get('lonely')!.groups, ['all', 'ungrouped']);
  t.like(inv.hosts.get('bastion'), { address: '203.0.113.9', user: 'jump' });
  t.deepEqual(inv.hosts.get('web1')!.vars, { ansible_port: 2222, http_port: 8080, ratio: 0.5, enabled: true, disabled: false, nothing: null });
  t.is(inv.hosts.get('web1')!.port, 2222);
  t.deepEqual(inv.hosts.get('web2')!.vars, { motd: 'hello world', quoted: 'Its', path: '/srv/app' });
});

test('host-line values lose their quotes before literal parsing, as in Ansible (shlex, then literal_eval)', (t) => {
  const inv = ini(`[g]\nh1 a="22" b='"22"' c="True" d="two words" e=[1,2]\n`);
  t.deepEqual(inv.hosts.get('h1')!.vars, { a: 22, b: '22', c: true, d: 'two words', e: [1, 2] });
});

test('[group:vars] values are Python literals; quoted values stay strings', (t) => {
  const inv = ini(`
[db]
db1

[db:vars]
port=5432
port_str="5432"
name = 'main db'
flags=[1, 'two', True]
opts={'a': 1, "b": None}
plain=hello world
ip=10.0.0.1
octal_like=010
falsy=false
ansible_become=yes
`);
  t.deepEqual(inv.groups.get('db')!.vars, {
    port: 5432,
    port_str: '5432',
    name: 'main db',
    flags: [1, 'two', true],
    opts: { a: 1, b: null },
    plain: 'hello world',
    ip: '10.0.0.1',
    octal_like: '010',
    falsy: 'false',
    ansible_become: 'yes',
  });
  t.true(inv.hosts.get('db1')!.become);
});

test('ranges: numeric, zero-padded, letters, stride, and several per name', (t) => {
  const inv = ini(`
[workers]
node[01:03]
db-[a:c].example.com
host[0:10:5]
rack[1:2]-u[1:2]
[x:z]y
`);
  t.deepEqual([...inv.hosts.keys()], [
    'node01', 'node02', 'node03',
    'db-a.example.com', 'db-b.example.com', 'db-c.example.com',
    'host0', 'host5', 'host10',
    'rack1-u1', 'rack1-u2', 'rack2-u1', 'rack2-u2',
    'xy', 'yy', 'zy',
  ]);
});

test('host:port and IPv6 hosts', (t) => {
  const inv = ini('[g]\nbadwolf.example.com:5309\n2001:db8::1\n[2001:db8::2]:2200 ansible_user=ops\n');
  t.deepEqual([...inv.hosts.keys()], ['badwolf.example.com', '2001:db8::1', '2001:db8::2']);
  t.is(inv.hosts.get('badwolf.example.com')!.port, 5309);
  t.is(inv.hosts.get('2001:db8::1')!.port, 22);
  t.like(inv.hosts.get('2001:db8::2'), { port: 2200, user: 'ops' });
});

test('children, nesting, forward references and precedence', (t) => {
  const inv = ini(`
[k8s_cluster:children]
kube_control_plane
kube_node   # the workers

[kube_control_plane]
cp1

[kube_node]
w1 role=host

[kube_node:vars]
role=kube_node

[k8s_cluster:vars]
role=k8s_cluster
cluster=prod

[all:vars]
role=all
`);
  t.deepEqual(inv.groups.get('k8s_cluster')!.children, ['kube_control_plane', 'kube_node']);
  t.deepEqual(inv.hosts.get('cp1')!.groups, ['all', 'k8s_cluster', 'kube_control_plane']);
  t.deepEqual(inv.hosts.get('cp1')!.vars, { role: 'k8s_cluster', cluster: 'prod' });
  t.deepEqual(inv.hosts.get('w1')!.vars, { role: 'host', cluster: 'prod' });
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'k8s_cluster']);
});

const iniErrors: [string, string, string][] = [
  ['undefined child group', '[a:children]\nmissing\n', 'hosts.ini:2: section [a:children] includes undefined group "missing"'],
  ['vars for an undefined group', '[a:vars]\nx=1\n', 'hosts.ini:1: section [a:vars] is not valid for undefined group "a"'],
  ['unknown section type', '[a]\nh\n[a:things]\n', 'hosts.ini:3: section [a:things] has unknown type "things"'],
  ['space in section', '[a b]\n', 'hosts.ini:1: invalid section header "[a b]"'],
  ['host var without =', '[a]\nh1 ansible_port\n', 'hosts.ini:2: expected key=value host variable assignment, got: ansible_port'],
  ['vars line without =', '[a]\nh\n[a:vars]\njustaword\n', 'hosts.ini:4: expected key=value in [a:vars], got: justaword'],
  ['unclosed quote', '[a]\nh1 motd="oops\n', 'hosts.ini:2: cannot parse host definition'],
  ['bad port', '[a]\nh1 ansible_port=abc\n', 'hosts.ini:2: host h1: ansible_port: expected an integer 1-65535, got "abc"'],
  ['bad port in [vars]', '[a]\nh1\n[a:vars]\nansible_port=0\n', 'hosts.ini:4: [a:vars] ansible_port: expected an integer 1-65535, got 0'],
  ['bad become', '[a]\nh1 ansible_become=perhaps\n', 'hosts.ini:2: host h1: ansible_become: expected a boolean'],
  ['bad user', '[a]\nh1 ansible_user="a b"\n', 'hosts.ini:2: host h1: ansible_user: expected a user name'],
  ['bad ansible_host', '[a]\nh1 ansible_host="1.2.3.4;id"\n', 'hosts.ini:2: host h1: ansible_host: expected a host name or IP address'],
  ['hostile host', '[a]\nmaster$(touch\n', 'hosts.ini:2: host name "master$(touch" is not allowed: it contains "$"'],
  ['hostile host with quotes', '[a]\n"master$(touch /tmp/x)"\n', 'hosts.ini:2: host name "master$(touch /tmp/x)" is not allowed'],
  ['hostile child group', '[a:children]\nb|c\n', 'hosts.ini:2: group name "b|c" is not allowed'],
  ['range without end', '[a]\nnode[1:]\n', 'hosts.ini:2: invalid host range "[1:]" in "node[1:]": a host range must specify an end value'],
  ['range with unequal padding', '[a]\nnode[01:100]\n', 'zero-padded begin and end must have the same length'],
  ['range without colon', '[a]\nnode[1]\n', 'a host range must be [begin:end] or [begin:end:step]'],
  ['host ending in colon', '[a]\nnode1:\n', 'hosts.ini:2: invalid host "node1:": ending in ":" is not allowed'],
  ['loop', '[a:children]\nb\n[b:children]\na\n', 'hosts.ini:4: making group "a" a child of "b" creates a loop'],
];

for (const [title, text, expected] of iniErrors) {
  test(`INI error: ${title}`, (t) => {
    const err = t.throws(() => ini(text), { instanceOf: FileInputError });
    t.true(err!.message.includes(expected), `${err!.message}\n  should contain\n${expected}`);
  });
}

test('relative key path from INI resolves against the working directory (as Ansible)', (t) => {
  const inv = parseIniInventory('h ansible_ssh_private_key_file=keys/id\n', '/srv/inv/hosts');
  t.is(inv.hosts.get('h')!.privateKeyFile, join(process.cwd(), 'keys/id'));
});

const literals: [string, unknown][] = [
  ['22', 22],
  ['-5', -5],
  ['+5', 5],
  ['1_000', 1000],
  ['0x1F', 31],
  ['0o17', 15],
  ['0b101', 5],
  ['1.5', 1.5],
  ['1e3', 1000],
  ['.5', 0.5],
  ['0', 0],
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', 'true'],
  ['"22"', '22'],
  ["'a\\tb'", 'a\tb'],
  ["r'a\\tb'", 'a\\tb'],
  ["'a' 'b'", 'ab'],
  ['"\\x41\\u00e9"', 'Aé'],
  ['[1, 2,]', [1, 2]],
  ['(1, 2)', [1, 2]],
  ['(1)', 1],
  ['{1, 2}', [1, 2]],
  ['{}', {}],
  ["{'k': [1, {'n': None}]}", { k: [1, { n: null }] }],
  ['22 # comment', 22],
  ['010', '010'],
  ['1j', '1j'],
  ['10.0.0.1', '10.0.0.1'],
  ['hello world', 'hello world'],
  ['12345678901234567890', '12345678901234567890'],
  ['[1, 2', '[1, 2'],
  ['', ''],
];

test('Python literal values (ast.literal_eval)', (t) => {
  for (const [input, expected] of literals) t.deepEqual(parsePythonLiteral(input), expected, input);
});

test('shlex splitting like Python shlex.split(comments=True)', (t) => {
  const cases: [string, string[]][] = [
    ['a b  c', ['a', 'b', 'c']],
    ['h k="v w" x=\'y z\'', ['h', 'k=v w', 'x=y z']],
    ['h k="a\\"b" e=\\$x', ['h', 'k=a"b', 'e=$x']],
    ['h # all comment', ['h']],
    ['h k=v#c', ['h', 'k=v']],
    ['h k=""', ['h', 'k=']],
  ];
  for (const [input, expected] of cases) t.deepEqual(shlexSplit(input), expected, input);
  t.throws(() => shlexSplit('h "x'), { message: /no closing quotation/ });
});

test('a reversed numeric range adds no host but keeps the group, with a warning (as Ansible)', (t) => {
  const inv = ini('[db]\ndb[3:1]\ndb-a\n');
  t.deepEqual([...inv.hosts.keys()], ['db-a']);
  t.deepEqual(inv.warnings, ['hosts.ini:2: host range "[3:1]" in "db[3:1]" is reversed and expands to no host (as in Ansible); write [1:3]']);
});

test('an all-comment file is an inventory without hosts, with a warning', (t) => {
  const inv = ini('# [kube_node]\n; node1\n\n');
  t.is(inv.hosts.size, 0);
  t.deepEqual(inv.warnings, ['hosts.ini: the inventory is empty (nothing but comments): it defines no hosts']);
});

import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileInputError, InputError, NoHostsMatchedError } from '../../src/errors.js';
import { matchHosts, parseYamlInventory, readHostListFile, selectHosts, splitPattern } from '../../src/inventory/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

// cp1..cp3 in control plane (and etcd); w1..w4 workers; gpu1 a worker with a GPU; db.example.com on its own.
const inv = parseYamlInventory(
  `
all:
  hosts:
    db.example.com:
  children:
    k8s_cluster:
      children:
        kube_control_plane:
          hosts: {cp1: , cp2: , cp3: }
        kube_node:
          hosts: {w1: , w2: , w3: , w4: , gpu1: }
    etcd:
      hosts: {cp1: , cp2: , cp3: }
    gpu:
      hosts: {gpu1: }
    rack_a:
      hosts: {cp1: , w1: , w2: }
    w1_group:
      hosts: {w4: }
`,
  'inv.yaml',
);
const names = (pattern: string) => selectHosts(inv, pattern).map((h) => h.name);

const cases: [string, string[]][] = [
  ['all', ['db.example.com', 'cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['*', ['db.example.com', 'cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['w2', ['w2']],
  ['db.example.com', ['db.example.com']],
  ['gpu', ['gpu1']],
  ['ungrouped', ['db.example.com']],
  ['k8s_cluster', ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['w3,cp1', ['cp1', 'w3']], // inventory order, not pattern order
  ['etcd,gpu', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['etcd:gpu', ['cp1', 'cp2', 'cp3', 'gpu1']],
  [' etcd , gpu ', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['kube_node,!gpu', ['w1', 'w2', 'w3', 'w4']],
  ['kube_node:!gpu', ['w1', 'w2', 'w3', 'w4']],
  ['!gpu,kube_node', ['w1', 'w2', 'w3', 'w4']], // exclusions apply last whatever their position
  ['k8s_cluster,&rack_a', ['cp1', 'w1', 'w2']],
  ['k8s_cluster:&rack_a:!etcd', ['w1', 'w2']],
  ['&rack_a,!w1', ['cp1', 'w2']], // only modifiers: starts from all
  ['!k8s_cluster', ['db.example.com']],
  ['w*', ['w1', 'w2', 'w3', 'w4']], // globs match hosts, and groups (w1_group's w4 is already there)
  ['w1_*', ['w4']], // glob matching a group name
  ['w?', ['w1', 'w2', 'w3', 'w4']],
  ['cp[13]', ['cp1', 'cp3']],
  ['cp[!1]', ['cp2', 'cp3']],
  ['*.example.com', ['db.example.com']],
  ['kube_*', ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['~w[12]$', ['w1', 'w2']],
  ['~w1', ['w1', 'w4']], // anchored at the start only, and w1_group's host w4 matches too
  ['~(cp|gpu)\\d', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['~^db\\.', ['db.example.com']],
  ['~etc', ['cp1', 'cp2', 'cp3']], // regexes match group names too, anchored at the start (re.match)
  ['kube_node,!~^w[34]', ['w1', 'w2', 'gpu1']],
  ['kube_node[0]', ['w1']],
  ['kube_node[-1]', ['gpu1']],
  ['kube_node[1:2]', ['w2', 'w3']],
  ['kube_node[3:]', ['w4', 'gpu1']],
  ['nosuchhost,w1', ['w1']], // unknown names add nothing
];

for (const [pattern, expected] of cases) {
  test(`pattern ${JSON.stringify(pattern)}`, (t) => {
    t.deepEqual(names(pattern), expected);
  });
}

test('@file terms combine with other terms and modifiers', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'list');
  writeFileSync(file, 'w1\nw2 # noisy\n\n# w3\ncp1\nghost\n');
  t.deepEqual(names(`@${file}`), ['cp1', 'w1', 'w2']);
  t.deepEqual(names(`kube_node,!@${file}`), ['w3', 'w4', 'gpu1']);
  t.deepEqual(names(`etcd,&@${file}`), ['cp1']);
  const { warnings } = matchHosts(inv, `@${file}`);
  t.deepEqual(warnings, [`${file}: host "ghost" is not in the inventory; ignored`]);
});

test('terms that match nothing are reported as warnings', (t) => {
  const { hosts, warnings } = matchHosts(inv, 'w1,nosuch,!nothing');
  t.deepEqual(hosts.map((h) => h.name), ['w1']);
  t.deepEqual(warnings, [
    'host pattern term "nosuch" matches no host or group; ignored',
    'host pattern term "!nothing" matches no host or group; ignored',
  ]);
});

test('no match throws NoHostsMatchedError naming the pattern and known hosts', (t) => {
  const err = t.throws(() => selectHosts(inv, 'nosuch'), { instanceOf: NoHostsMatchedError });
  t.is(err!.message, 'host pattern "nosuch" matches no host in the inventory (known hosts: db.example.com, cp1, cp2, cp3, w1, w2, w3, w4, gpu1)');
  t.is(err!.pattern, 'nosuch');
  t.is(err!.exitCode, 1);
  t.throws(() => selectHosts(inv, 'gpu,!kube_node'), { instanceOf: NoHostsMatchedError });
  t.throws(() => selectHosts(inv, 'etcd:&gpu'), { instanceOf: NoHostsMatchedError });
  // node1, node3, node4 are not in this inventory
  t.throws(() => selectHosts(inv, `@${join(fixtures, 'hosts.txt')}`), { instanceOf: NoHostsMatchedError });
});

test('empty and malformed patterns are input errors', (t) => {
  for (const p of ['', ' , ', '!', 'a,&']) t.throws(() => selectHosts(inv, p), { instanceOf: InputError }, p);
  t.throws(() => selectHosts(inv, '~(unclosed'), { instanceOf: InputError, message: /invalid regular expression/ });
});

test('splitPattern: commas, colons, brackets, IPv6, regex and @file', (t) => {
  const cases: [string, string[]][] = [
    ['a,b', ['a', 'b']],
    ['a:b:!c', ['a', 'b', '!c']],
    ['a:&b', ['a', '&b']],
    ['web[1:3]:db', ['web[1:3]', 'db']],
    ['fe80::1', ['fe80::1']],
    ['2001:db8::1,web', ['2001:db8::1', 'web']],
    ['!2001:db8::1', ['!2001:db8::1']],
    ['~web:\\d+', ['~web:\\d+']],
    ['@/tmp/a:b,web', ['@/tmp/a:b', 'web']],
    [' a , , b ', ['a', 'b']],
  ];
  for (const [input, expected] of cases) t.deepEqual(splitPattern(input), expected, input);
});

test('an IPv6 host name can be selected', (t) => {
  const v6 = parseYamlInventory('all:\n  hosts:\n    "2001:db8::1":\n    other:\n', 'v6.yaml');
  t.deepEqual(selectHosts(v6, '2001:db8::1').map((h) => h.name), ['2001:db8::1']);
});

test('readHostListFile: one host per line, comments and blanks ignored', (t) => {
  t.deepEqual(readHostListFile(join(fixtures, 'hosts.txt')), ['node1', 'node3', 'node4']);
});

test('readHostListFile: CRLF and BOM-less Windows files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'crlf.txt');
  writeFileSync(file, 'a\r\nb\r\n');
  t.deepEqual(readHostListFile(file), ['a', 'b']);
});

test('readHostListFile: unreadable file and hostile names are FileInputErrors', (t) => {
  const missing = join(fixtures, 'does-not-exist.txt');
  const err = t.throws(() => readHostListFile(missing), { instanceOf: FileInputError });
  t.is(err!.message, `${missing}: cannot read host list: no such file`);
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'bad.txt');
  writeFileSync(file, 'ok\nmaster$(touch /tmp/x)\n');
  const bad = t.throws(() => readHostListFile(file), { instanceOf: FileInputError });
  t.is(bad!.line, 2);
  t.regex(bad!.message, /host name "master\$\(touch \/tmp\/x\)" is not allowed/);
});

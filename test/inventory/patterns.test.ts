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
const names = (pattern: string) => matchHosts(inv, pattern).hosts.map((h) => h.name);

// Expected values are what ansible-core 2.14 lists for `ansible -i inv.yaml PATTERN --list-hosts`
// (test/inventory/oracle.py), order included.
const cases: [string, string[]][] = [
  ['all', ['db.example.com', 'cp1', 'cp2', 'cp3', 'gpu1', 'w1', 'w2', 'w4', 'w3']], // Ansible order: each group of all in turn, children breadth-first (w3 comes last, from kube_node)
  ['*', ['db.example.com', 'cp1', 'cp2', 'cp3', 'gpu1', 'w1', 'w2', 'w4', 'w3']],
  ['w2', ['w2']],
  ['db.example.com', ['db.example.com']],
  ['gpu', ['gpu1']],
  ['ungrouped', ['db.example.com']],
  ['k8s_cluster', ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['w3,cp1', ['w3', 'cp1']], // term order, as Ansible
  ['etcd,gpu', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['etcd:gpu', ['cp1', 'cp2', 'cp3', 'gpu1']],
  [' etcd , gpu ', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['kube_node,!gpu', ['w1', 'w2', 'w3', 'w4']],
  ['kube_node:!gpu', ['w1', 'w2', 'w3', 'w4']],
  ['!gpu,kube_node', ['w1', 'w2', 'w3', 'w4']],
  ['k8s_cluster,&rack_a', ['cp1', 'w1', 'w2']],
  ['k8s_cluster:&rack_a:!etcd', ['w1', 'w2']],
  ['&rack_a,!w1', ['cp1', 'w2']],
  ['!k8s_cluster', ['db.example.com']],
  ['w*', ['w4', 'w1', 'w2', 'w3']], // groups first (w1_group: w4), then matching hosts
  ['w1_*', ['w4']],
  ['w?', ['w1', 'w2', 'w3', 'w4']],
  ['cp[13]', []], // a subscript of the non-existent group cp, as in Ansible: nothing
  ['cp[!1]', ['cp2', 'cp3']],
  ['*.example.com', ['db.example.com']],
  ['kube_*', ['cp1', 'cp2', 'cp3', 'w1', 'w2', 'w3', 'w4', 'gpu1']],
  ['~w[12]$', ['w1', 'w2']],
  ['~w1', ['w4', 'w1']], // anchored at the start only; group w1_group (w4) first
  ['~(cp|gpu)\\d', ['cp1', 'cp2', 'cp3', 'gpu1']],
  ['~^db\\.', ['db.example.com']],
  ['~etc', ['cp1', 'cp2', 'cp3']],
  ['kube_node,!~^w[34]', ['w1', 'w2', 'gpu1']],
  ['kube_node[0]', ['w1']],
  ['kube_node[-1]', ['gpu1']],
  ['kube_node[1:2]', ['w2', 'w3']],
  ['kube_node[3:]', ['w4', 'gpu1']],
  ['nosuchhost,w1', ['w1']],
  ['w0[1-3]', []], // [x-y] is the old subscript syntax, not a character class
  ['cp[1:2]', []], // subscript, not a host range
  ['kube_node[-2]', ['w4']],
  ['k8s_cluster[0]', ['cp1']], // the group's own order
  ['all[0]', ['db.example.com']],
  ['~(?i)W1', ['w4', 'w1']], // Python inline flags
  ['~(?P<x>w)\\d\\Z', ['w1', 'w2', 'w3', 'w4']], // Python named group and \Z
  ['w1:22', []], // one name (host:port) to Ansible: nothing
  ['etcd:gpu,w1', ['w1']], // with a comma, a colon does not separate: "etcd:gpu" matches nothing
];

for (const [pattern, expected] of cases) {
  test(`pattern ${JSON.stringify(pattern)}`, (t) => {
    t.deepEqual(names(pattern), expected);
  });
}

test('@file lines are patterns, combined with other terms and modifiers as --limit @file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'list');
  writeFileSync(file, 'w1\nw2\n\n# w3\ncp1\nghost\ngpu*\n!w2\n');
  t.deepEqual(names(`@${file}`), ['w1', 'cp1', 'gpu1']);
  t.deepEqual(names(`w3,@${file}`), ['w3', 'w1', 'cp1', 'gpu1']);
  const { warnings } = matchHosts(inv, `@${file}`);
  t.deepEqual(warnings, ['could not match supplied host pattern, ignoring: ghost']);
});

test('terms that match nothing are reported as warnings, as Ansible warns', (t) => {
  const { hosts, warnings } = matchHosts(inv, 'w1,nosuch,!nothing');
  t.deepEqual(hosts.map((h) => h.name), ['w1']);
  t.deepEqual(warnings, ['could not match supplied host pattern, ignoring: nosuch', 'could not match supplied host pattern, ignoring: nothing']);
  const seen: string[] = [];
  t.deepEqual(selectHosts(inv, 'cp1,typo', (w) => seen.push(w)).map((h) => h.name), ['cp1']);
  t.deepEqual(seen, ['could not match supplied host pattern, ignoring: typo']);
  t.regex(matchHosts(inv, 'etcd:gpu,w1').warnings[0]!, /a colon does not separate: Ansible reads "etcd:gpu" as one name/);
  t.regex(matchHosts(inv, 'w1:22').warnings[0]!, /not host:port/);
  t.regex(matchHosts(inv, 'kube_node[0-1]').warnings[0]!, /use \[x:y\] inclusive subscripts/);
});

test('subscripts out of range, implicit localhost and Python-only regex syntax are refused', (t) => {
  t.throws(() => matchHosts(inv, 'kube_node[5]'), { instanceOf: InputError, message: /no hosts matched the subscripted pattern "kube_node\[5\]"/ });
  t.deepEqual(names('kube_node[7:9]'), []); // a slice past the end is empty, as in Python
  t.throws(() => matchHosts(inv, 'w1,localhost'), { instanceOf: InputError, message: /implicit local connection/ });
  t.deepEqual(names('w1,!localhost'), ['w1']);
  t.throws(() => matchHosts(inv, '~(?i:w)1,cp1'), { instanceOf: InputError, message: /scoped flags/ });
  t.throws(() => matchHosts(inv, '~w1++'), { instanceOf: InputError, message: /possessive/ });
  t.throws(() => matchHosts(inv, '~(?>w)1'), { instanceOf: InputError, message: /atomic/ });
  t.throws(() => matchHosts(inv, '~(w1|w2,cp1)'), { instanceOf: InputError, message: /a comma always separates/ });
  t.throws(() => matchHosts(inv, '~\\q'), { instanceOf: InputError, message: /bad escape/ });
});

test('no match throws NoHostsMatchedError naming the pattern and known hosts', (t) => {
  const err = t.throws(() => selectHosts(inv, 'nosuch'), { instanceOf: NoHostsMatchedError });
  t.is(err!.message, 'host pattern "nosuch" matches no host in the inventory (known hosts: db.example.com, cp1, cp2, cp3, w1, w2, w3, w4, gpu1)');
  t.is(err!.pattern, 'nosuch');
  t.is(err!.exitCode, 1);
  t.throws(() => selectHosts(inv, 'gpu,!kube_node'), { instanceOf: NoHostsMatchedError });
  t.throws(() => selectHosts(inv, 'etcd:&gpu'), { instanceOf: NoHostsMatchedError });
  t.throws(() => selectHosts(inv, 'cp[13]'), { instanceOf: NoHostsMatchedError });
});

test('empty and malformed patterns are input errors', (t) => {
  for (const p of ['', ' , ', '!', 'a,&']) t.throws(() => selectHosts(inv, p), { instanceOf: InputError }, p);
  t.throws(() => selectHosts(inv, '~(unclosed'), { instanceOf: InputError, message: /invalid host pattern "~\(unclosed"/ });
});

test('splitPattern: commas, colons, brackets, IPv6, regex and @file', (t) => {
  // Ansible's split_host_pattern: with a comma only commas separate; without, a single address
  // (host:port, IPv6, host range) is one term, anything else splits on colons and spaces.
  const cases: [string, string[]][] = [
    ['a,b', ['a', 'b']],
    ['a:b:!c', ['a', 'b', '!c']],
    ['a:&b', ['a', '&b']],
    ['a b', ['a', 'b']],
    ['web[1:3]:db', ['web[1:3]', 'db']],
    ['web[1:3]', ['web[1:3]']],
    ['h:22', ['h:22']],
    ['10.0.0.1:22', ['10.0.0.1:22']],
    ['fe80::1', ['fe80::1']],
    ['2001:db8::1,web', ['2001:db8::1', 'web']],
    ['web:db,x1', ['web:db', 'x1']],
    ['~web:\\d+', ['~web', '\\d+']],
    ['~(a|b),c', ['~(a|b)', 'c']],
    ['@/tmp/a:b,web', ['@/tmp/a:b', 'web']],
    [' a , , b ', ['a', 'b']],
  ];
  for (const [input, expected] of cases) t.deepEqual(splitPattern(input), expected, input);
});

test('an IPv6 host name can be selected', (t) => {
  const v6 = parseYamlInventory('all:\n  hosts:\n    "2001:db8::1":\n    other:\n', 'v6.yaml');
  t.deepEqual(selectHosts(v6, '2001:db8::1').map((h) => h.name), ['2001:db8::1']);
});

test('readHostListFile: one pattern per line, comment lines and blanks ignored, spaces refused', (t) => {
  t.deepEqual(readHostListFile(join(fixtures, 'hosts.txt')), ['node1', 'node3', 'node4']);
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'trailing.txt');
  writeFileSync(file, 'node1\nnode3   # flaky NIC\n');
  const err = t.throws(() => readHostListFile(file), { instanceOf: FileInputError });
  t.is(err!.line, 2);
  t.regex(err!.message, /Ansible would read the whole line as one pattern/);
});

test('readHostListFile: CRLF and BOM-less Windows files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'crlf.txt');
  writeFileSync(file, 'a\r\nb\r\n');
  t.deepEqual(readHostListFile(file), ['a', 'b']);
});

test('readHostListFile: an unreadable file is a FileInputError; a hostile line only fails to match', (t) => {
  const missing = join(fixtures, 'does-not-exist.txt');
  const err = t.throws(() => readHostListFile(missing), { instanceOf: FileInputError });
  t.is(err!.message, `${missing}: cannot read host list: no such file`);
  const dir = mkdtempSync(join(tmpdir(), 'kremedy-inv-'));
  const file = join(dir, 'bad.txt');
  writeFileSync(file, 'w1\nmaster$(touch${IFS}/tmp/x)\n');
  // A line is a pattern matched against inventory names, never run: it selects nothing.
  const { hosts, warnings } = matchHosts(inv, `@${file}`);
  t.deepEqual(hosts.map((h) => h.name), ['w1']);
  t.is(warnings.length, 1);
  writeFileSync(file, 'w1\n\u001b]0;pwned\u0007\n');
  t.throws(() => readHostListFile(file), { instanceOf: FileInputError, message: /control characters/ });
});

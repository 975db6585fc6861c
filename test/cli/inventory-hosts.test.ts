import test from 'ava';
import { cli } from './helpers.js';

// `kremedy inventory --hosts PATTERN` lists what `ansible -i INV PATTERN --list-hosts` lists.
const INV = 'test/inventory/fixtures/hand/kubespray-reordered.ini';
const names = (stdout: string): string[] => (JSON.parse(stdout) as { name: string }[]).map((h) => h.name);

test("kube_control_plane[0] is the group's first host (node3), not the file's first (node1)", (t) => {
  const r = cli(['inventory', '-i', INV, '--hosts', 'kube_control_plane[0]', '--json']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(names(r.stdout), ['node3']);
  t.is(r.stderr, '');
});

test('a term that matches nothing warns on stderr and the rest is still selected, in pattern order', (t) => {
  const r = cli(['inventory', '-i', INV, '--hosts', 'node4,typo,kube_control_plane', '--json']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(names(r.stdout), ['node4', 'node3', 'node1']);
  t.is(r.stderr, 'kremedy: warning: could not match supplied host pattern, ignoring: typo\n');
});

test('node[1:3] is a subscript of a group node, as in Ansible: nothing matches, exit 1', (t) => {
  const r = cli(['inventory', '-i', INV, '--hosts', 'node[1:3]']);
  t.is(r.code, 1);
  t.regex(r.stderr, /could not match supplied host pattern, ignoring: node\[1:3\]/);
  t.regex(r.stderr, /host pattern "node\[1:3\]" matches no host in the inventory/);
});

test('an out-of-range subscript and a Python-only regex are refused with exit 1', (t) => {
  const sub = cli(['inventory', '-i', INV, '--hosts', 'kube_control_plane[2]']);
  t.is(sub.code, 1);
  t.regex(sub.stderr, /no hosts matched the subscripted pattern "kube_control_plane\[2\]"/);
  const re = cli(['inventory', '-i', INV, '--hosts', '~(?>node)1']);
  t.is(re.code, 1);
  t.regex(re.stderr, /atomic groups/);
});

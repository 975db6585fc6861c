import test from 'ava';
import { cli } from './helpers.js';

const FIX = 'test/inventory/fixtures';
/** The group tree: what ansible-inventory --graph prints (kremedy adds the connection settings after a blank line). */
const tree = (out: string) => out.slice(0, out.indexOf('\n\n') + 1);

test('kremedy inventory --graph on a filled kubespray INI inventory', (t) => {
  const r = cli(['inventory', '--graph', '-i', `${FIX}/kubespray-inventory-filled.ini`]);
  t.is(r.code, 0, r.stderr);
  t.is(
    tree(r.stdout),
    [
      '@all:',
      '  |--@etcd:',
      '  |  |--node1',
      '  |  |--node2',
      '  |  |--node3',
      '  |--@k8s_cluster:',
      '  |  |--@calico_rr:',
      '  |  |--@kube_control_plane:',
      '  |  |  |--node1',
      '  |  |  |--node2',
      '  |  |  |--node3',
      '  |  |--@kube_node:',
      '  |  |  |--node2',
      '  |  |  |--node3',
      '  |  |  |--node4',
      '  |  |  |--node5',
      '  |  |  |--node6',
      '  |--@ungrouped:',
      '',
    ].join('\n'),
  );
});

test('the kubespray sample INI (hosts commented out) still shows the group tree', (t) => {
  const r = cli(['inventory', '--graph', '-i', `${FIX}/kubespray-inventory.ini`]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^@all:\n {2}\|--@etcd:\n {2}\| {2}\|--@kube_control_plane:\n/);
  t.notRegex(r.stdout, /node\d/);
});

test('--graph --hosts GROUP starts from that group, like ansible-inventory --graph GROUP', (t) => {
  const r = cli(['inventory', '--graph', '--hosts', 'kube_node', '-i', `${FIX}/kubespray-inventory-filled.ini`]);
  t.is(r.code, 0, r.stderr);
  t.is(tree(r.stdout), '@kube_node:\n  |--node2\n  |--node3\n  |--node4\n  |--node5\n  |--node6\n');
  t.regex(r.stdout, /\n\n# connection settings, and where each came from\n {2}node2\n {4}address: "95\.54\.0\.13" {2}\(.*kubespray-inventory-filled\.ini:\d+ \(ansible_host\)\)\n/);
  t.notRegex(r.stdout, /^ {2}node1$/m, 'only the hosts of the graph');
  const bad = cli(['inventory', '--graph', '--hosts', 'kube_nod', '-i', `${FIX}/kubespray-inventory-filled.ini`]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /no group named "kube_nod"/);
});

test('the same tree from the YAML and the INI form of one inventory', (t) => {
  const yaml = cli(['inventory', '--graph', '-i', `${FIX}/fleet.yaml`]);
  const ini = cli(['inventory', '--graph', '-i', `${FIX}/fleet.ini`]);
  t.is(yaml.code, 0, yaml.stderr);
  t.is(ini.code, 0, ini.stderr);
  t.is(tree(ini.stdout), tree(yaml.stdout));
  t.regex(yaml.stdout, /^@all:\n/);
});

test('a missing inventory file: exit 1 and the file named', (t) => {
  const r = cli(['inventory', '--graph', '-i', `${FIX}/nope.ini`]);
  t.is(r.code, 1);
  t.regex(r.stderr, /nope\.ini: cannot read inventory/);
  t.is(r.stdout, '');
});

import test from 'ava';
import { cli } from './helpers.js';

const FIX = 'test/inventory/fixtures';

test('kremedy inventory --graph on a filled kubespray INI inventory', (t) => {
  const r = cli(['inventory', '--graph', '-i', `${FIX}/kubespray-inventory-filled.ini`]);
  t.is(r.code, 0, r.stderr);
  t.is(
    r.stdout,
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
  t.is(r.stdout, '@kube_node:\n  |--node2\n  |--node3\n  |--node4\n  |--node5\n  |--node6\n');
  const bad = cli(['inventory', '--graph', '--hosts', 'kube_nod', '-i', `${FIX}/kubespray-inventory-filled.ini`]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /no group named "kube_nod"/);
});

test('the same tree from the YAML and the INI form of one inventory', (t) => {
  const yaml = cli(['inventory', '--graph', '-i', `${FIX}/fleet.yaml`]);
  const ini = cli(['inventory', '--graph', '-i', `${FIX}/fleet.ini`]);
  t.is(yaml.code, 0, yaml.stderr);
  t.is(ini.code, 0, ini.stderr);
  t.is(ini.stdout, yaml.stdout);
  t.regex(yaml.stdout, /^@all:\n/);
});

test('a missing inventory file: exit 1 and the file named', (t) => {
  const r = cli(['inventory', '--graph', '-i', `${FIX}/nope.ini`]);
  t.is(r.code, 1);
  t.regex(r.stderr, /nope\.ini: cannot read inventory/);
  t.is(r.stdout, '');
});

import test from 'ava';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory, selectHosts } from '../../src/inventory/index.js';

// fixtures/fleet-generated.yml is what test/fleet/fleet.sh writes to run/inventory.yml for
// test/fleet/hosts.tsv (key and run paths made fixed).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const load = () => loadInventory(join(fixtures, 'fleet-generated.yml'));

test('the generated test-fleet inventory loads', async (t) => {
  const inv = await load();
  t.deepEqual([...inv.hosts.keys()], ['master', 'node1', 'node2', 'centos71', 'centos74', 'clean', 'w01', 'w02', 'w03', 'w04', 'w05', 'w06', 'w07', 'w08']);
  t.deepEqual(inv.warnings, []);
  const master = inv.hosts.get('master')!;
  t.like(master, { address: '10.213.0.10', port: 22, user: 'root', become: false, privateKeyFile: '/opt/kremedy-fleet/id_ed25519' });
  t.deepEqual(master.groups, ['all', 'etcd', 'flannel', 'kube_control_plane']);
  t.is(master.vars['ansible_python_interpreter'], '/usr/bin/python3');
  t.is(inv.hosts.get('w08')!.address, '10.213.0.23');
  t.deepEqual(inv.hosts.get('clean')!.groups, ['all', 'kube_node']);
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'kube_control_plane', 'etcd', 'flannel', 'kube_node', 'kube_router', 'centos', 'workers']);
});

test('fleet patterns used by the e2e tests and the demo', async (t) => {
  const inv = await load();
  const names = (p: string) => selectHosts(inv, p).map((h) => h.name);
  t.deepEqual(names('master'), ['master']);
  t.deepEqual(names('flannel'), ['master', 'node1', 'w01', 'w02', 'w03', 'w04', 'w05', 'w06', 'w07', 'w08']);
  t.deepEqual(names('flannel:!workers'), ['master', 'node1']);
  t.deepEqual(names('kube_node:&kube_router:!centos'), ['node2']);
  t.deepEqual(names('w0[!4-8]'), ['w01', 'w02', 'w03']); // w0[1-3] would be a subscript of a group w0, as in Ansible
  t.deepEqual(names('workers[0:2]'), ['w01', 'w02', 'w03']);
  t.deepEqual(names('~centos7[14]'), ['centos71', 'centos74']);
  t.deepEqual(names('clean,w01'), ['clean', 'w01']);
});

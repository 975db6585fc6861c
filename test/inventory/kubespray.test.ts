import test from 'ava';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory, renderGraph, selectHosts } from '../../src/inventory/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

test("kubespray's inventory/sample/inventory.ini loads unchanged (every host commented out)", async (t) => {
  const inv = await loadInventory(join(fixtures, 'kubespray-inventory.ini'));
  t.is(inv.hosts.size, 0);
  t.deepEqual([...inv.groups.keys()], ['all', 'ungrouped', 'kube_control_plane', 'etcd', 'kube_node']);
  t.deepEqual(inv.groups.get('etcd')!.children, ['kube_control_plane']);
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'etcd', 'kube_node']);
  t.deepEqual(inv.warnings, []);
});

test('the older kubespray sample ([all] + [k8s_cluster:children]) loads unchanged', async (t) => {
  const inv = await loadInventory(join(fixtures, 'kubespray-inventory-legacy.ini'));
  t.is(inv.hosts.size, 0);
  t.deepEqual(inv.groups.get('k8s_cluster')!.children, ['kube_control_plane', 'kube_node', 'calico_rr']);
  t.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'etcd', 'k8s_cluster']);
  t.is(
    renderGraph(inv),
    ['@all:', '  |--@etcd:', '  |--@k8s_cluster:', '  |  |--@calico_rr:', '  |  |--@kube_control_plane:', '  |  |--@kube_node:', '  |--@ungrouped:'].join('\n'),
  );
});

test('the kubespray sample filled in: hosts, groups, ip vars, inline comments', async (t) => {
  const inv = await loadInventory(join(fixtures, 'kubespray-inventory-filled.ini'));
  t.deepEqual([...inv.hosts.keys()], ['node1', 'node2', 'node3', 'node4', 'node5', 'node6']);
  const node1 = inv.hosts.get('node1')!;
  t.is(node1.address, '95.54.0.12');
  t.deepEqual(node1.vars, { ansible_host: '95.54.0.12' }, 'the "# ip=..." part is a comment');
  t.deepEqual(inv.hosts.get('node2')!.vars, { ansible_host: '95.54.0.13', ip: '10.3.0.2', etcd_member_name: 'etcd2' });
  t.deepEqual(inv.hosts.get('node1')!.groups, ['all', 'etcd', 'k8s_cluster', 'kube_control_plane']);
  t.deepEqual(inv.hosts.get('node2')!.groups, ['all', 'etcd', 'k8s_cluster', 'kube_control_plane', 'kube_node']);
  t.deepEqual(inv.hosts.get('node6')!.groups, ['all', 'k8s_cluster', 'kube_node']);
  t.deepEqual(inv.groups.get('ungrouped')!.hosts, []);
  t.deepEqual(selectHosts(inv, 'kube_node:!kube_control_plane').map((h) => h.name), ['node4', 'node5', 'node6']);
  t.deepEqual(selectHosts(inv, 'etcd:&kube_node').map((h) => h.name), ['node2', 'node3']);
});

test("kubespray's inventory builder hosts.yaml loads unchanged", async (t) => {
  const inv = await loadInventory(join(fixtures, 'kubespray-hosts.yaml'));
  t.deepEqual([...inv.hosts.keys()], ['node1', 'node2', 'node3']);
  t.like(inv.hosts.get('node3'), { name: 'node3', address: '10.10.1.5', port: 22, user: 'root' });
  t.deepEqual(inv.hosts.get('node3')!.vars, { ansible_host: '10.10.1.5', ip: '10.10.1.5', access_ip: '10.10.1.5' });
  t.deepEqual(inv.hosts.get('node1')!.groups, ['all', 'etcd', 'k8s_cluster', 'kube_control_plane', 'kube_node']);
  t.deepEqual(inv.hosts.get('node3')!.groups, ['all', 'etcd', 'k8s_cluster', 'kube_node']);
  t.deepEqual(inv.groups.get('k8s_cluster')!.children, ['kube_control_plane', 'kube_node']);
  t.deepEqual(inv.groups.get('calico_rr')!.hosts, []);
  t.deepEqual(inv.groups.get('ungrouped')!.hosts, []);
  t.deepEqual(selectHosts(inv, 'k8s_cluster').map((h) => h.name), ['node1', 'node2', 'node3']);
  t.deepEqual(inv.warnings, []);
});

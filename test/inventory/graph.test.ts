import test from 'ava';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { loadInventory, parseYamlInventory, renderGraph } from '../../src/inventory/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

test('renderGraph matches ansible-inventory --graph for the kubespray hosts.yaml', async (t) => {
  const inv = await loadInventory(join(fixtures, 'kubespray-hosts.yaml'));
  t.is(
    renderGraph(inv),
    `@all:
  |--@calico_rr:
  |--@etcd:
  |  |--node1
  |  |--node2
  |  |--node3
  |--@k8s_cluster:
  |  |--@kube_control_plane:
  |  |  |--node1
  |  |  |--node2
  |  |--@kube_node:
  |  |  |--node1
  |  |  |--node2
  |  |  |--node3
  |--@kube_control_plane:
  |  |--node1
  |  |--node2
  |--@kube_node:
  |  |--node1
  |  |--node2
  |  |--node3
  |--@ungrouped:`,
  );
});

test('renderGraph: ungrouped hosts, sorting, deep nesting, and a sub-tree', (t) => {
  const inv = parseYamlInventory(
    'all:\n  hosts:\n    zeta:\n    alpha:\n  children:\n    b:\n      hosts: {h2: , h1: }\n      children:\n        c:\n          children:\n            d:\n              hosts: {h3: }\n',
    'g.yaml',
  );
  t.is(
    renderGraph(inv),
    `@all:
  |--@b:
  |  |--@c:
  |  |  |--@d:
  |  |  |  |--h3
  |  |--h1
  |  |--h2
  |--@ungrouped:
  |  |--alpha
  |  |--zeta`,
  );
  t.is(renderGraph(inv, 'c'), '@c:\n  |--@d:\n  |  |--h3');
  t.throws(() => renderGraph(inv, 'nope'), { instanceOf: InputError, message: 'no group named "nope" in g.yaml' });
});

test('renderGraph of the fleet inventory', async (t) => {
  const inv = await loadInventory(join(fixtures, 'fleet.ini'));
  t.is(
    renderGraph(inv),
    `@all:
  |--@control_plane:
  |  |--master
  |--@flannel:
  |  |--master
  |  |--node1
  |  |--node2
  |--@ungrouped:
  |--@workers:
  |  |--node1
  |  |--node2`,
  );
});

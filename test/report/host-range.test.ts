import test from 'ava';
import fc from 'fast-check';
import { compactHosts, expandHosts } from '../../src/report/host-range.js';

test('numbered names fold into Ansible ranges, padding kept', (t) => {
  const w = Array.from({ length: 12 }, (_, i) => `w${String(i + 1).padStart(2, '0')}`);
  t.is(compactHosts(w), 'w[01:12]');
  t.is(compactHosts(Array.from({ length: 19 }, (_, i) => `ceoh${i + 1}`)), 'ceoh[1:19]');
  t.is(compactHosts(['node1', 'master', 'node2', 'node3']), 'master,node[1:3]');
  t.is(compactHosts(['w01', 'w02', 'w04', 'w05', 'w06']), 'w[01:02],w[04:06]');
  t.is(compactHosts(['w9', 'w10', 'w11']), 'w[9:11]');
  // 09 is padded to two digits, 100 is not: two ranges, each reads back right.
  t.is(compactHosts(['w08', 'w09', 'w10', 'w100']), 'w[08:10],w100');
  // w1 and w01 are different hosts: never folded together.
  t.deepEqual(expandHosts(compactHosts(['w1', 'w01', 'w2', 'w02'])).sort(), ['w01', 'w02', 'w1', 'w2']);
  t.is(compactHosts(['n1.example.com', 'n2.example.com', 'n3.example.com']), 'n[1:3].example.com');
  t.is(compactHosts(['rack1-n1', 'rack1-n2', 'rack2-n1']), 'rack1-n[1:2],rack2-n1');
  t.is(compactHosts(['solo']), 'solo');
  t.is(compactHosts([]), '');
});

test('expandHosts reads what compactHosts writes', (t) => {
  t.deepEqual(expandHosts('w[01:03],x'), ['w01', 'w02', 'w03', 'x']);
  t.deepEqual(expandHosts('ceoh[8:11]'), ['ceoh8', 'ceoh9', 'ceoh10', 'ceoh11']);
});

test('the compact form is reversible for any set of names', (t) => {
  const name = fc.tuple(fc.constantFrom('w', 'node', 'ceoh', 'a-', ''), fc.integer({ min: 0, max: 120 }), fc.constantFrom(0, 2, 3), fc.constantFrom('', '.lan', 'x'))
    .map(([p, n, pad, s]) => `${p}${String(n).padStart(pad, '0')}${s}`)
    .filter((n) => n !== '');
  fc.assert(
    fc.property(fc.array(name, { maxLength: 60 }), (names) => {
      const back = expandHosts(compactHosts(names)).sort();
      return JSON.stringify(back) === JSON.stringify([...new Set(names)].sort());
    }),
    { numRuns: 500 },
  );
  t.pass();
});

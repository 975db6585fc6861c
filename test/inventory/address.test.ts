import test from 'ava';
import { isAnsibleAddress } from '../../src/inventory/address.js';

// Expected values from Ansible's parse_address(text, allow_ranges=True) (ansible-core 2.14).
const cases: [string, boolean][] = [
  ['node1', true],
  ['node1:22', true],
  ['web:db', false],
  ['fe80::1', true],
  ['node[1:3]', true],
  ['web[1]', false],
  ['db::x', true], // Ansible's IPv6 regex only anchors its last alternative at the end
  ['a_', false],
  ['10.0.0.1:22', true],
  ['[::1]:2222', true],
  ['web*', false],
];

for (const [text, expected] of cases) {
  test(`parse_address ${JSON.stringify(text)}`, (t) => {
    t.is(isAnsibleAddress(text), expected);
  });
}

import test from 'ava';
import AjvModule from 'ajv';
import { IPV4_ADDRESS, IPV4_ADDRESS_PORT, iptables, link } from '../../src/dsl/builders.js';
import { InputError } from '../../src/errors.js';
import { TASK_FORMS } from '../../src/authoring/yaml-forms.js';
import { safeNameRule } from '../../src/shell/quote.js';

// Names that reach remote commands follow one rule (shell/quote.ts), in the builders and in the
// YAML schema alike: `@` (iproute2 prints veth0@if3), `:` (the kernel refuses it in a link name)
// and a leading `-` (read as an option by ip and iptables) are refused.
const linkNames: Array<[string, boolean]> = [
  ['flannel.1', true], ['kube-bridge', true], ['cni0', true], ['tun_1', true],
  ['veth0@if3', false], ['eth0:1', false], ['-x', false], ['--help', false], ['a'.repeat(16), false], ['', false], ['eth0; reboot', false],
];
const chainNames: Array<[string, boolean]> = [
  ['DOCKER-ISOLATION-STAGE-1', true], ['KUBE-SVC-ABC:1', true], ['-F', false], ['--flush', false], ['A B', false], ['FORWARD', false], ['a'.repeat(29), false],
];

test('link.absent and the link_absent schema accept exactly the safe link names', (t) => {
  const schema = new AjvModule.default().compile({ type: 'string', pattern: TASK_FORMS.link_absent.properties.name['pattern'] as string });
  for (const [name, ok] of linkNames) {
    if (ok) t.notThrows(() => link.absent(name), name);
    else t.throws(() => link.absent(name), { instanceOf: InputError }, name);
    t.is(schema(name), ok && safeNameRule('link').pattern.test(name), `schema: ${name}`);
  }
});

test('iptables.chainReturn refuses built-in chains and names that are not safe chain names', (t) => {
  for (const [name, ok] of chainNames) {
    if (ok) t.notThrows(() => iptables.chainReturn('filter', name), name);
    else t.throws(() => iptables.chainReturn('filter', name), { instanceOf: InputError }, name);
  }
});

test('link globs: a name prefix then * or ?, never a leading -', (t) => {
  t.notThrows(() => link.matchingAbsent('tun-*'));
  for (const g of ['-x*', '*', 'eth0:*', 'a b*']) t.throws(() => link.matchingAbsent(g), { instanceOf: InputError }, g);
});

test('IPv4 patterns: dotted quads only, with an optional port for a server', (t) => {
  for (const a of ['10.0.0.1', '255.255.255.255', '0.0.0.0']) t.true(IPV4_ADDRESS.test(a), a);
  for (const a of ['256.0.0.1', '01.2.3.4', '10.0.0', '10.0.0.1/32', '10.0.0.1:53']) t.false(IPV4_ADDRESS.test(a), a);
  t.true(IPV4_ADDRESS_PORT.test('8.8.8.8:53'));
  t.true(IPV4_ADDRESS_PORT.test('8.8.8.8'));
  t.false(IPV4_ADDRESS_PORT.test('8.8.8.8:'));
});

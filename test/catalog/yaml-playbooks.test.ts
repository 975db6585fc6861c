import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/catalog.js';
import { playbookFromYaml } from '../../src/authoring/yaml-playbook.js';
import { FileInputError } from '../../src/errors.js';
import type { Facts } from '../../src/facts/types.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function error(text: string): FileInputError {
  try {
    playbookFromYaml('pb.yml', text);
  } catch (err) {
    if (err instanceof FileInputError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

const HEAD = 'name: t\ndescription: d\n';

test('the YAML example builds exactly the tasks of the TypeScript example', async (t) => {
  const yml = await loadPlaybook(path.join(REPO, 'examples/kube-router-cleanup.yml'));
  const ts = await loadPlaybook(path.join(REPO, 'examples/kube-router-cleanup.ts'));
  t.is(yml.name, ts.name);
  t.is(yml.description, ts.description);
  t.deepEqual(yml.tasks({}).map((x) => x.spec), ts.tasks({}).map((x) => x.spec));
  t.deepEqual(yml.tasks({}).map((x) => x.title), ts.tasks({}).map((x) => x.title));
  t.deepEqual(yml.tasks({}).map((x) => Boolean(x.when)), [false, false, true, false]);
});

test('every form, title and when: built through the builders', (t) => {
  const pb = playbookFromYaml(
    'pb.yml',
    `${HEAD}params:
  cni: { type: enum, values: [flannel, kube-router], default: flannel, description: which CNI }
  strict: { type: boolean, default: false, description: be strict }
tasks:
  - iptables_flush: { table: nat }
  - iptables_policy: { table: mangle, chains: all, policy: ACCEPT }
  - link_absent: { name: flannel.1 }
    when: { cni: flannel, os_family: [debian, rhel], params: { cni: flannel } }
  - path_absent: { path: /run/flannel }
    title: flannel runtime state gone
  - files_absent: { dir: /etc/cni/net.d, glob: '*.conflist', keep: [99-loopback.conf] }
`,
  );
  t.deepEqual(pb.params['cni'], { type: 'enum', values: ['flannel', 'kube-router'], default: 'flannel', description: 'which CNI' });
  const tasks = pb.tasks({ cni: 'flannel' });
  t.deepEqual(tasks.map((x) => x.spec), [
    { kind: 'iptables-flush', table: 'nat' },
    { kind: 'iptables-policy', table: 'mangle', chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], policy: 'ACCEPT' },
    { kind: 'link-absent', name: 'flannel.1' },
    { kind: 'path-absent', path: '/run/flannel' },
    { kind: 'glob-absent', dir: '/etc/cni/net.d', glob: '*.conflist', keep: ['99-loopback.conf'] },
  ]);
  t.is(tasks[3]!.title, 'flannel runtime state gone');
  const cond = tasks[2]!.when!;
  t.is(cond.describe, 'the CNI is flannel and the OS family is debian or rhel and cni is flannel');
  const facts = (cni: string, family: string) => ({ cni: { detected: cni }, os: { family } }) as unknown as Facts;
  t.true(cond.test({ facts: facts('flannel', 'rhel'), params: { cni: 'flannel' } }));
  t.false(cond.test({ facts: facts('kube-router', 'rhel'), params: { cni: 'flannel' } }));
  t.false(cond.test({ facts: facts('flannel', 'other'), params: { cni: 'flannel' } }));
  t.false(cond.test({ facts: facts('flannel', 'debian'), params: { cni: 'kube-router' } }));
});

test('an unknown key: file, line, column, and the key it probably meant', (t) => {
  const e = error(`${HEAD}tasks:\n  - iptables_flush: { table: nat }\n  - link_absnet: { name: cni0 }\n`);
  t.is(e.file, 'pb.yml');
  t.is(e.line, 5);
  t.is(e.column, 5);
  t.regex(e.message, /^pb\.yml:5:5: unknown key "link_absnet" \(did you mean "link_absent"\?\)/);
});

test('a wrong value: the line of the value and what was expected', (t) => {
  const e = error(`${HEAD}tasks:\n  - iptables_flush:\n      table: natt\n`);
  t.is(e.line, 5);
  t.regex(e.message, /expected one of filter, nat, mangle, raw, got "natt" \(at tasks\.0\.iptables_flush\.table\)/);
});

test('a task without an action, or with two', (t) => {
  t.regex(error(`${HEAD}tasks:\n  - title: nothing\n`).message, /pb\.yml:4:5: a task needs one action: iptables_flush, /);
  const two = error(`${HEAD}tasks:\n  - link_absent: { name: a }\n    path_absent: { path: /x }\n`);
  t.regex(two.message, /pb\.yml:4:5: a task has exactly one action, found link_absent and path_absent/);
});

test('a missing key and a bad pattern', (t) => {
  t.regex(error(`${HEAD}tasks:\n  - link_absent: {}\n`).message, /pb\.yml:4:18: missing key "name"/);
  const bad = error(`${HEAD}tasks:\n  - link_absent: { name: "eth0; reboot" }\n`);
  t.regex(bad.message, /pb\.yml:4:26: "eth0; reboot" is not valid: expected interface name/);
  t.regex(error(`name: t\ntasks: [{ link_absent: { name: a } }]\n`).message, /pb\.yml:1:1: missing key "description"/);
  t.regex(error(`${HEAD}tasks: []\n`).message, /pb\.yml:3:8: expected at least 1 item\(s\) \(at tasks\)/);
});

test('the builders rule as in TypeScript: a chain that is not built in, a relative path', (t) => {
  const chain = error(`${HEAD}tasks:\n  - iptables_policy: { table: raw, chains: [INPUT], policy: ACCEPT }\n`);
  t.regex(chain.message, /pb\.yml:4:22: "INPUT" is not a built-in chain of the raw table/);
  t.regex(error(`${HEAD}tasks:\n  - path_absent: { path: /etc/../etc/x }\n`).message, /pb\.yml:4:18: path must be absolute and normalised/);
});

test('when: an undeclared parameter, a CNI that does not exist', (t) => {
  const e = error(`${HEAD}params:\n  cni: { type: string, description: x }\ntasks:\n  - link_absent: { name: a }\n    when: { params: { cnni: x } }\n`);
  t.regex(e.message, /pb\.yml:7:23: unknown parameter "cnni" \(did you mean "cni"\?\)/);
  t.regex(error(`${HEAD}tasks:\n  - link_absent: { name: a }\n    when: { cni: calico }\n`).message, /pb\.yml:5:18: expected CNI detected on the host, got "calico"/);
});

test('params: enum needs its default among the values; a pattern must compile', (t) => {
  t.regex(error(`${HEAD}params:\n  m: { type: enum, values: [a, b], default: c, description: x }\ntasks: [{ link_absent: { name: a } }]\n`).message, /pb\.yml:4:45: default must be one of a, b/);
  t.regex(error(`${HEAD}params:\n  m: { type: string, pattern: '(', description: x }\ntasks: [{ link_absent: { name: a } }]\n`).message, /pb\.yml:4:31: not a valid regular expression/);
  t.regex(error(`${HEAD}params:\n  m: { type: enum, description: x }\ntasks: [{ link_absent: { name: a } }]\n`).message, /missing key "values"/);
});

test('not YAML, or not a mapping', (t) => {
  t.regex(error('name: [unclosed\n').message, /^pb\.yml:\d+:\d+: not valid YAML/);
  t.regex(error(`${HEAD}name: again\ntasks: []\n`).message, /pb\.yml:3:1: not valid YAML: Map keys must be unique/);
  t.regex(error('- a\n- b\n').message, /pb\.yml:1:1: a playbook is a mapping/);
});

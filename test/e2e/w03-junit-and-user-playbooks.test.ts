import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CLIENT_KEY, KNOWN_HOSTS, REPO, hostIp, kremedy, onHost, recapOf, reseed, snapshot, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: w03 (reseeded, then changed for real), and "ghost" (a refused port: unreachable).
// The tests share w03: serial.

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase', htmlEntities: true });

test.serial('a real reset writes a JUnit file that CI can read: passing changes, an errored unreachable host', async (t) => {
  await reseed('w03', 'flannel');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-junit-'));
  const inv = path.join(dir, 'hosts.yml');
  writeFileSync(
    inv,
    ['all:', '  vars:', `    ansible_ssh_private_key_file: ${CLIENT_KEY}`, '    ansible_user: root', '  hosts:',
      `    w03: { ansible_host: ${hostIp('w03')} }`, '    ghost: { ansible_host: 127.0.0.1, ansible_port: 1 }', ''].join('\n'),
  );
  const junit = path.join(dir, 'out', 'junit.xml');
  const missingDir = await kremedy(['run', 'reset-node', '--hosts', 'w03', '-i', inv, '--known-hosts', KNOWN_HOSTS, '--junit', junit], { fleetDefaults: false });
  t.is(missingDir.code, 1, 'a report path in a missing directory is refused before any host is touched');
  t.regex(missingDir.stderr, /--junit .*does not exist/);
  t.is((await tryOnHost('w03', 'ip link show flannel.1')).code, 0, 'w03 was not touched');

  const file = path.join(dir, 'junit.xml');
  const res = await kremedy(['run', 'reset-node', '--hosts', 'all', '--json', '-i', inv, '--known-hosts', KNOWN_HOSTS, '--junit', file], { fleetDefaults: false });
  t.is(res.code, 4, res.stderr);
  t.not((await tryOnHost('w03', 'ip link show flannel.1')).code, 0, 'the reset really ran');

  const xml = readFileSync(file, 'utf8');
  t.is(XMLValidator.validate(xml), true);
  const doc = parser.parse(xml);
  const suites = doc.testsuites.testsuite as any[];
  const w03 = suites.find((s) => s.name === 'w03');
  const tasks = tasksOf(res, 'w03');
  t.is(Number(w03.tests), tasks.length, 'one testcase per task');
  t.is(w03.failures, '0');
  t.is(Number(w03.skipped), recapOf(res)['w03']!.skipped);
  t.deepEqual(w03.testcase.map((c: any) => c.name), tasks.map((x) => x.task));
  t.true(w03.testcase.every((c: any) => c.classname === 'reset-node.w03'));
  const changed = w03.testcase.filter((c: any) => /^changed/.test(c['system-out'] ?? ''));
  t.is(changed.length, recapOf(res)['w03']!.changed);
  t.true(changed.some((c: any) => c.name === 'link flannel.1 absent'));
  t.true(changed.every((c: any) => Number(c.time) > 0), 'applied steps carry their duration');
  const ghost = suites.find((s) => s.name === 'ghost');
  t.is(ghost.testcase[0].name, 'connect');
  t.is(ghost.errors, '1');
});

test.serial('a YAML playbook from a file (the kube-router field note) converges a kube-router node, then changes nothing', async (t) => {
  await reseed('w03', 'kube-router');
  const pb = path.join(REPO, 'examples/kube-router-cleanup.yml');
  const before = await snapshot('w03');
  const dry = await kremedy(['run', pb, '--hosts', 'w03', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.is(await snapshot('w03'), before, 'dry run changes nothing');
  t.deepEqual(tasksOf(dry, 'w03').filter((x) => x.status === 'pending').map((x) => x.task), [
    'iptables filter: policy ACCEPT on INPUT',
    '/etc/cni/net.d/* absent',
    'link kube-bridge absent',
  ]);

  const res = await kremedy(['run', pb, '--hosts', 'w03', '--json']);
  t.is(res.code, 0, res.stderr);
  t.is(recapOf(res)['w03']!.changed, 3);
  t.regex(await onHost('w03', 'iptables -S INPUT'), /^-P INPUT ACCEPT\n/);
  t.is((await onHost('w03', 'ls -A /etc/cni/net.d')).trim(), '');
  t.not((await tryOnHost('w03', 'ip link show kube-bridge')).code, 0);

  const again = await kremedy(['run', pb, '--hosts', 'w03', '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)['w03']!.changed, 0, 'idempotent');
  t.is(recapOf(again)['w03']!.pending, 0);
});

test.serial('a TypeScript playbook in the user\'s own project runs through the CLI', async (t) => {
  await reseed('w03', 'flannel');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-userproj-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'kremedy'), 'dir');
  writeFileSync(
    path.join(dir, 'drop-cni0.ts'),
    `import { link, note, playbook, param } from 'kremedy';
export default playbook<{ bridge: string }>({
  name: 'drop-bridge',
  description: 'delete one bridge',
  params: { bridge: param.string('the bridge', { default: 'cni0' }) },
  tasks: (p) => [note('which', 'which', () => 'bridge ' + p.bridge), link.absent(p.bridge)],
});
`,
  );
  const res = await kremedy(['run', path.join(dir, 'drop-cni0.ts'), '--hosts', 'w03', '--json', '-e', 'bridge=cni0']);
  t.is(res.code, 0, res.stderr);
  t.is(res.events.find((e) => e['type'] === 'start')?.['playbook'], 'drop-bridge');
  t.deepEqual(tasksOf(res, 'w03').map((x) => [x.task, x.status]), [['which', 'ok'], ['link cni0 absent', 'changed']]);
  t.not((await tryOnHost('w03', 'ip link show cni0')).code, 0, 'cni0 is gone');
  t.is((await tryOnHost('w03', 'ip link show flannel.1')).code, 0, 'nothing else was touched');

  writeFileSync(path.join(dir, 'not-a-playbook.ts'), 'export default { name: 1 };\n');
  const bad = await kremedy(['run', path.join(dir, 'not-a-playbook.ts'), '--hosts', 'w03']);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /not-a-playbook\.ts: default export is not a playbook: missing name/);
});

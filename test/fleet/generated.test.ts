import test from 'ava';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/inventory/index.js';

// docker-compose.test.yml and inventory/hosts.yml are generated from test/fleet/hosts.tsv:
// these fail when someone edits one without the other.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

for (const script of ['compose.mjs', 'demo-inventory.mjs']) {
  test(`${script} --check: the committed file matches hosts.tsv`, (t) => {
    t.notThrows(() => execFileSync(process.execPath, [path.join(repo, 'test/fleet', script), '--check'], { stdio: 'pipe' }));
  });
}

test('the default inventory is the demo fleet, with the master in the control plane', async (t) => {
  const inv = await loadInventory(path.join(repo, 'inventory/hosts.yml'));
  t.deepEqual(inv.warnings, []);
  const master = inv.hosts.get('master');
  t.is(master?.address, '10.213.0.10');
  t.is(master?.user, 'root');
  t.true(master?.groups.includes('kube_control_plane'));
  t.is(inv.hosts.get('centos71')?.address, '10.213.0.13');
});

test('the RPM-family host: os rhel8 builds from the rpm-host target, the others from fleet-host', async (t) => {
  const { parseHosts, render } = (await import(path.join(repo, 'test/fleet/compose.mjs'))) as {
    parseHosts: (text: string) => Array<{ name: string; os: string }>;
    render: (hosts: unknown[]) => string;
  };
  const tsv = 'deb\tdebian12\t-\tclean\tg\nrh\trhel8\t-\tclean\trhel\nrhk\trhel8\t4.18.0-553.el8_10.x86_64\tclean\trhel\n';
  const yml = render(parseHosts(tsv));
  t.regex(yml, /x-fleet-host: &fleet-host\n {2}build:\n(?: {4}.*\n)* {4}target: fleet-host\n/);
  const service = (name: string) => yml.slice(yml.indexOf(`\n  ${name}:\n`), yml.indexOf('ipv4_address', yml.indexOf(`\n  ${name}:\n`)));
  t.notRegex(service('deb'), /rpm-host/);
  t.regex(service('rh'), /target: rpm-host\n {4}image: kremedy-fleet-host:rpm\n/);
  t.regex(service('rhk'), /KREMEDY_KERNEL: "4\.18\.0-553\.el8_10\.x86_64"/);
  t.throws(() => parseHosts('rh\trhel8\tnot a kernel\tclean\trhel\n'), { message: /bad kernel 'not a kernel' for os rhel8/ });
  t.throws(() => parseHosts('c\tcentos7.1\t-\tclean\tcentos\n'), { message: /bad kernel '-' for os centos7\.1/ });
});

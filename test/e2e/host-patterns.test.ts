import test from 'ava';
import { kremedy } from './helpers/fleet.js';

// Read-only (facts) on centos71/centos74: host patterns reach the hosts Ansible would pick, and
// a term that matches nothing is a warning, not a silent drop (issue 11).
const factHosts = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; host?: string })
    .filter((e) => e.type === 'facts')
    .map((e) => e.host!);

test('--hosts with a typo warns on stderr and still probes the host that matched', async (t) => {
  const res = await kremedy(['facts', '--hosts', 'centos74,typo', '--json']);
  t.is(res.code, 0, res.stderr);
  t.deepEqual(factHosts(res.stdout), ['centos74']);
  t.regex(res.stderr, /^kremedy: warning: could not match supplied host pattern, ignoring: typo$/m);
});

test("a subscript picks from the group's own order, over SSH", async (t) => {
  const res = await kremedy(['facts', '--hosts', 'centos[-1]', '--json']);
  t.is(res.code, 0, res.stderr);
  t.deepEqual(factHosts(res.stdout), ['centos74']);
  t.notRegex(res.stderr, /warning/);
});

test('node[1:3] is a subscript of a missing group, as in Ansible: exit 1, no host probed', async (t) => {
  const res = await kremedy(['facts', '--hosts', 'node[1:3]', '--json']);
  t.is(res.code, 1);
  t.deepEqual(factHosts(res.stdout), []);
  t.regex(res.stderr, /host pattern "node\[1:3\]" matches no host in the inventory/);
});

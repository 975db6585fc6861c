import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_KEY, FLEET_NET, INVENTORY, KNOWN_HOSTS, kremedy, onHost, recapOf, reseed, snapshot, tasksOf, tryOnHost } from './helpers/fleet.js';

// Hosts: w09, w10 (plan/apply/drift), w11 (undo), w12 (rolling batches). Serial within the file.
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'kr-plan-'));
const env = { KREMEDY_PLAN_KEY: 'test-plan-key' };

test.serial('plan then apply changes exactly the planned steps; a host that drifted is refused, the other applied', async (t) => {
  await reseed('w09', 'flannel');
  await reseed('w10', 'flannel');
  const dir = tmp();
  const planFile = path.join(dir, 'plan.json');
  const before = await snapshot('w09');
  const planned = await kremedy(['plan', 'reset-node', '--hosts', 'w09,w10', '--out', planFile, '--json'], { env });
  t.is(planned.code, 0, planned.stderr);
  t.is(await snapshot('w09'), before, 'planning changes nothing');
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  t.is(plan.format, 'kremedy-plan/4');
  t.deepEqual(plan.hosts.map((h: { host: string }) => h.host), ['w09', 'w10']);
  const plannedSteps = plan.hosts[0].tasks.filter((x: { status: string }) => x.status === 'pending').map((x: { title: string }) => x.title);
  t.true(plannedSteps.length >= 7);
  t.regex(planned.stderr, /2 host\(s\): 1[0-9] change\(s\) pending/);

  // Someone changes w10 between review and apply.
  await onHost('w10', 'iptables -A DOCKER-ISOLATION -s 10.9.9.9 -j DROP');
  // No -i: apply uses the inventory the plan was made with (there is no inventory/hosts.yml in dir).
  const applied = await kremedy(['apply', planFile, '--json', '--known-hosts', KNOWN_HOSTS], { env, cwd: dir, fleetDefaults: false });
  t.is(applied.code, 2, applied.stderr);
  const changed = tasksOf(applied, 'w09').filter((e) => e.status === 'changed').map((e) => e.task);
  t.deepEqual(changed, plannedSteps, 'exactly the planned steps ran');
  t.deepEqual((await onHost('w09', 'iptables -S')).trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
  const drift = applied.events.find((e) => e['type'] === 'drift' && e['host'] === 'w10');
  t.truthy(drift, 'a drift report for w10');
  t.regex(JSON.stringify(drift), /-A DOCKER-ISOLATION -s 10\.9\.9\.9\/32 -j DROP/);
  t.regex(applied.stderr, /w10.*state changed since the plan was made/);
  t.regex(await onHost('w10', 'iptables -S'), /DOCKER-ISOLATION/, 'the drifted host was not touched');
  t.is(readFileSync(path.join(dir, '.kremedy/retry/reset-node.hosts'), 'utf8'), 'w10\n');
});

test.serial('a tampered or stale plan is refused before any host is touched', async (t) => {
  await reseed('w09', 'flannel');
  const dir = tmp();
  const planFile = path.join(dir, 'plan.json');
  t.is((await kremedy(['plan', 'reset-node', '--hosts', 'w09', '--out', planFile], { env })).code, 0);
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const change = plan.hosts[0].tasks.find((x: { status: string }) => x.status === 'pending');
  change.commands = ['touch /tmp/kremedy-tampered'];
  const tampered = path.join(dir, 'tampered.json');
  writeFileSync(tampered, JSON.stringify(plan));
  const res = await kremedy(['apply', tampered], { env });
  t.is(res.code, 1);
  t.regex(res.stderr, /signature does not match/);
  t.is((await onHost('w09', 'test -e /tmp/kremedy-tampered && echo yes || echo no')).trim(), 'no');

  const wrongKey = await kremedy(['apply', planFile], { env: { KREMEDY_PLAN_KEY: 'another-key' } });
  t.is(wrongKey.code, 1);
  const stale = await kremedy(['apply', planFile, '--max-age', '0'], { env });
  t.is(stale.code, 1);
  t.regex(stale.stderr, /older than --max-age 0 s/);
  t.regex(await onHost('w09', 'iptables -S'), /DOCKER-ISOLATION/, 'nothing was applied');
});

test.serial('undo after reset-node restores iptables-save output and the removed files; links come back', async (t) => {
  await reseed('w11', 'flannel');
  const saveAll = 'for t in filter nat mangle; do iptables-save -t $t | grep -v "^#" | sed "s/ \\[[0-9]*:[0-9]*\\]$//"; done';
  const rulesBefore = await onHost('w11', saveAll);
  const filesBefore = await onHost('w11', 'ls -l /etc/cni/net.d; cat /etc/cni/net.d/10-flannel.conflist; find /run/flannel -type f | xargs md5sum');
  const reset = await kremedy(['run', 'reset-node', '--hosts', 'w11', '--json']);
  t.is(reset.code, 0, reset.stderr);
  const runId = reset.events.find((e) => e['type'] === 'start')?.['runId'] as string;
  t.not(await onHost('w11', saveAll), rulesBefore);

  const runs = await kremedy(['runs', '--hosts', 'w11']);
  t.regex(runs.stdout, new RegExp(runId));

  const dry = await kremedy(['undo', runId, '--hosts', 'w11', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.true(tasksOf(dry, 'w11').every((e) => e.status === 'pending'));
  t.not(await onHost('w11', saveAll), rulesBefore, 'a dry-run undo restores nothing');

  const undo = await kremedy(['undo', runId, '--hosts', 'w11', '--json']);
  t.is(undo.code, 0, undo.stderr + undo.stdout);
  t.is(await onHost('w11', saveAll), rulesBefore, 'iptables-save output identical to before (counters aside)');
  t.is(await onHost('w11', 'ls -l /etc/cni/net.d; cat /etc/cni/net.d/10-flannel.conflist; find /run/flannel -type f | xargs md5sum'), filesBefore);
  t.is((await tryOnHost('w11', 'ip -d link show flannel.1')).code, 0, 'the vxlan was recreated');
  t.regex(await onHost('w11', 'ip -d link show flannel.1'), /vxlan id 1 .*dstport 8472/);
  t.regex(await onHost('w11', 'ip -4 addr show cni0'), /10\.244\.7\.1\/24/);

  const again = await kremedy(['undo', runId, '--hosts', 'w11', '--json']);
  t.is(again.code, 0);
  t.is(recapOf(again)['w11']?.changed, 0, 'undo is idempotent too');
});

test.serial('--serial 1 --max-fail 1 stops after the budget is spent; the retry file lists the failed hosts', async (t) => {
  await reseed('w12', 'flannel');
  const dir = tmp();
  // Two hosts that cannot be reached (inside the fleet's own subnet, no host behind them), then w12.
  const inv = path.join(dir, 'hosts.yml');
  const base = readFileSync(INVENTORY, 'utf8');
  t.true(existsSync(INVENTORY));
  const w12 = /w12:\n\s+ansible_host: (\S+)/.exec(base)?.[1];
  writeFileSync(
    inv,
    `all:\n  vars:\n    ansible_ssh_private_key_file: ${CLIENT_KEY}\n  hosts:\n` +
      `    ghost1:\n      ansible_host: ${FLEET_NET}.0.251\n    ghost2:\n      ansible_host: ${FLEET_NET}.0.252\n    w12:\n      ansible_host: ${w12}\n`,
  );
  const res = await kremedy(['run', 'reset-node', '--hosts', 'all', '-i', inv, '--serial', '1', '--max-fail', '1', '--connect-timeout', '2', '--json'], {
    fleetDefaults: false,
    cwd: dir,
    env: { KREMEDY_KNOWN_HOSTS: KNOWN_HOSTS },
  });
  t.is(res.code, 4, res.stderr);
  const hostEvents = res.events.filter((e) => e['type'] === 'host');
  t.deepEqual(hostEvents.map((e) => [e['host'], e['result']]), [['ghost1', 'unreachable'], ['ghost2', 'unreachable'], ['w12', 'not-started']]);
  t.regex(String(hostEvents[2]?.['message']), /failure budget spent \(2 failed or unreachable, --max-fail 1\)/);
  t.regex(await onHost('w12', 'iptables -S'), /DOCKER-ISOLATION/, 'w12 was never touched');
  t.deepEqual(readFileSync(path.join(dir, '.kremedy/retry/reset-node.hosts'), 'utf8').trim().split('\n'), ['ghost1', 'ghost2', 'w12']);
});

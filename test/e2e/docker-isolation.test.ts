import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf } from './helpers/fleet.js';

// Hosts: w05 (owned). The flannel seed has DOCKER-ISOLATION with 12 DROPs then RETURN; the
// stage chains of newer Docker are added here: STAGE-1 broken the same way, STAGE-2 doing real
// (conditional) isolation, which must be left alone.
test.before(async () => {
  await reseed('w05', 'flannel');
  await onHost(
    'w05',
    'iptables -N DOCKER-ISOLATION-STAGE-1 && iptables -A DOCKER-ISOLATION-STAGE-1 -j DROP && iptables -A DOCKER-ISOLATION-STAGE-1 -j DROP && ' +
      'iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN && iptables -N DOCKER-ISOLATION-STAGE-2 && ' +
      'iptables -A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP && iptables -A DOCKER-ISOLATION-STAGE-2 -j RETURN',
  );
});

const filter = async () => (await onHost('w05', 'iptables-save -t filter | grep -v "^#" | sed "s/\\[[0-9]*:[0-9]*\\]//"')).trim();
const chain = async (c: string) => (await onHost('w05', `iptables -S ${c}`)).trim().split('\n');

test.serial('docker-isolation: dry run, run, second run', async (t) => {
  const before = await filter();
  const dry = await kremedy(['run', 'docker-isolation', '--hosts', 'w05', '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  t.is(await filter(), before, 'the dry run changed nothing');
  const pending = tasksOf(dry, 'w05').find((e) => e.task === 'iptables filter: DOCKER-ISOLATION returns instead of dropping');
  t.is(pending?.status, 'pending');
  // Rules before and after, in the plan.
  t.is((pending?.diff ?? '').split('\n').filter((l) => l === '- -A DOCKER-ISOLATION -j DROP').length, 12);
  t.true((pending?.diff ?? '').split('\n').includes('+ -A DOCKER-ISOLATION -j RETURN'));
  t.is(tasksOf(dry, 'w05').find((e) => e.task.includes('STAGE-2'))?.status, 'ok');

  const res = await kremedy(['run', 'docker-isolation', '--hosts', 'w05', '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(recapOf(res)['w05']?.changed, 2);
  t.deepEqual(await chain('DOCKER-ISOLATION'), ['-N DOCKER-ISOLATION', '-A DOCKER-ISOLATION -j RETURN']);
  t.deepEqual(await chain('DOCKER-ISOLATION-STAGE-1'), ['-N DOCKER-ISOLATION-STAGE-1', '-A DOCKER-ISOLATION-STAGE-1 -j RETURN']);
  t.deepEqual(await chain('DOCKER-ISOLATION-STAGE-2'), [
    '-N DOCKER-ISOLATION-STAGE-2', '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP', '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
  ]);
  // Other chains untouched: FORWARD still jumps to the chain, KUBE-FIREWALL keeps its rule.
  t.deepEqual(await chain('FORWARD'), ['-P FORWARD DROP', '-A FORWARD -j DOCKER-ISOLATION']);
  t.is((await chain('KUBE-FIREWALL')).length, 2);
  // The filter table was saved before the change.
  t.regex(await onHost('w05', 'cat /var/lib/kremedy/backups/*/iptables-filter.rules'), /-A DOCKER-ISOLATION -j DROP/);

  const again = await kremedy(['run', 'docker-isolation', '--hosts', 'w05', '--json']);
  t.is(again.code, 0);
  t.is(recapOf(again)['w05']?.changed, 0);
});

import test from 'ava';
import { INVENTORY, KNOWN_HOSTS, onHost, reseed } from './helpers/fleet.js';
import { onTerminal } from './helpers/terminal.js';

// Host: w13. On a terminal, `run` shows the plan and asks; only "yes" goes ahead.
const runOnTerminal = (answer: string) => onTerminal(['run', 'reset-node', '--hosts', 'w13', '-i', INVENTORY, '--known-hosts', KNOWN_HOSTS], answer);

test.serial('anything but "yes" at the prompt changes nothing', async (t) => {
  await reseed('w13', 'flannel');
  const res = await runOnTerminal('no');
  t.regex(res.screen, /Apply 7 changes on 1 host \(1 distinct plan\)\?/);
  t.regex(res.screen, /not applied: nothing was changed/);
  t.is(res.code, 1);
  t.regex(await onHost('w13', 'iptables -S'), /DOCKER-ISOLATION/);
});

test.serial('"yes" applies the plan that was shown', async (t) => {
  await reseed('w13', 'flannel');
  const res = await runOnTerminal('yes');
  t.is(res.code, 0, res.screen);
  t.regex(res.screen, /7 change\(s\) made/);
  t.deepEqual((await onHost('w13', 'iptables -S')).trim().split('\n'), ['-P INPUT ACCEPT', '-P FORWARD ACCEPT', '-P OUTPUT ACCEPT']);
});

import test from 'ava';
import { spawn } from 'node:child_process';
import { CLI, INVENTORY, KNOWN_HOSTS, REPO, onHost, reseed } from './helpers/fleet.js';

// Host: w13. On a terminal, `run` shows the plan and asks; only "yes" goes ahead.
// `script` gives the CLI a real pseudo-terminal, as a person at a shell would have.
function runOnTerminal(answer: string): Promise<{ code: number; screen: string }> {
  const cmd = `${process.execPath} ${CLI} run reset-node --hosts w13 -i ${INVENTORY} --known-hosts ${KNOWN_HOSTS}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: REPO, env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm' } });
    let screen = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!answered && screen.includes('Only "yes" goes ahead')) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? -1, screen }));
  });
}

test.serial('anything but "yes" at the prompt changes nothing', async (t) => {
  await reseed('w13', 'flannel');
  const res = await runOnTerminal('no');
  t.regex(res.screen, /Apply 7 change\(s\) on 1 host\(s\)\?/);
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

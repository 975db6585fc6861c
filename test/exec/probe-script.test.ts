import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { buildProbeScript, buildStepScript, parseProbeOutput, StepStreamParser, type StepEvent } from '../../src/exec/probe-script.js';
import { becomeBootstrap, stdinScript } from '../../src/ssh/connection.js';

// These run the generated scripts with the real /bin/sh (harmless commands only).
const sh = (script: string) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });

test('probe script: each probe keeps its stdout, stderr and exit code apart', (t) => {
  const probes = [
    { id: 'a', script: 'echo one; echo two' },
    { id: 'b', script: 'echo oops >&2; exit 3' },
    { id: 'c', script: 'printf "no newline"' },
    { id: 'd', script: 'true' },
  ];
  const results = parseProbeOutput(sh(buildProbeScript(probes, 'n1')), 'n1', probes);
  t.deepEqual(results.get('a'), { stdout: 'one\ntwo', stderr: '', rc: 0 });
  t.deepEqual(results.get('b'), { stdout: '', stderr: 'oops', rc: 3 });
  t.deepEqual(results.get('c'), { stdout: 'no newline', stderr: '', rc: 0 });
  t.deepEqual(results.get('d'), { stdout: '', stderr: '', rc: 0 });
});

test('probe script: content that imitates a marker from another run cannot split the output', (t) => {
  const probes = [{ id: 'a', script: "echo '@@KR:other:E:0:0'; echo after" }];
  const results = parseProbeOutput(sh(buildProbeScript(probes, 'mine')), 'mine', probes);
  t.is(results.get('a')?.stdout, '@@KR:other:E:0:0\nafter');
});

test('probe script: a probe that reads stdin gets EOF instead of hanging', (t) => {
  const probes = [{ id: 'a', script: 'cat; echo done' }];
  const results = parseProbeOutput(sh(buildProbeScript(probes, 'n')), 'n', probes);
  t.is(results.get('a')?.stdout, 'done');
});

/** As a host runs it: `sh -s`, the script framed on stdin, go-aheads after it on the same stdin. */
function runSteps(script: string, nonce: string, answer: (index: number) => 'go' | 'stop', lead = ''): Promise<StepEvent[]> {
  return new Promise((resolve) => {
    const child = lead ? spawn('/bin/sh', ['-c', becomeBootstrap('@@S')]) : spawn('/bin/sh', ['-s']);
    child.stdin.write(lead + stdinScript(script));
    const parser = new StepStreamParser(nonce);
    const events: StepEvent[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const ev of parser.feed(chunk)) {
        events.push(ev);
        if (ev.type === 'ready') child.stdin.write(answer(ev.index) + '\n');
        if (ev.type === 'done') child.stdin.end();
      }
    });
    child.on('close', () => resolve(events));
  });
}

test('step script: steps run in order and stop at the first failure', async (t) => {
  const script = buildStepScript(
    [
      { index: 2, commands: ['echo first'] },
      { index: 5, commands: ['echo partial', 'false', 'echo never'] },
      { index: 7, commands: ['echo unreachable'] },
    ],
    'nn',
  );
  const events = await runSteps(script, 'nn', () => 'go');
  const ends = events.filter((e) => e.type === 'end');
  t.deepEqual(ends, [
    { type: 'end', index: 2, rc: 0, output: 'first' },
    { type: 'end', index: 5, rc: 1, output: 'partial' },
  ]);
  t.false(events.some((e) => e.type === 'begin' && e.index === 7));
});

test('sh -s: a step that reads stdin gets EOF; the go-aheads are never parsed as script, the script never read as a go-ahead', async (t) => {
  // Big enough that the shell cannot have read it in one go before the first step runs.
  const filler = Array.from({ length: 2000 }, (_, i) => `: filler line ${i}`).join('\n');
  const script = buildStepScript([{ index: 0, commands: ['cat', 'echo a'] }, { index: 1, commands: [filler, 'echo b'] }], 'q');
  const events = await runSteps(script, 'q', () => 'go');
  t.deepEqual(events.filter((e) => e.type === 'end'), [{ type: 'end', index: 0, rc: 0, output: 'a' }, { type: 'end', index: 1, rc: 0, output: 'b' }]);
  t.true(events.some((e) => e.type === 'done'));
});

test('become: the shell under sudo drops a password line sudo did not take, then runs the script from stdin', async (t) => {
  const script = buildStepScript([{ index: 0, commands: ['echo ran'] }], 'b');
  for (const lead of ['not-the-password; touch /tmp/kr-never\n@@S\n', '@@S\n']) {
    const events = await runSteps(script, 'b', () => 'go', lead);
    t.deepEqual(events.filter((e) => e.type === 'end'), [{ type: 'end', index: 0, rc: 0, output: 'ran' }], lead);
  }
});

test('step script: "stop" before a step ends the script without running it', async (t) => {
  const script = buildStepScript([{ index: 0, commands: ['echo a'] }, { index: 1, commands: ['echo b'] }], 'x');
  const events = await runSteps(script, 'x', (i) => (i === 0 ? 'go' : 'stop'));
  t.deepEqual(
    events.filter((e) => e.type !== 'ready'),
    [{ type: 'begin', index: 0 }, { type: 'end', index: 0, rc: 0, output: 'a' }, { type: 'stopped', index: 1 }],
  );
});

test('step stream parser: markers split across chunks are still recognised', (t) => {
  const p = new StepStreamParser('zz');
  const text = '@@KR:zz:B:1\nhello\n@@KR:zz:E:1:0\n@@KR:zz:DONE\n';
  const events: StepEvent[] = [];
  for (let i = 0; i < text.length; i += 3) events.push(...p.feed(text.slice(i, i + 3)));
  t.deepEqual(events, [{ type: 'begin', index: 1 }, { type: 'end', index: 1, rc: 0, output: 'hello' }, { type: 'done' }]);
});

test('step script: verify probes run after the last step, in the same exec, under their own nonce', async (t) => {
  const { buildProbeScript } = await import('../../src/exec/probe-script.js');
  const verify = [{ id: 'v', script: 'echo converged' }];
  const script = buildStepScript([{ index: 0, commands: ['echo step'] }], 's1', undefined, buildProbeScript(verify, 'v1'));
  const out: string[] = [];
  await new Promise<void>((resolve) => {
    const child = spawn('/bin/sh', ['-c', script]);
    const parser = new StepStreamParser('s1');
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out.push(chunk);
      for (const ev of parser.feed(chunk)) {
        if (ev.type === 'ready') child.stdin.write('go\n');
        if (ev.type === 'done') child.stdin.end();
      }
    });
    child.on('close', () => resolve());
  });
  t.deepEqual(parseProbeOutput(out.join(''), 'v1', verify).get('v'), { stdout: 'converged', stderr: '', rc: 0 });
});

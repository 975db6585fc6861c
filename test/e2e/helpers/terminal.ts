// The CLI on a real pseudo-terminal, as a person at a shell runs it: `script` gives it one
// (200 columns), and the answer is typed when the confirmation prompt appears.
import { spawn } from 'node:child_process';
import { CLI, REPO } from './fleet.js';

export const PROMPT = 'Only "yes" goes ahead';

/** Runs `kremedy ARGS` on a terminal, answering `answer` at the prompt; `screen` is everything it wrote. */
export function onTerminal(args: string[], answer: string): Promise<{ code: number; screen: string }> {
  const cmd = `stty cols 200 rows 50; ${[process.execPath, CLI, ...args].join(' ')}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: REPO, env: { ...process.env, CI: '', NO_COLOR: '1', TERM: 'xterm' } });
    let screen = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!answered && screen.includes(PROMPT)) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? -1, screen }));
  });
}

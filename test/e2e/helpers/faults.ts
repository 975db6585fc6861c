// Helpers for fault-injection and security tests: drive fleet hosts from outside (nsenter, netns),
// and run the CLI while watching its JSON events as they stream (to act in the middle of a run).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, INVENTORY, KNOWN_HOSTS, NETNS_PREFIX, REPO, tryOnHost, type CliResult } from './fleet.js';

const execFileAsync = promisify(execFile);
export const FLEET_SH = path.join(REPO, 'test/fleet/fleet.sh');
export const SLOW = './test/fixtures/playbooks/slow-steps.ts';

/** fleet.sh with a subcommand (stop/start/exec ...); returns stdout, throws on failure. */
export async function fleetSh(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('bash', [FLEET_SH, ...args], { maxBuffer: 16 << 20, timeout: 180_000 });
  return stdout;
}

/** A command inside a host via nsenter: works while its sshd is dead. */
export async function inHost(host: string, script: string): Promise<string> {
  return fleetSh('exec', host, 'sh', '-c', script);
}

/** A command in the host's network namespace (see NETNS_PREFIX): only the fleet's own interfaces. */
export async function inNetns(host: string, ...cmd: string[]): Promise<string> {
  const { stdout } = await execFileAsync('ip', ['netns', 'exec', `${NETNS_PREFIX}${host}`, ...cmd]);
  return stdout;
}

export interface LiveRun {
  child: ChildProcess;
  /** Resolves with the first event matching `pred` (rejects when the run ends first). */
  waitFor(pred: (ev: Record<string, any>) => boolean): Promise<Record<string, any>>;
  done: Promise<CliResult & { ms: number }>;
}

/** Spawn the CLI (with the fleet inventory/known_hosts) and expose its events as they arrive. */
export function liveKremedy(args: string[], opts: { env?: Record<string, string> } = {}): LiveRun {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args, '-i', INVENTORY, '--known-hosts', KNOWN_HOSTS], {
    cwd: REPO,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', SSH_AUTH_SOCK: '', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end();
  let stdout = '';
  let stderr = '';
  let pending = '';
  const events: Array<Record<string, any>> = [];
  const waiters: Array<{ pred: (ev: Record<string, any>) => boolean; resolve: (ev: Record<string, any>) => void; reject: (e: Error) => void }> = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      let ev: Record<string, any>;
      try {
        ev = JSON.parse(line);
      } catch {
        continue;
      }
      events.push(ev);
      for (const w of [...waiters]) {
        if (w.pred(ev)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(ev);
        }
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<CliResult & { ms: number }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`run ended (code ${code}) before the awaited event:\n${stdout}\n${stderr}`));
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr, events, ms: Date.now() - t0 });
    });
  });
  return {
    child,
    done,
    waitFor: (pred) => {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
    },
  };
}

/**
 * Wait until a slow-steps step is running on the host: its temp file exists (the JSON stream
 * carries no progress events, and the host's own state is the better witness anyway).
 */
export async function stepRunning(host: string, dir: string, live: LiveRun, timeoutMs = 60_000): Promise<void> {
  let ended = false;
  void live.done.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !ended) {
    const r = await tryOnHost(host, `ls -A ${dir} 2>/dev/null | grep -q '\\.kremedy\\.'`);
    if (r.code === 0) return;
    await new Promise((res) => setTimeout(res, 150));
  }
  const res = await live.done.catch(() => undefined);
  throw new Error(`no step started on ${host} (run ${ended ? `ended: ${res?.stdout}\n${res?.stderr}` : 'still going'})`);
}

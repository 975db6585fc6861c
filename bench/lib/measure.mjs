// Wall time and peak RSS of one command. The command runs under GNU time (`/usr/bin/time
// -f %M`), whose figure is the largest ru_maxrss of the process and the children it waited
// for: for a single process (kremedy, node) that is its peak RSS; for ansible-playbook it is
// the largest of its forks (in practice the parent), not their sum.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export function measure(cmd, args, { env, cwd, input } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kremedy-bench-'));
  const rssFile = path.join(dir, 'rss');
  return new Promise((resolve) => {
    const t0 = performance.now();
    // %M peak RSS (KB); %U %S user and system CPU seconds of the command and its children.
    const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      let peakRssKb = null;
      let cpuMs = null;
      try {
        // GNU time writes "Command exited with non-zero status N" before the figures.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const [rss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
        peakRssKb = rss || null;
        cpuMs = Number.isFinite(user) && Number.isFinite(sys) ? (user + sys) * 1000 : null;
      } catch {
        /* killed before time could write it */
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? -1, wallMs, peakRssKb, cpuMs, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Wall time of a command, no wrapper (start-up measurements). */
export function wall(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
  });
}

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Least-squares line y = a + b·x; b is the time per added host. */
export function linearFit(points) {
  const p = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (p.length < 2) return null;
  const n = p.length;
  const mx = p.reduce((s, [x]) => s + x, 0) / n;
  const my = p.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = p.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = p.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = p.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = p.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  return { slope, intercept, r2: ssTot ? 1 - ssRes / ssTot : 1, points: n };
}

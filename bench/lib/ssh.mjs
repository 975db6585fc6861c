// Plain OpenSSH, one process per host: used for the floor, for re-seeding and for checking
// host state. Independent of kremedy's own SSH code on purpose.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function sshArgs(fleet, ip, extra = []) {
  return [
    '-i', fleet.key,
    '-o', `UserKnownHostsFile=${fleet.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-o', 'LogLevel=ERROR',
    // No multiplexing: every host costs one full connection, as for kremedy.
    '-o', 'ControlMaster=no', '-o', 'ControlPath=none',
    ...extra,
    `root@${ip}`,
  ];
}

/** Run `command` (or stdin `input`) on one host; resolves with its exit code and output. */
export function sshRun(fleet, ip, command, input, hooks = {}) {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshArgs(fleet, ip), command], { stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid) hooks.onSpawn?.(child.pid);
    child.on('exit', () => hooks.onExit?.(child.pid));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ ip, code: -1, stdout, stderr: String(err), pid: child.pid }));
    child.on('close', (code) => resolve({ ip, code: code ?? -1, stdout, stderr, pid: child.pid }));
    child.stdin.end(input ?? '');
  });
}

/** Run fn over items, at most `limit` at once. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Put every host back into the broken flannel state, in parallel (the seed resets first):
 * `kremedy-seed flannel` on fleet hosts, `sh /run/krl/seed.sh` on light hosts (bench/light).
 */
export async function reseed(fleet, ips, limit = 64, command = 'kremedy-seed flannel') {
  const res = await pool(ips, limit, (ip) => sshRun(fleet, ip, `${command} >/dev/null`));
  const bad = res.filter((r) => r.code !== 0);
  if (bad.length) throw new Error(`reseed failed on ${bad.length} host(s): ${bad.slice(0, 3).map((r) => `${r.ip}: ${r.stderr.trim()}`).join('; ')}`);
}

/** State of every host per bench/floor/check.sh: counts of "converged" and the rest. */
export async function checkState(fleet, ips, checkScript, limit = 64) {
  const script = readFileSync(checkScript, 'utf8');
  const res = await pool(ips, limit, (ip) => sshRun(fleet, ip, 'sh -s', script));
  const converged = res.filter((r) => r.code === 0 && r.stdout.trim() === 'converged').length;
  const other = res.filter((r) => !(r.code === 0 && r.stdout.trim() === 'converged')).map((r) => `${r.ip}: ${(r.stdout + r.stderr).trim()}`);
  return { converged, broken: ips.length - converged, sample: other.slice(0, 2) };
}

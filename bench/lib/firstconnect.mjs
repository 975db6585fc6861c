// Start-up to the first connection: from spawning `kremedy run reset-node --dry-run` to the
// moment its first TCP connection reaches a listener of ours on 127.0.0.1 (the listener's
// 'connection' event, timed on the same clock as the spawn). Everything kremedy does before it
// can talk to a host is inside: node's start, module loading, the CLI, the playbook, the
// inventory and known_hosts. Nothing is instrumented inside kremedy, so the figure holds for any
// build of it. The listener closes each connection at once; kremedy then reports the host
// unreachable and exits, which is not timed.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from './measure.mjs';

export async function firstConnect(cli, reps) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kremedy-bench-first-'));
  const key = path.join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  let onConn = null;
  const server = net.createServer((sock) => {
    onConn?.(performance.now());
    sock.destroy();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const inv = path.join(dir, 'inventory.yml');
  writeFileSync(inv, `all:\n  hosts:\n    first:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_user: root\n      ansible_ssh_private_key_file: ${key}\n`);
  const args = [cli, 'run', 'reset-node', '--dry-run', '--hosts', 'all', '-i', inv, '--known-hosts', path.join(dir, 'known_hosts'), '--connect-timeout', '2', '-F', 'none'];
  const one = () =>
    new Promise((resolve) => {
      let first = null;
      onConn = (t) => (first ??= t);
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
      child.on('close', () => resolve(first === null ? null : first - t0));
    });
  try {
    await one(); // page cache warm, not counted
    const all = [];
    for (let i = 0; i < reps; i++) all.push(await one());
    return { runs: reps, firstConnectMs: median(all), firstConnectAllMs: all, missed: all.filter((x) => x === null).length };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

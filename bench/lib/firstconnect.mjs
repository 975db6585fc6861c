// Start-up to the first connection: from spawning `kremedy run reset-node --dry-run` to the
// moment its first TCP connection reaches a listener of ours on 127.0.0.1 (the listener's
// 'connection' event, timed on the same clock as the spawn). Everything kremedy does before it
// can talk to a host is inside: node's start, module loading, the CLI, the playbook, the
// inventory and known_hosts. Nothing is instrumented inside kremedy, so the figure holds for any
// build of it. The listener closes each connection at once; kremedy then reports the host
// unreachable and exits, which is not timed.
// The bin runs from a V8 code cache (bin/kremedy.cjs): the bench gives it a cache directory of
// its own, so the first spawn is a cold start (no cache, reported as coldMs) and the timed ones
// are what every later run of an installed kremedy costs.
// NODE_EXTRA_CA_CERTS is removed from the children's environment: node reads the file at every
// start (~50 ms on the machine where this was written) and kremedy makes no TLS connection.
// bareNodeMs, `node -e 0` under the same environment, is node's own share of the figure.
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
  const env = { ...process.env, CI: '1', NO_COLOR: '1', KREMEDY_CACHE_DIR: path.join(dir, 'cache') };
  delete env.NODE_EXTRA_CA_CERTS;
  const one = () =>
    new Promise((resolve) => {
      let first = null;
      onConn = (t) => (first ??= t);
      const t0 = performance.now();
      const child = spawn(process.execPath, args, { stdio: 'ignore', env });
      child.on('close', () => resolve(first === null ? null : first - t0));
    });
  try {
    const coldMs = await one(); // no code cache yet: it is written by this run; not in the median
    const all = [];
    const bare = [];
    for (let i = 0; i < reps; i++) {
      all.push(await one());
      const t0 = performance.now();
      execFileSync(process.execPath, ['-e', '0'], { env });
      bare.push(performance.now() - t0);
    }
    return { runs: reps, firstConnectMs: median(all), firstConnectAllMs: all, coldMs, bareNodeMs: median(bare), missed: all.filter((x) => x === null).length };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// What an operator would use instead of kremedy: the note's script (bench/note/reset.sh) fanned
// out with pdsh, clush or a loop of OpenSSH clients, and N bare `ssh host true` logins (the
// physical floor of any SSH tool). All use the same ssh client, key, known_hosts and options:
// they differ only in the fan-out. Each returns what measure() returns plus ok/error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './measure.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LOOP = path.join(HERE, '../note/ssh-loop.sh');
// The comment lines are not sent: only the command line.
export const NOTE = readFileSync(path.join(HERE, '../note/reset.sh'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .join('\n');

/** The ssh options every fan-out gets (no multiplexing: one full connection per host, as kremedy). */
function sshOptions(fleet) {
  return ['-i', fleet.key, '-o', `UserKnownHostsFile=${fleet.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-o', 'LogLevel=ERROR', '-o', 'ControlMaster=no', '-o', 'ControlPath=none'];
}

const tail = (s) => s.trim().split('\n').slice(-3).join(' | ');

/** `ssh host '…' &` for every host, then `wait`: the note's script, or `true` for bare logins. */
export async function sshLoop(fleet, ips, command) {
  const r = await measure('bash', [LOOP, fleet.key, fleet.knownHosts, command, ...ips]);
  const ok = r.code === 0;
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, ...(ok ? {} : { error: tail(r.stdout + r.stderr) }) };
}

/** `pdsh -R ssh -f N -w IP,IP,… '<note>'`; -S: exit with the largest remote status. */
export async function pdsh(fleet, ips, command = NOTE) {
  const r = await measure('pdsh', ['-S', '-R', 'ssh', '-f', String(ips.length), '-t', '20', '-l', 'root', '-w', ips.join(','), command], {
    // Replaces pdsh's default ssh arguments (-2 -a -x -l%u %h); %u and %h are pdsh's.
    env: { PDSH_SSH_ARGS: [...sshOptions(fleet), '-l%u', '%h'].join(' ') },
  });
  // The note's `ip link delete` of a missing link prints to stderr; the state check decides.
  const ok = r.code === 0 && !/pdsh@.*(Connection|ssh exited|refused|timed out)/i.test(r.stderr);
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, ...(ok ? {} : { error: tail(r.stderr) }) };
}

/**
 * `clush -f N -w IP,IP,… '<note>'`, configured through a clush.conf of its own
 * (CLUSTERSHELL_CFGDIR): the machine's /etc/clustershell is not read for anything that matters.
 */
export async function clush(fleet, ips, command = NOTE) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kremedy-bench-clush-'));
  writeFileSync(
    path.join(dir, 'clush.conf'),
    ['[Main]', `fanout: ${ips.length}`, 'connect_timeout: 20', 'command_timeout: 0', 'color: never', `fd_max: ${Math.max(8192, ips.length * 8)}`, 'ssh_user: root', `ssh_options: ${sshOptions(fleet).join(' ')}`, ''].join('\n'),
  );
  const r = await measure('clush', ['-S', '-q', '-b', '-w', ips.join(','), command], { env: { CLUSTERSHELL_CFGDIR: dir } });
  rmSync(dir, { recursive: true, force: true });
  const ok = r.code === 0;
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, ...(ok ? {} : { error: tail(r.stdout + r.stderr) }) };
}

// Host CPU: what the N bench hosts themselves spent during a run, read from their cgroups.
// Each fleet host runs in a cgroup of its own (test/fleet/fleet.sh: <cg root>/kremedy-fleet[K]/NAME,
// everything inside it: systemd, sshd and its sessions, the shells and iptables/ip processes);
// `usage_usec` of cpu.stat (cgroup v2, or the unified hierarchy of a hybrid host) before and
// after a run, summed over the hosts, is the host-side CPU of that run, whichever tool ran.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function cgroupDirs(names, instance) {
  const cg = instance ? `kremedy-fleet${instance}` : 'kremedy-fleet';
  const root = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((r) => existsSync(path.join(r, cg)) && existsSync(path.join(r, 'cgroup.controllers')));
  if (!root) return null;
  return names.map((n) => path.join(root, cg, n, 'cpu.stat'));
}

/** Sum of usage_usec over the hosts' cgroups (a host whose file is unreadable counts 0). */
export function hostCpuUsec(files) {
  let sum = 0;
  for (const f of files ?? []) {
    try {
      const m = /^usage_usec (\d+)$/m.exec(readFileSync(f, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch {
      /* host gone: counted as nothing */
    }
  }
  return sum;
}

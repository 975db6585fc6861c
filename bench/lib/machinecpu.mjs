// Machine-wide CPU: what the whole machine spent during a run, client and hosts together
// (user + nice + system + irq + softirq of the `cpu` line of /proc/stat, all CPUs). On a
// saturated 2-core machine wall time follows this, whichever side spends it. It counts
// everything else running too (idle daemons, other people's work): the load average before
// each run is stored next to it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let tick = 0;
/** ms per clock tick (USER_HZ, 100 on Linux: 10 ms). */
function msPerTick() {
  if (!tick) {
    try {
      tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
    } catch {
      tick = 10;
    }
  }
  return tick;
}

/** Busy CPU time of the machine so far, in ms. */
export function machineCpuMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = f;
  return (user + nice + system + irq + softirq) * msPerTick();
}

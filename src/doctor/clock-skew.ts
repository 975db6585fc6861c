// Field note kube-router显示的运行时间与集群查看的时间不一致: docker on the node said "Up 33
// minutes" while the master said 19h — the clocks disagreed. Certificates, etcd leases and
// log correlation all break the same way.
//
// Measuring: the probe script reads the host clock first (hostStart) and last (hostEnd), and
// this machine notes Date.now() just before sending it and just after the output is complete.
// The time not spent in the script (SSH round trip, channel setup) is split evenly in both
// directions, as NTP does, so hostStart corresponds to localBefore + overhead/2, give or take
// overhead/2. Each host's offset from this machine is compared with the median offset of all
// selected hosts (so one bad clock, or this machine's own, does not make every host look
// skewed), and only the part of the difference that exceeds both hosts' measurement error counts.
import type { ClockSample, Finding, FleetCheck } from './types.js';

export const CLOCK_WARN_SECONDS = 0.5;
export const CLOCK_CRITICAL_SECONDS = 5;

export interface ClockOffset {
  host: string;
  /** Host clock minus this machine's clock, seconds. */
  offset: number;
  /** ± seconds. */
  uncertainty: number;
}

export function clockOffset(s: ClockSample): ClockOffset {
  const scriptDuration = Math.max(0, s.hostEnd - s.hostStart);
  const overhead = Math.max(0, s.localAfter - s.localBefore - scriptDuration);
  return { host: s.host, offset: s.hostStart - (s.localBefore + overhead / 2), uncertainty: overhead / 2 };
}

export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export const clockSkew: FleetCheck = {
  id: 'CLOCK-SKEW',
  describe: `host clocks differ by more than ${CLOCK_WARN_SECONDS} s (warning) / ${CLOCK_CRITICAL_SECONDS} s (critical)`,
  run(samples) {
    const offsets = samples.filter((s) => Number.isFinite(s.hostStart) && Number.isFinite(s.hostEnd)).map(clockOffset);
    // One host has nothing to disagree with.
    if (offsets.length < 2) return [];
    const ref = median(offsets.map((o) => o.offset));
    const refError = median(offsets.map((o) => o.uncertainty));
    const findings: Finding[] = [];
    for (const o of offsets) {
      const diff = o.offset - ref;
      const certain = Math.abs(diff) - o.uncertainty - refError;
      if (certain <= CLOCK_WARN_SECONDS) continue;
      const sign = diff >= 0 ? 'ahead of' : 'behind';
      findings.push({
        host: o.host,
        id: 'CLOCK-SKEW',
        severity: certain > CLOCK_CRITICAL_SECONDS ? 'critical' : 'warning',
        title: `clock is ${Math.abs(diff).toFixed(3)} s ${sign} the other hosts`,
        evidence: [
          `offset from the median of ${offsets.length} hosts: ${diff >= 0 ? '+' : ''}${diff.toFixed(3)} s (±${(o.uncertainty + refError).toFixed(3)} s)`,
          `offset from this machine: ${o.offset >= 0 ? '+' : ''}${o.offset.toFixed(3)} s`,
        ],
        fix: 'none: manual (run chronyd or ntpd against one time source on every node)',
      });
    }
    return findings;
  },
};

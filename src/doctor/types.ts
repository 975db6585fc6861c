import type { ProbeRequest, ProbeResult } from '../facts/probe.js';
import type { Facts } from '../facts/types.js';

export type Severity = 'critical' | 'warning' | 'info';

/** Most severe first: the order of the human report and of the summary. */
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export interface Finding {
  host: string;
  /** The check's id (stable: scripts and `--skip` use it). */
  id: string;
  severity: Severity;
  title: string;
  /** Lines as read on the host (or computed from them), shown indented under the title. */
  evidence: string[];
  /** A playbook invocation that fixes it (`docker-isolation`, `reset-node -e cni=flannel`), or `none: manual (…)`. */
  fix: string;
}

/** What one probe round returned for a host: facts plus the raw output of every doctor probe. */
export interface HostProbe {
  host: string;
  facts: Facts;
  results: ReadonlyMap<string, ProbeResult>;
}

/** A check on one host: a pure function of that host's probe output. */
export interface HostCheck {
  id: string;
  describe: string;
  /** Probes beyond FACT_PROBES; identical ids are sent once. */
  probes: readonly ProbeRequest[];
  run(input: HostProbe): Omit<Finding, 'host' | 'id'>[];
}

/** When a host's clock was read, as seen from this machine (for cross-host clock comparison). */
export interface ClockSample {
  host: string;
  /** Date.now()/1000 just before the exec was sent and just after its output was complete. */
  localBefore: number;
  localAfter: number;
  /** Host clock (s) at the start of the probe script and at its end. */
  hostStart: number;
  hostEnd: number;
}

/** A check over all selected hosts together. */
export interface FleetCheck {
  id: string;
  describe: string;
  run(samples: readonly ClockSample[]): Finding[];
}

export const manual = (advice: string): string => `none: manual (${advice})`;

/** Thrown by a check whose probe output says the data could not be read (e.g. permission denied). */
export class CheckUnreadable extends Error {}

import { writeFile } from 'node:fs/promises';
import type { HostRecap, HostResult, RunEvent, TaskStatus } from '../exec/events.js';
import type { Reporter } from './reporter.js';


// File reports (JUnit, HTML) are written once, at the end, from the whole run. This collector
// turns the event stream into that whole. Events carry no timestamps: the collector stamps them
// on arrival, which is exact enough for reports (events are emitted as things happen) and keeps
// the event contract unchanged.

export interface TaskRecord {
  index: number;
  title: string;
  status: TaskStatus;
  message?: string;
  summary?: string;
  diff?: string;
  /** Time the step ran (apply only): from its go-ahead to the next step's, or to verification. */
  durationMs?: number;
}

export interface HostRecord {
  name: string;
  tasks: TaskRecord[];
  result?: HostResult;
  message?: string;
  /** What changed on the host between the reviewed plan and apply (apply of a plan file). */
  drift?: Array<{ what: string; planned: string; now: string }>;
  durationMs?: number;
  /** Arrival time (ms since run start) of each phase, in order. */
  phases: Array<{ phase: string; atMs: number }>;
}

export interface RunRecord {
  runId: string;
  playbook: string;
  dryRun: boolean;
  params: Record<string, unknown>;
  startedAt: Date;
  hosts: HostRecord[];
  recap?: Record<string, HostRecap>;
  durationMs?: number;
  interrupted?: 'SIGINT' | 'SIGTERM';
}

export class RunCollector {
  private run: RunRecord | undefined;
  private readonly byHost = new Map<string, HostRecord>();
  private readonly stepStarts = new Map<string, Array<{ index: number; atMs: number }>>();
  private t0 = 0;

  constructor(private readonly now: () => number = Date.now) {}

  emit(ev: RunEvent): void {
    const at = this.now();
    if (ev.type === 'start') {
      this.t0 = at;
      this.run = { runId: ev.runId, playbook: ev.playbook, dryRun: ev.dryRun, params: ev.params, startedAt: new Date(at), hosts: [] };
      for (const h of ev.hosts) this.host(h);
      return;
    }
    if (!this.run) return;
    const rel = at - this.t0;
    switch (ev.type) {
      case 'phase': {
        const h = this.host(ev.host);
        h.phases.push({ phase: ev.phase, atMs: rel });
        if (ev.phase === 'verifying') this.closeSteps(ev.host, rel);
        break;
      }
      case 'progress':
        this.closeSteps(ev.host, rel);
        // Every task of a fused step starts (and ends) with it.
        for (const index of [ev.index, ...(ev.with ?? [])]) this.starts(ev.host).push({ index, atMs: rel });
        break;
      case 'task': {
        const h = this.host(ev.host);
        const rec: TaskRecord = { index: ev.index, title: ev.task, status: ev.status };
        if (ev.message !== undefined) rec.message = ev.message;
        if (ev.summary !== undefined) rec.summary = ev.summary;
        if (ev.diff !== undefined) rec.diff = ev.diff;
        const d = this.durations.get(`${ev.host}\0${ev.index}`);
        if (d !== undefined && (ev.status === 'changed' || ev.status === 'failed')) rec.durationMs = d;
        h.tasks.push(rec);
        break;
      }
      case 'host': {
        const h = this.host(ev.host);
        this.closeSteps(ev.host, rel);
        h.result = ev.result;
        if (ev.message !== undefined) h.message = ev.message;
        h.durationMs = ev.durationMs;
        break;
      }
      case 'drift':
        this.host(ev.host).drift = ev.drift;
        break;
      case 'recap':
        this.run.recap = ev.hosts;
        this.run.durationMs = ev.durationMs;
        if (ev.interrupted) this.run.interrupted = ev.interrupted;
        break;
    }
  }

  /** The run so far (undefined before the start event). Tasks are sorted by their index. */
  get record(): RunRecord | undefined {
    if (!this.run) return undefined;
    return { ...this.run, hosts: [...this.byHost.values()].map((h) => ({ ...h, tasks: [...h.tasks].sort((a, b) => a.index - b.index) })) };
  }

  private readonly durations = new Map<string, number>();

  private closeSteps(host: string, atMs: number): void {
    const open = this.starts(host);
    for (const s of open.splice(0)) this.durations.set(`${host}\0${s.index}`, Math.max(0, atMs - s.atMs));
  }

  private starts(host: string): Array<{ index: number; atMs: number }> {
    let s = this.stepStarts.get(host);
    if (!s) this.stepStarts.set(host, (s = []));
    return s;
  }

  private host(name: string): HostRecord {
    let h = this.byHost.get(name);
    if (!h) {
      h = { name, tasks: [], phases: [] };
      this.byHost.set(name, h);
    }
    return h;
  }
}

/** A reporter that collects the run and writes `render(run)` to `file` when it ends, whatever the outcome. */
export function fileReporter(file: string, render: (run: RunRecord) => string, now?: () => number): Reporter {
  const collector = new RunCollector(now);
  return {
    emit: (ev) => collector.emit(ev),
    close: async () => {
      const run = collector.record;
      if (run) await writeFile(file, render(run));
    },
  };
}

// The wire protocol between kremedy and a host's /bin/sh. Many probes (or steps) travel in one
// exec; markers carrying a per-run nonce split the output again, so file content that happens
// to look like a marker cannot be mistaken for one.

import type { ProbeRequest, ProbeResult } from '../facts/probe.js';

export function newNonce(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

const marker = (nonce: string) => `@@KR:${nonce}:`;

/** Each probe runs in a subshell with stdin closed; stderr is kept apart from the data. */
export function buildProbeScript(probes: readonly ProbeRequest[], nonce: string): string {
  const m = marker(nonce);
  const parts = ['exec 3>&1', 'LC_ALL=C; export LC_ALL'];
  probes.forEach((p, i) => {
    parts.push(
      `printf '%s\\n' '${m}B:${i}'`,
      // The command substitution is already a subshell: a probe's `exit` ends only itself.
      `kr_e=$( { ${p.script}\n} </dev/null 2>&1 1>&3 ); kr_rc=$?`,
      `printf '\\n%s%d\\n' '${m}E:${i}:' "$kr_rc"`,
      `[ -z "$kr_e" ] || printf '%s\\n' "$kr_e" | sed 's/^/${m}S:${i} /'`,
    );
  });
  return parts.join('\n') + '\n';
}

export function parseProbeOutput(output: string, nonce: string, probes: readonly ProbeRequest[]): Map<string, ProbeResult> {
  const m = marker(nonce);
  const results = new Map<string, ProbeResult>();
  const lines = output.split('\n');
  let current: { index: number; out: string[] } | undefined;
  const stderr = new Map<number, string[]>();
  const done = new Map<number, { out: string[]; rc: number }>();
  for (const line of lines) {
    if (line.startsWith(m)) {
      const rest = line.slice(m.length);
      const b = /^B:(\d+)$/.exec(rest);
      const e = /^E:(\d+):(\d+)$/.exec(rest);
      const s = /^S:(\d+) (.*)$/.exec(rest);
      if (b) {
        current = { index: Number(b[1]), out: [] };
        continue;
      }
      if (e && current && Number(e[1]) === current.index) {
        // The closing marker is preceded by a newline we added ourselves: drop it.
        if (current.out.length && current.out[current.out.length - 1] === '') current.out.pop();
        done.set(current.index, { out: current.out, rc: Number(e[2]) });
        current = undefined;
        continue;
      }
      if (s) {
        const list = stderr.get(Number(s[1])) ?? [];
        list.push(s[2]!);
        stderr.set(Number(s[1]), list);
        continue;
      }
    }
    if (current) current.out.push(line);
  }
  probes.forEach((p, i) => {
    const d = done.get(i);
    if (d) results.set(p.id, { stdout: d.out.join('\n'), stderr: (stderr.get(i) ?? []).join('\n'), rc: d.rc });
  });
  return results;
}

export interface StepRequest {
  /** The step's id on the wire (its go-ahead and markers): the index of its first task. */
  index: number;
  /** Tasks this step carries out together (fused iptables changes); just `index` when absent. */
  members?: number[];
  commands: string[];
}

/**
 * Steps run in order in one exec. Before each step the script asks for a go-ahead on stdin,
 * so an interrupt stops the host between steps (never in the middle of one) at the cost of
 * one pipelined round trip per step instead of a new channel per step.
 */
/**
 * `verify`: a probe script (another nonce) run right after the last step succeeded, so the
 * proof that each change converged costs no exec of its own.
 */
export function buildStepScript(steps: readonly StepRequest[], nonce: string, epilogue?: string, verify?: string): string {
  const m = marker(nonce);
  const parts = [
    'LC_ALL=C; export LC_ALL',
    `kr_go() { printf '%s%s\\n' '${m}R:' "$1"; while IFS= read -r kr_tok; do case "$kr_tok" in go) return 0;; stop) return 1;; esac; done; return 1; }`,
  ];
  for (const s of steps) {
    parts.push(
      `kr_go ${s.index} || { printf '%s\\n' '${m}X:${s.index}'; exit 0; }`,
      `printf '%s\\n' '${m}B:${s.index}'`,
      `( set -e\n${s.commands.join('\n')}\n) </dev/null 2>&1; kr_rc=$?`,
      `printf '\\n%s%d\\n' '${m}E:${s.index}:' "$kr_rc"`,
      `[ "$kr_rc" -eq 0 ] || exit 0`,
    );
  }
  if (verify) parts.push(verify);
  if (epilogue) parts.push(`( ${epilogue}\n) </dev/null >/dev/null 2>&1`);
  parts.push(`printf '%s\\n' '${m}DONE'`);
  return parts.join('\n') + '\n';
}

export type StepEvent =
  | { type: 'ready'; index: number }
  | { type: 'begin'; index: number }
  | { type: 'end'; index: number; rc: number; output: string }
  | { type: 'stopped'; index: number }
  | { type: 'done' };

/** Incremental parser for a step script's stdout: feed chunks, get events as markers arrive. */
export class StepStreamParser {
  private buffer = '';
  private current: { index: number; out: string[] } | undefined;
  constructor(private readonly nonce: string) {}

  feed(chunk: string): StepEvent[] {
    this.buffer += chunk;
    const events: StepEvent[] = [];
    let nl: number;
    const m = marker(this.nonce);
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.startsWith(m)) {
        const rest = line.slice(m.length);
        let x: RegExpExecArray | null;
        if ((x = /^R:(\d+)$/.exec(rest))) {
          events.push({ type: 'ready', index: Number(x[1]) });
          continue;
        }
        if ((x = /^B:(\d+)$/.exec(rest))) {
          this.current = { index: Number(x[1]), out: [] };
          events.push({ type: 'begin', index: this.current.index });
          continue;
        }
        if ((x = /^E:(\d+):(\d+)$/.exec(rest)) && this.current) {
          const out = this.current.out;
          if (out.length && out[out.length - 1] === '') out.pop();
          events.push({ type: 'end', index: Number(x[1]), rc: Number(x[2]), output: out.join('\n') });
          this.current = undefined;
          continue;
        }
        if ((x = /^X:(\d+)$/.exec(rest))) {
          events.push({ type: 'stopped', index: Number(x[1]) });
          continue;
        }
        if (rest === 'DONE') {
          events.push({ type: 'done' });
          continue;
        }
      }
      this.current?.out.push(line);
    }
    return events;
  }

  /** Output of a step that never reached its end marker (connection lost, timeout). */
  get partialOutput(): string {
    return (this.current?.out.join('\n') ?? '') + this.buffer;
  }
}

import type { HostRecap, RunEvent, TaskStatus } from '../exec/events.js';
import { compactHosts } from './host-range.js';

export interface Style {
  color: boolean;
}

const CODES: Record<string, [number, number]> = {
  red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22], bold: [1, 22],
};
export function paint(style: Style, name: keyof typeof CODES, text: string): string {
  const c = CODES[name]!;
  return style.color ? `\u001b[${c[0]}m${text}\u001b[${c[1]}m` : text;
}

const STATUS_COLOR: Record<TaskStatus, keyof typeof CODES> = { ok: 'green', changed: 'yellow', pending: 'cyan', failed: 'red', skipped: 'dim' };

export function formatTaskLine(style: Style, ev: Extract<RunEvent, { type: 'task' }>): string {
  return `[${ev.host}] ${formatTask(style, ev.status, ev.task, ev.message)}`;
}

/** `1 change`, `2 changes`: counts in words, for the review and the question before apply. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The run's first line: playbook, run id, host count, and whether anything will change. */
export function runHeader(style: Style, ev: Extract<RunEvent, { type: 'start' }>): string {
  return paint(style, 'bold', `kremedy ${ev.playbook}`) + ` — run ${ev.runId} on ${ev.hosts.length} host(s)${ev.dryRun ? ' — DRY RUN: nothing will change' : ''}`;
}

/** A task's status, title and message, without the host (the grouped review names hosts above). */
export function formatTask(style: Style, status: TaskStatus, title: string, message: string | undefined): string {
  return `${paint(style, STATUS_COLOR[status], status.padEnd(7))} ${title}${message ? paint(style, 'dim', ` — ${message}`) : ''}`;
}

/** Diffs shown in the review: a pending change always, a change made with --diff. */
export function showsDiff(status: TaskStatus, diff: boolean): boolean {
  return status === 'pending' || (diff && status === 'changed');
}

export function formatDiff(style: Style, diff: string, indent = '    '): string {
  return diff
    .split('\n')
    .map((l) => indent + (l.startsWith('+') ? paint(style, 'green', l) : l.startsWith('-') ? paint(style, 'red', l) : l))
    .join('\n');
}

/**
 * Ansible-style PLAY RECAP, one line per host, plus a one-line total. `grouped`: one line per
 * set of hosts with the same counts, hosts in compact form (`w[01:12] (12)`), for fleets.
 */
export function formatRecap(style: Style, recap: Record<string, HostRecap>, dryRun: boolean, durationMs: number, grouped = false): string {
  const names = Object.keys(recap);
  grouped &&= names.length > 1;
  const rows = new Map<string, { hosts: string[]; r: HostRecap }>();
  for (const name of names) {
    const r = recap[name]!;
    const key = grouped ? JSON.stringify(r) : name;
    rows.set(key, { hosts: [...(rows.get(key)?.hosts ?? []), name], r });
  }
  const label = (hosts: string[]) => (grouped ? `${compactHosts(hosts)} (${hosts.length})` : hosts[0]!);
  const width = Math.max(4, ...[...rows.values()].map((row) => label(row.hosts).length));
  const lines = [paint(style, 'bold', 'RECAP ' + '*'.repeat(60))];
  for (const { hosts, r } of rows.values()) {
    const nameColor = r.unreachable || r.failed ? 'red' : r.changed || r.pending ? 'yellow' : 'green';
    lines.push(
      `${paint(style, nameColor, label(hosts).padEnd(width))} : ok=${r.ok} changed=${r.changed} pending=${r.pending} failed=${r.failed} skipped=${r.skipped} unreachable=${r.unreachable ? 1 : 0}`,
    );
  }
  lines.push(recapTotal(recap, dryRun, durationMs));
  return lines.join('\n');
}

function recapTotal(recap: Record<string, HostRecap>, dryRun: boolean, durationMs: number): string {
  const all = Object.values(recap);
  const sum = (f: (r: HostRecap) => number) => all.reduce((n, r) => n + f(r), 0);
  const converged = sum((r) => (!r.failed && !r.unreachable && r.changed === 0 && r.pending === 0 ? 1 : 0));
  const verb = dryRun ? `${sum((r) => r.pending)} change(s) pending` : `${sum((r) => r.changed)} change(s) made`;
  return `${all.length} host(s): ${verb}, ${converged} already converged, ${sum((r) => (r.failed ? 1 : 0))} failed, ${sum((r) => (r.unreachable ? 1 : 0))} unreachable (${(durationMs / 1000).toFixed(2)} s)`;
}

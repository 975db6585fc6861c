import type { HostRecap, RunEvent, TaskStatus } from '../exec/events.js';

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
  const status = paint(style, STATUS_COLOR[ev.status], ev.status.padEnd(7));
  return `[${ev.host}] ${status} ${ev.task}${ev.message ? paint(style, 'dim', ` — ${ev.message}`) : ''}`;
}

export function formatDiff(style: Style, diff: string, indent = '    '): string {
  return diff
    .split('\n')
    .map((l) => indent + (l.startsWith('+') ? paint(style, 'green', l) : l.startsWith('-') ? paint(style, 'red', l) : l))
    .join('\n');
}

/** Ansible-style PLAY RECAP, one line per host, plus a one-line total. */
export function formatRecap(style: Style, recap: Record<string, HostRecap>, dryRun: boolean, durationMs: number): string {
  const names = Object.keys(recap);
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = [paint(style, 'bold', 'RECAP ' + '*'.repeat(60))];
  let changed = 0;
  let pending = 0;
  let failed = 0;
  let unreachable = 0;
  let converged = 0;
  for (const name of names) {
    const r = recap[name]!;
    changed += r.changed;
    pending += r.pending;
    if (r.failed) failed++;
    if (r.unreachable) unreachable++;
    if (!r.failed && !r.unreachable && r.changed === 0 && r.pending === 0) converged++;
    const nameColor = r.unreachable || r.failed ? 'red' : r.changed || r.pending ? 'yellow' : 'green';
    lines.push(
      `${paint(style, nameColor, name.padEnd(width))} : ok=${r.ok} changed=${r.changed} pending=${r.pending} failed=${r.failed} skipped=${r.skipped} unreachable=${r.unreachable ? 1 : 0}`,
    );
  }
  const verb = dryRun ? `${pending} change(s) pending` : `${changed} change(s) made`;
  lines.push(
    `${names.length} host(s): ${verb}, ${converged} already converged, ${failed} failed, ${unreachable} unreachable (${(durationMs / 1000).toFixed(2)} s)`,
  );
  return lines.join('\n');
}

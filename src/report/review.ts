import type { HostRecord, TaskRecord } from './collect.js';
import { formatDiff, formatTask, formatTaskLine, paint, plural, showsDiff, type Style } from './format.js';
import { normalisePlan, reviewGroups, type HostAddresses, type ReviewGroup } from './group.js';
import { compactHosts } from './host-range.js';

// The plan as a person reviews it, for the terminal and for plain CI logs alike: one block per
// group of hosts with the same plan (group.ts), or, with --per-host, one block per host.

export interface ReviewOptions {
  style: Style;
  /** Show diffs of changed tasks too (pending ones always show theirs). */
  diff: boolean;
  /** Today's full view: every host's own tasks, no grouping. */
  perHost?: boolean;
  /** Each host's inventory address, one of its own values (group.ts). */
  addresses?: HostAddresses;
}

/** Runs of the same line as one line with a count (twelve `-j DROP` rules read as one). */
export function foldRepeats(diff: string): string {
  const out: string[] = [];
  const lines = diff.split('\n');
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[i]) j++;
    out.push(j > i ? `${lines[i]}   (${j - i + 1} times)` : lines[i]!);
    i = j + 1;
  }
  return out.join('\n');
}

function taskLines(style: Style, t: TaskRecord, diff: boolean, indent: string): string[] {
  const lines = [indent + formatTask(style, t.status, t.title, t.message)];
  if (t.diff && showsDiff(t.status, diff)) lines.push(formatDiff(style, foldRepeats(t.diff), indent + '    '));
  return lines;
}

/**
 * What a fleet review leaves out, counted in one line: tasks already as they should be, and
 * those whose condition does not hold. A step skipped because an earlier one failed or the run
 * was interrupted ("not run: …") is part of what happened, and stays.
 */
const quiet = (t: TaskRecord & { varies?: boolean }) =>
  !t.varies && (t.status === 'ok' || (t.status === 'skipped' && !(t.message ?? '').startsWith('not run')));

function quietLine(style: Style, tasks: TaskRecord[], indent: string): string[] {
  const ok = tasks.filter((t) => t.status === 'ok').length;
  const skipped = tasks.filter((t) => t.status === 'skipped').length;
  if (!ok && !skipped) return [];
  return [indent + paint(style, 'dim', `${[ok ? `${ok} ok` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(', ')}: nothing to change (--per-host lists every task)`)];
}

function hostsLabel(hosts: string[]): string {
  return `${compactHosts(hosts)} (${plural(hosts.length, 'host')})`;
}

function groupLines(style: Style, g: ReviewGroup, diff: boolean): string[] {
  const isChange = (t: TaskRecord) => t.status === 'pending' || t.status === 'changed';
  const common = g.tasks.filter((t) => !t.varies && isChange(t)).length;
  const counts = g.variants.length ? [...new Set(g.variants.map((v) => common + v.tasks.filter(isChange).length))].sort((a, b) => a - b) : [common];
  const what = g.tasks.length ? `${counts.map((n) => plural(n, 'change')).join(' or ')}${g.hosts.length > 1 ? ' each' : ''}` : '';
  const same = g.variants.length ? `almost the same plan (${g.distinct} variants)` : g.hosts.length > 1 ? 'the same plan' : '';
  const head = [hostsLabel(g.hosts), same, what].filter(Boolean).join(' — ');
  const lines = [paint(style, 'bold', `== ${head}`)];
  for (const t of g.tasks) {
    if (t.varies) lines.push('  ' + paint(style, 'dim', `varies  ${t.title} — differs between these hosts, see below`));
    else if (!quiet(t)) lines.push(...taskLines(style, t, diff, '  '));
  }
  lines.push(...quietLine(style, g.tasks.filter(quiet), '  '));
  if (g.outcome !== 'ok') {
    const [result, ...message] = g.outcome.split(': ');
    lines.push('  ' + paint(style, 'red', `[${compactHosts(g.hosts)}] ${result!.toUpperCase()}: ${message.join(': ')}`));
  }
  for (const v of g.variants) {
    lines.push('  ' + paint(style, 'bold', `-- on ${hostsLabel(v.hosts)}:`));
    for (const t of v.tasks) lines.push(...taskLines(style, t, diff, '    '));
  }
  const used = [...new Set(lines.flatMap((l) => l.match(/<(?:ip|mac|host|run)\d*>/g) ?? []))];
  if (used.length) lines.push('  ' + paint(style, 'dim', `${used.join(', ')}: each host's own name, addresses, MACs or run id (--per-host shows them)`));
  return lines;
}

function perHostLines(style: Style, host: HostRecord, diff: boolean): string[] {
  const lines = host.tasks.flatMap((t) => {
    const ev = { type: 'task' as const, host: host.name, task: t.title, index: t.index, status: t.status, ...(t.message !== undefined ? { message: t.message } : {}) };
    return [formatTaskLine(style, ev), ...(t.diff && showsDiff(t.status, diff) ? [formatDiff(style, t.diff)] : [])];
  });
  if (host.result && host.result !== 'ok') lines.push(paint(style, 'red', `[${host.name}] ${host.result.toUpperCase()}: ${host.message ?? ''}`));
  return lines;
}

/** The review of hosts that have finished, as lines (no trailing newline). */
export function formatReview(hosts: HostRecord[], runId: string | undefined, opts: ReviewOptions): string[] {
  // One host: nothing to group, and every task fits on a screen.
  if (opts.perHost || hosts.length === 1) return hosts.flatMap((h) => perHostLines(opts.style, h, opts.diff));
  const plans = hosts.map((h) => normalisePlan(h, runId, opts.addresses?.get(h.name) ?? []));
  const byName = new Map(hosts.map((h) => [h.name, h]));
  // A host whose plan is its own reads as it always did, `[host] status task` with its real
  // values, but only its changes and failures: at fleet scale the rest is counted.
  return reviewGroups(plans).flatMap((g) => {
    if (g.hosts.length > 1) return groupLines(opts.style, g, opts.diff);
    const host = byName.get(g.hosts[0]!)!;
    const shown = { ...host, tasks: host.tasks.filter((t) => !quiet(t)).map((t) => (t.diff ? { ...t, diff: foldRepeats(t.diff) } : t)) };
    return [paint(opts.style, 'bold', `== ${host.name} (1 host)`), ...perHostLines(opts.style, shown, opts.diff), ...quietLine(opts.style, host.tasks.filter(quiet), `[${host.name}] `)];
  });
}

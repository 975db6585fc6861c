import type { HostRecord, TaskRecord } from './collect.js';
import { formatDiff, formatTask, formatTaskLine, paint, showsDiff, type Style } from './format.js';
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

function taskLines(style: Style, t: TaskRecord, diff: boolean, indent: string): string[] {
  const lines = [indent + formatTask(style, t.status, t.title, t.message)];
  if (t.diff && showsDiff(t.status, diff)) lines.push(formatDiff(style, t.diff, indent + '    '));
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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
    else lines.push(...taskLines(style, t, diff, '  '));
  }
  if (g.outcome !== 'ok') {
    const [result, ...message] = g.outcome.split(': ');
    lines.push('  ' + paint(style, 'red', `${result!.toUpperCase()}: ${message.join(': ')}`));
  }
  for (const v of g.variants) {
    lines.push('  ' + paint(style, 'bold', `-- on ${hostsLabel(v.hosts)}:`));
    for (const t of v.tasks) lines.push(...taskLines(style, t, diff, '    '));
  }
  if (g.hosts.length > 1 && lines.some((l) => /<(ip|mac|host|run)\d*>/.test(l))) {
    lines.push('  ' + paint(style, 'dim', "<host>, <ip>, <ip2>, <mac>…: each host's own name, addresses and MACs (--per-host shows them)"));
  }
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
  if (opts.perHost) return hosts.flatMap((h) => perHostLines(opts.style, h, opts.diff));
  const plans = hosts.map((h) => normalisePlan(h, runId, opts.addresses?.get(h.name) ?? []));
  return reviewGroups(plans).flatMap((g) => groupLines(opts.style, g, opts.diff));
}

// Doctor output: JSON Lines (one "finding" object each, then one "summary") or a human report
// grouped by host, most severe first, with the evidence indented under each finding.
import type { Summary } from './diagnose.js';
import { SEVERITIES, type Finding, type Severity } from './types.js';

export interface Unreachable {
  host: string;
  error: string;
}

export function jsonLines(findings: readonly Finding[], unreachable: readonly Unreachable[], summary: Summary): string[] {
  return [
    ...findings.map((f) => JSON.stringify({ type: 'finding', host: f.host, id: f.id, severity: f.severity, title: f.title, evidence: f.evidence, fix: f.fix })),
    ...unreachable.map((u) => JSON.stringify({ type: 'unreachable', host: u.host, error: u.error })),
    JSON.stringify({ type: 'summary', ...summary }),
  ];
}

const COLOURS: Record<Severity | 'dim' | 'bold' | 'unreachable', [string, string]> = {
  critical: ['\x1b[1;31m', '\x1b[0m'],
  warning: ['\x1b[33m', '\x1b[0m'],
  info: ['\x1b[36m', '\x1b[0m'],
  unreachable: ['\x1b[1;35m', '\x1b[0m'],
  dim: ['\x1b[2m', '\x1b[0m'],
  bold: ['\x1b[1m', '\x1b[0m'],
};

export function humanReport(
  hosts: readonly string[],
  findings: readonly Finding[],
  unreachable: readonly Unreachable[],
  summary: Summary,
  colour: boolean,
): string {
  const paint = (k: keyof typeof COLOURS, text: string) => (colour ? `${COLOURS[k][0]}${text}${COLOURS[k][1]}` : text);
  const out: string[] = [];
  for (const host of hosts) {
    const down = unreachable.find((u) => u.host === host);
    if (down) {
      out.push(`${paint('bold', host)}: ${paint('unreachable', 'UNREACHABLE')} ${down.error}`);
      continue;
    }
    const mine = findings.filter((f) => f.host === host);
    if (!mine.length) {
      out.push(`${paint('bold', host)}: no findings`);
      continue;
    }
    out.push(`${paint('bold', host)}: ${mine.length} finding(s)`);
    for (const f of mine) {
      out.push(`  ${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${f.id}: ${f.title}`);
      for (const e of f.evidence) out.push(`      ${paint('dim', e)}`);
      out.push(`      fix: ${f.fix.startsWith('none:') ? f.fix : `kremedy run ${f.fix} --hosts ${host}`}`);
    }
  }
  const counts = SEVERITIES.map((s) => `${summary[s]} ${s}`).join(', ');
  out.push('', `${summary.hosts} host(s) checked: ${counts}; ${summary.unreachable} unreachable`);
  return out.join('\n') + '\n';
}

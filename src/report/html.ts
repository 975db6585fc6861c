import { fileReporter, type HostRecord, type RunRecord, type TaskRecord } from './collect.js';
import { escapeHtml as h } from './escape.js';
import type { HostRecap, HostResult, TaskStatus } from '../exec/events.js';
import { normalisePlan, reviewGroups, type HostAddresses, type ReviewGroup } from './group.js';
import { compactHosts } from './host-range.js';
import type { Reporter } from './reporter.js';

// One self-contained page (inline CSS, no script, no external asset) so it can be attached to a
// CI job, mailed, or opened from an artifact store offline. Everything from a host or a user is
// escaped; diffs are shown line by line with +/- colouring, folded when long.

const DIFF_OPEN_LINES = 25;

const CSS = `
:root{--ok:#1a7f37;--changed:#9a6700;--pending:#0969da;--failed:#cf222e;--skipped:#6e7781;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0;display:flex;gap:10px;align-items:center}
.meta{color:#57606a;margin:0 0 16px}.meta code{background:var(--bg);padding:1px 5px;border-radius:4px}
.mode{display:inline-block;font-weight:600;padding:2px 8px;border-radius:12px;font-size:12px;vertical-align:middle}
.mode.dry{background:#ddf4ff;color:var(--pending)}.mode.apply{background:#fff8c5;color:var(--changed)}
table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid var(--line);padding:4px 10px;text-align:left}
th{background:var(--bg)}td.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600;background:var(--bg)}
.pill{display:inline-block;min-width:66px;text-align:center;font-size:12px;font-weight:600;padding:1px 6px;border-radius:10px;color:#fff}
.s-ok{background:var(--ok)}.s-changed{background:var(--changed)}.s-pending{background:var(--pending)}.s-failed,.s-unreachable{background:var(--failed)}.s-skipped,.s-not-started{background:var(--skipped)}
section.host{border:1px solid var(--line);border-radius:8px;margin:0 0 18px;overflow:hidden}
section.host>header{background:var(--bg);padding:10px 14px;border-bottom:1px solid var(--line)}
.hostmsg{margin:6px 0 0;color:var(--failed);white-space:pre-wrap}
ol.timeline{list-style:none;margin:0;padding:6px 14px}ol.timeline>li{padding:6px 0;border-bottom:1px dashed #eaeef2}
ol.timeline>li:last-child{border-bottom:0}.title{font-weight:500}.idx{color:#8c959f;font-variant-numeric:tabular-nums;margin-right:4px}
.msg{color:#57606a;margin-left:74px;white-space:pre-wrap;word-break:break-word}.dur{color:#8c959f;font-size:12px;margin-left:6px}
details{margin:4px 0 0 74px}summary{cursor:pointer;color:#57606a}
pre.diff{margin:4px 0;padding:6px 0;background:#fbfcfd;border:1px solid #eaeef2;border-radius:6px;overflow-x:auto;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}
pre.diff span{display:block;padding:0 10px;white-space:pre}.add{background:#dafbe1;color:#116329}.del{background:#ffebe9;color:#82071e}
.params td:first-child{font-family:ui-monospace,monospace}.empty{color:#8c959f}
section.group{border:2px solid var(--line);border-radius:10px;margin:0 0 22px;padding:10px 14px}
section.group>h2{margin:0 0 4px}.hostlist{color:#57606a;margin:0 0 6px;word-break:break-word}
.variant{border-left:3px solid var(--changed);margin:8px 0;padding:0 0 0 10px}.variant h4{margin:4px 0}
.varies{color:#8c959f;font-style:italic}details.per-host{margin:6px 0}details.per-host>section.host{margin-top:6px}
footer{color:#8c959f;font-size:12px;margin-top:24px}
`;

const fmtMs = (ms: number | undefined): string => (ms === undefined ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

function pill(status: TaskStatus | HostResult): string {
  return `<span class="pill s-${h(status)}">${h(status)}</span>`;
}

function diffBlock(diff: string): string {
  const lines = diff.split('\n');
  const body = lines
    .map((l) => `<span${l.startsWith('+') ? ' class="add"' : l.startsWith('-') ? ' class="del"' : ''}>${h(l) || ' '}</span>`)
    .join('');
  const adds = lines.filter((l) => l.startsWith('+')).length;
  const dels = lines.filter((l) => l.startsWith('-')).length;
  return `<details${lines.length <= DIFF_OPEN_LINES ? ' open' : ''}><summary>diff: ${adds} added, ${dels} removed line(s)</summary><pre class="diff">${body}</pre></details>`;
}

function taskItem(t: TaskRecord): string {
  const text = t.message ?? t.summary;
  return [
    `<li class="task" data-status="${h(t.status)}">`,
    `${pill(t.status)} <span class="idx">${t.index + 1}.</span> <span class="title">${h(t.title)}</span>`,
    t.durationMs !== undefined ? `<span class="dur">${h(fmtMs(t.durationMs))}</span>` : '',
    text ? `<div class="msg">${h(text)}</div>` : '',
    t.diff ? diffBlock(t.diff) : '',
    '</li>',
  ].join('');
}

function hostSection(host: HostRecord): string {
  const result = host.result ?? 'failed';
  const phases = host.phases.map((p) => `${p.phase} +${fmtMs(p.atMs)}`).join(' → ');
  return [
    `<section class="host" id="host-${h(host.name)}" data-host="${h(host.name)}" data-result="${h(result)}">`,
    `<header><h2>${h(host.name)} ${pill(result)}<span class="dur">${h(fmtMs(host.durationMs))}</span></h2>`,
    phases ? `<div class="meta" style="margin:2px 0 0">${h(phases)}</div>` : '',
    host.message ? `<p class="hostmsg">${h(host.message)}</p>` : '',
    host.drift?.length
      ? `<ul class="hostmsg">${host.drift.map((d) => `<li>drift: ${h(d.what)}: planned ${h(d.planned)}, now ${h(d.now)}</li>`).join('')}</ul>`
      : '',
    '</header>',
    host.tasks.length
      ? `<ol class="timeline">${host.tasks.map(taskItem).join('')}</ol>`
      : `<p class="empty" style="padding:0 14px">no task ran on this host</p>`,
    '</section>',
  ].join('\n');
}

function groupTask(t: TaskRecord & { varies?: boolean }): string {
  return t.varies
    ? `<li class="task varies" data-status="varies"><span class="idx">${t.index + 1}.</span> <span class="title">${h(t.title)}</span> — differs between these hosts, see below</li>`
    : taskItem(t);
}

/** One group of hosts with the same plan: the plan once, what varies per set of hosts, then each host, folded. */
function groupSection(g: ReviewGroup, byName: Map<string, HostRecord>): string {
  const hosts = g.hosts.map((n) => byName.get(n)!);
  if (hosts.length === 1) return `<section class="group" data-hosts="${h(g.hosts[0]!)}" data-count="1">\n${hostSection(hosts[0]!)}\n</section>`;
  const kind = g.variants.length ? `almost the same plan (${g.distinct} variants)` : 'the same plan';
  const plan = g.tasks.length ? `<ol class="timeline">${g.tasks.map(groupTask).join('')}</ol>` : '';
  const variants = g.variants.map((v) => `<div class="variant"><h4>on ${h(compactHosts(v.hosts))} (${v.hosts.length})</h4><ol class="timeline">${v.tasks.map(taskItem).join('')}</ol></div>`);
  const placeholders = /&lt;(?:host|ip|mac|run)\d*&gt;/.test(plan + variants.join('') + g.outcome.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  return [
    `<section class="group" data-hosts="${h(compactHosts(g.hosts))}" data-count="${g.hosts.length}">`,
    `<h2>${h(compactHosts(g.hosts))} <span class="dur">${g.hosts.length} hosts · ${h(kind)}</span></h2>`,
    `<p class="hostlist">${g.hosts.map((n) => `<a href="#host-${h(n)}">${h(n)}</a>`).join(', ')}</p>`,
    g.outcome !== 'ok' ? `<p class="hostmsg">${h(g.outcome)}</p>` : '',
    plan,
    ...variants,
    placeholders ? `<p class="meta">&lt;host&gt;, &lt;ip&gt;, &lt;mac&gt;, &lt;run&gt;…: each host's own name, addresses, MACs or run id, shown in its own section below</p>` : '',
    ...hosts.map((host) => `<details class="per-host"><summary>${h(host.name)} ${pill(host.result ?? 'failed')}</summary>\n${hostSection(host)}\n</details>`),
    '</section>',
  ].join('\n');
}

function recapTable(run: RunRecord): string {
  const recap: Record<string, HostRecap> = run.recap ?? {};
  const cols = ['ok', 'changed', 'pending', 'failed', 'skipped'] as const;
  const total = { ok: 0, changed: 0, pending: 0, failed: 0, skipped: 0, unreachable: 0 };
  const rows = run.hosts.map((host) => {
    const r = recap[host.name];
    for (const c of cols) total[c] += r?.[c] ?? 0;
    if (r?.unreachable) total.unreachable++;
    return `<tr data-host="${h(host.name)}"><td><a href="#host-${h(host.name)}">${h(host.name)}</a></td>${cols
      .map((c) => `<td class="n">${r?.[c] ?? 0}</td>`)
      .join('')}<td class="n">${r?.unreachable ? 1 : 0}</td><td>${pill(host.result ?? 'failed')}</td><td class="n">${h(fmtMs(host.durationMs))}</td></tr>`;
  });
  return [
    '<table class="recap"><thead><tr><th>host</th>',
    ...cols.map((c) => `<th>${c}</th>`),
    '<th>unreachable</th><th>result</th><th>time</th></tr></thead><tbody>',
    ...rows,
    `</tbody><tfoot><tr><td>total (${run.hosts.length} host(s))</td>${cols.map((c) => `<td class="n">${total[c]}</td>`).join('')}` +
      `<td class="n">${total.unreachable}</td><td></td><td class="n">${h(fmtMs(run.durationMs))}</td></tr></tfoot></table>`,
  ].join('');
}

function paramsTable(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  if (!entries.length) return '<p class="empty">no parameters</p>';
  return `<table class="params"><tbody>${entries
    .map(([k, v]) => `<tr><td>${h(k)}</td><td>${h(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('')}</tbody></table>`;
}

export function renderHtml(run: RunRecord, addresses?: HostAddresses): string {
  const groups = reviewGroups(run.hosts.map((host) => normalisePlan(host, run.runId, addresses?.get(host.name) ?? [])));
  const byName = new Map(run.hosts.map((host) => [host.name, host]));
  const mode = run.dryRun
    ? '<span class="mode dry">DRY RUN: nothing was changed</span>'
    : '<span class="mode apply">APPLY: changes were made</span>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>kremedy ${h(run.playbook)} — ${h(run.runId)}</title><style>${CSS}</style></head>
<body><main>
<h1>kremedy ${h(run.playbook)} ${mode}</h1>
<p class="meta">run <code>${h(run.runId)}</code> · started ${h(run.startedAt.toISOString())} · ${run.hosts.length} host(s)${
    run.durationMs !== undefined ? ` · ${h(fmtMs(run.durationMs))}` : ''
  }${run.interrupted ? ` · <strong>interrupted by ${h(run.interrupted)}</strong>` : ''}</p>
<h3>Parameters</h3>
${paramsTable(run.params)}
<h3>Recap</h3>
${recapTable(run)}
<h3>Plans: ${groups.length} group(s) of hosts with the same plan</h3>
${groups.map((g) => groupSection(g, byName)).join('\n')}
<footer>generated by kremedy; durations are measured by the runner, per step when steps run</footer>
</main></body></html>
`;
}

/** Writes the HTML report when the run ends (close), whatever the outcome. */
export function htmlReporter(file: string, addresses?: HostAddresses, now?: () => number): Reporter {
  return fileReporter(file, (run) => renderHtml(run, addresses), now);
}

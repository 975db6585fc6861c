// Tables, ratios, the per-host slope and the SVG plot, all from the results data.
import { linearFit, median } from './measure.mjs';

export const PHASES = [
  ['kremedy', 'broken'],
  ['kremedy', 'converged'],
  ['kremedy', 'dry-run'],
  ['pdsh', 'broken'],
  ['clush', 'broken'],
  ['note-ssh', 'broken'],
  ['logins', 'login'],
  ['floor', 'broken'],
  ['floor', 'converged'],
  ['ansible', 'broken'],
  ['ansible', 'converged'],
];
export const key = (tool, phase) => `${tool}.${phase}`;
/** How each tool/phase is named in tables (the naive floor keeps its results key `floor`). */
export const LABELS = {
  'kremedy.broken': 'kremedy run',
  'kremedy.converged': 'kremedy run (converged)',
  'kremedy.dry-run': 'kremedy --dry-run',
  'pdsh.broken': "note's script, pdsh -R ssh -f N",
  'clush.broken': "note's script, clush -f N",
  'note-ssh.broken': "note's script, N ssh clients",
  'logins.login': 'N bare ssh logins',
  'floor.broken': 'naive floor (floor/reset-node.sh)',
  'floor.converged': 'naive floor (converged)',
  'ansible.broken': 'tuned Ansible',
  'ansible.converged': 'tuned Ansible (converged)',
};

// Issue 21's targets. Wall time against the best of pdsh and clush depends on N: given at
// 20, 50 and 200 hosts.
export const TARGETS = {
  wallOverBestFanoutMax: { 20: 1.0, 50: 0.7, 200: 0.5 },
  applyCpuOverPdshMax: 1.0,
  dryRunCpuOverLoginsMax: 1.1,
  ansibleOverKremedyMin: 10,
  ansibleAtN: 20,
  peakRssMbMaxAt200: 150,
  peakRssMbMaxAt1000: 300,
  firstConnectMsMax: 150,
  helpMsMax: 300,
};

/** Medians per tool/phase and the ratios, from the runs of one size (one invocation). */
export function summariseSize(size) {
  const medians = {};
  for (const [tool, phase] of PHASES) {
    const runs = size.runs.filter((r) => r.tool === tool && r.phase === phase && r.ok);
    if (!runs.length) continue;
    medians[key(tool, phase)] = {
      wallMs: median(runs.map((r) => r.wallMs)),
      peakRssKb: median(runs.map((r) => r.peakRssKb)),
      maxPeakRssKb: Math.max(...runs.map((r) => r.peakRssKb ?? 0)),
      hostCpuMsPerHost: median(runs.map((r) => r.hostCpuMsPerHost)),
      machineCpuMsPerHost: median(runs.map((r) => r.machineCpuMsPerHost)),
      clientCpuMs: median(runs.map((r) => r.clientCpuMs)),
      ...(tool === 'kremedy' ? { maxLostHosts: Math.max(0, ...size.runs.filter((r) => r.tool === tool && r.phase === phase).map((r) => r.lostHosts ?? 0)) } : {}),
      ...(tool === 'floor' ? { sshPeakSumRssKb: median(runs.map((r) => r.sshPeakSumRssKb)) } : {}),
      reps: runs.length,
    };
  }
  const m = (k) => medians[k]?.wallMs ?? null;
  const cpu = (k) => medians[k]?.machineCpuMsPerHost ?? null;
  const ratio = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);
  const fan = ['pdsh.broken', 'clush.broken'].filter((k) => m(k) !== null).sort((a, b) => m(a) - m(b))[0];
  const ratios = {
    bestFanout: fan ?? null,
    kremedyOverBestFanout: fan ? ratio(m('kremedy.broken'), m(fan)) : null,
    kremedyOverNoteSsh: ratio(m('kremedy.broken'), m('note-ssh.broken')),
    applyCpuOverPdsh: ratio(cpu('kremedy.broken'), cpu('pdsh.broken')),
    dryRunCpuOverLogins: ratio(cpu('kremedy.dry-run'), cpu('logins.login')),
    kremedyOverFloor: ratio(m('kremedy.broken'), m('floor.broken')),
    kremedyOverFloorConverged: ratio(m('kremedy.converged'), m('floor.converged')),
    ansibleOverKremedy: ratio(m('ansible.broken'), m('kremedy.broken')),
    ansibleOverKremedyConverged: ratio(m('ansible.converged'), m('kremedy.converged')),
    hostCpuKremedyOverFloor: ratio(medians['kremedy.broken']?.hostCpuMsPerHost ?? null, medians['floor.broken']?.hostCpuMsPerHost ?? null),
  };
  return { medians, ratios };
}

export function slopes(sizes) {
  const out = {};
  for (const [tool, phase] of PHASES) {
    const k = key(tool, phase);
    const pts = sizes.filter((s) => s.medians?.[k]).map((s) => [s.n, s.medians[k].wallMs]);
    const fit = linearFit(pts);
    if (!fit) continue;
    // Per-host cost between consecutive sizes: "near-constant" means these agree.
    const seg = [];
    for (let i = 1; i < pts.length; i++) seg.push((pts[i][1] - pts[i - 1][1]) / (pts[i][0] - pts[i - 1][0]));
    out[k] = { msPerHost: fit.slope, interceptMs: fit.intercept, r2: fit.r2, segmentMsPerHost: seg };
  }
  return out;
}

export function evaluateTargets(sizes, slopeTable, startup, { light = false, slopeBasis = 'every size with a result' } = {}) {
  const done = sizes.filter((s) => s.medians);
  const list = [];
  const fx = (v, d = 2) => `${v.toFixed(d)}x`;
  for (const [n, max] of Object.entries(TARGETS.wallOverBestFanoutMax)) {
    const z = done.find((s) => s.n === Number(n) && s.ratios.kremedyOverBestFanout != null);
    if (z) list.push({ target: `kremedy wall <= ${max}x the best of pdsh and clush at ${n} hosts`, met: z.ratios.kremedyOverBestFanout <= max, detail: `${fx(z.ratios.kremedyOverBestFanout)} (best: ${z.ratios.bestFanout.split('.')[0]}); ${z.ratios.kremedyOverBestFanout <= max ? 'met' : `missed by ${fx(z.ratios.kremedyOverBestFanout / max)}`}` });
  }
  const cp = done.filter((s) => s.ratios.applyCpuOverPdsh !== null && s.ratios.applyCpuOverPdsh !== undefined);
  if (cp.length) {
    const worst = Math.max(...cp.map((s) => s.ratios.applyCpuOverPdsh));
    list.push({ target: `kremedy apply machine CPU per host <= ${TARGETS.applyCpuOverPdshMax}x the note's script over pdsh`, met: worst <= TARGETS.applyCpuOverPdshMax, detail: cp.map((s) => `N=${s.n}: ${fx(s.ratios.applyCpuOverPdsh)} (${s.medians['kremedy.broken'].machineCpuMsPerHost.toFixed(0)} vs ${s.medians['pdsh.broken'].machineCpuMsPerHost.toFixed(0)} ms/host)`).join(', ') });
  }
  const dl = done.filter((s) => s.ratios.dryRunCpuOverLogins !== null && s.ratios.dryRunCpuOverLogins !== undefined);
  if (dl.length) {
    const worst = Math.max(...dl.map((s) => s.ratios.dryRunCpuOverLogins));
    list.push({ target: `kremedy dry-run machine CPU <= ${TARGETS.dryRunCpuOverLoginsMax}x N bare logins`, met: worst <= TARGETS.dryRunCpuOverLoginsMax, detail: dl.map((s) => `N=${s.n}: ${fx(s.ratios.dryRunCpuOverLogins)} (${s.medians['kremedy.dry-run'].machineCpuMsPerHost.toFixed(0)} vs ${s.medians['logins.login'].machineCpuMsPerHost.toFixed(0)} ms/host)`).join(', ') });
  }
  const ak = done.find((s) => s.n === TARGETS.ansibleAtN && s.ratios.ansibleOverKremedy != null);
  if (ak) list.push({ target: `tuned ansible >= ${TARGETS.ansibleOverKremedyMin}x kremedy at ${TARGETS.ansibleAtN} hosts`, met: ak.ratios.ansibleOverKremedy >= TARGETS.ansibleOverKremedyMin, detail: `${fx(ak.ratios.ansibleOverKremedy, 1)}` });
  const ks = slopeTable['kremedy.broken'];
  if (ks && ks.segmentMsPerHost.length) {
    const seg = ks.segmentMsPerHost;
    const spread = Math.max(...seg) / Math.max(1e-9, Math.min(...seg));
    const near = ks.r2 >= 0.95 && (seg.length < 2 || spread <= 2);
    list.push({ target: 'near-constant per-host slope (kremedy, broken)', met: near, detail: `${ks.msPerHost.toFixed(1)} ms/host overall, r2 ${ks.r2.toFixed(3)}, between sizes: ${seg.map((x) => x.toFixed(1)).join(', ')} ms/host; sizes of ${slopeBasis}` });
  }
  for (const [n, max] of [[200, TARGETS.peakRssMbMaxAt200], ...(light ? [[1000, TARGETS.peakRssMbMaxAt1000]] : [])]) {
    const z = done.find((s) => s.n === n);
    if (!z?.medians['kremedy.broken']) continue;
    const mb = z.medians['kremedy.broken'].maxPeakRssKb / 1024;
    list.push({ target: `kremedy peak RSS <= ${max} MB at ${n} hosts`, met: mb <= max, detail: `${mb.toFixed(0)} MB (largest of the runs)` });
  }
  if (light) {
    const lost = done.map((s) => [s.n, Math.max(...['kremedy.broken', 'kremedy.dry-run', 'kremedy.converged'].map((k) => s.medians[k]?.maxLostHosts ?? 0))]);
    if (lost.length) list.push({ target: 'no host lost (unreachable or missing from the recap) at any size', met: lost.every(([, l]) => l === 0), detail: lost.map(([n, l]) => `N=${n}: ${l}`).join(', ') });
  }
  if (startup?.firstConnectMs) {
    list.push({ target: `start-up to the first connection <= ${TARGETS.firstConnectMsMax} ms`, met: startup.firstConnectMs <= TARGETS.firstConnectMsMax, detail: `${startup.firstConnectMs.toFixed(0)} ms median of ${startup.firstConnectAllMs.length} (bare node ${startup.nodeBareMs.toFixed(0)} ms)` });
  }
  if (startup?.helpMs) {
    list.push({ target: `--help < ${TARGETS.helpMsMax} ms`, met: startup.helpMs < TARGETS.helpMsMax, detail: `${startup.helpMs.toFixed(0)} ms median of ${startup.runs}` });
  }
  return list;
}

const s = (ms) => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(2));
const mb = (kb) => (kb === null || kb === undefined ? '-' : (kb / 1024).toFixed(0));
const x = (r, d = 2) => (r === null || r === undefined ? '-' : `${r.toFixed(d)}x`);

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(0));

const cell = (md) => (md ? `${s(md.wallMs)} (${ms(md.machineCpuMsPerHost)})` : '-');

/** The README table: per size, each tool's median wall time (machine CPU ms per host), and the issue's ratios. */
export function readmeTable(sizes) {
  const cols = ['kremedy.broken', 'kremedy.dry-run', 'pdsh.broken', 'clush.broken', 'note-ssh.broken', 'logins.login', 'floor.broken', 'ansible.broken'];
  const head = [
    `| hosts | ${cols.map((k) => LABELS[k]).join(' | ')} | kremedy / best of pdsh, clush | apply CPU / pdsh CPU | dry-run CPU / logins CPU | ansible / kremedy | kremedy peak RSS |`,
    `|---:|${cols.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ];
  const rows = sizes.map((z) => {
    if (!z.medians) return `| ${z.n} | skipped: ${z.skipped ?? 'no data'} |${cols.map(() => '').join('|')}||||`;
    const r = z.ratios;
    return `| ${z.n} | ${cols.map((k) => cell(z.medians[k])).join(' | ')} | ${x(r.kremedyOverBestFanout)} | ${x(r.applyCpuOverPdsh)} | ${x(r.dryRunCpuOverLogins)} | ${x(r.ansibleOverKremedy, 1)} | ${mb(z.medians['kremedy.broken']?.maxPeakRssKb)} MB |`;
  });
  return [...head, ...rows].join('\n');
}

/** A table of one row per size and tool/phase measured; `row` gives the cells after those two. */
function perToolTable(sizes, head, row) {
  const rows = sizes.flatMap((z) => {
    if (!z.medians) return [`| ${z.n} | skipped: ${z.skipped ?? 'no data'} |${head.slice(2).map(() => '').join('|')}|`];
    return PHASES.map(([t, p]) => key(t, p))
      .filter((k) => z.medians[k])
      .map((k) => `| ${z.n} | ${LABELS[k]} | ${row(z.medians[k], z).join(' | ')} |`);
  });
  return [`| ${head.join(' | ')} |`, `|---:|---|${head.slice(2).map(() => '---:').join('|')}|`, ...rows].join('\n');
}

/** One row per size and tool: wall, machine CPU and host CPU per host, client CPU, peak RSS. */
export function markdownTable(sizes) {
  return perToolTable(sizes, ['hosts', 'tool', 'wall s', 'machine CPU ms/host', 'host CPU ms/host', 'client CPU s', 'peak RSS MB', 'reps'], (md) => [s(md.wallMs), ms(md.machineCpuMsPerHost), ms(md.hostCpuMsPerHost), s(md.clientCpuMs), mb(md.maxPeakRssKb), md.reps]);
}

/** Light hosts: per size, the per-host cost (which must stay flat), peak RSS, lost hosts. */
export function lightTable(sizes) {
  return perToolTable(sizes, ['hosts', 'tool', 'wall s', 'wall ms/host', 'machine CPU ms/host', 'peak RSS MB', 'hosts lost (worst rep)', 'reps'], (md, z) => [s(md.wallMs), ms(md.wallMs / z.n), ms(md.machineCpuMsPerHost), mb(md.maxPeakRssKb), md.maxLostHosts ?? '-', md.reps]);
}

/** The ratios of one size, on one line. */
export function ratioLine(r) {
  const f = (v, d = 2) => (v === null || v === undefined ? '-' : `${v.toFixed(d)}x`);
  return [
    `kremedy/best of pdsh,clush ${f(r.kremedyOverBestFanout)}${r.bestFanout ? ` (${r.bestFanout.split('.')[0]})` : ''}`,
    `kremedy/N ssh ${f(r.kremedyOverNoteSsh)}`,
    `apply CPU/pdsh CPU ${f(r.applyCpuOverPdsh)}`,
    `dry-run CPU/logins CPU ${f(r.dryRunCpuOverLogins)}`,
    `kremedy/naive floor ${f(r.kremedyOverFloor)}`,
    `ansible/kremedy ${f(r.ansibleOverKremedy, 1)}`,
  ].join('   ');
}

export function slopeTable(sl) {
  const lines = ['| tool/phase | ms per added host | intercept s | r2 | between sizes (ms/host) |', '|---|---:|---:|---:|---|'];
  for (const [k, v] of Object.entries(sl)) {
    lines.push(`| ${k} | ${v.msPerHost.toFixed(1)} | ${(v.interceptMs / 1000).toFixed(2)} | ${v.r2.toFixed(3)} | ${v.segmentMsPerHost.map((q) => q.toFixed(1)).join(', ')} |`);
  }
  return lines.join('\n');
}

const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Hand-written SVG: median wall time of the broken-host run against hosts, one line per tool. */
export function svgPlot(sizes, title) {
  const W = 760;
  const H = 460;
  const L = 70;
  const R = 170;
  const T = 50;
  const B = 60;
  const series = [
    ['kremedy.broken', 'kremedy', '#1f77b4', ''],
    ['pdsh.broken', 'note over pdsh', '#ff7f0e', ''],
    ['clush.broken', 'note over clush', '#9467bd', ''],
    ['note-ssh.broken', 'note, N ssh', '#8c564b', ''],
    ['logins.login', 'N bare logins', '#7f7f7f', '2 3'],
    ['floor.broken', 'naive floor', '#2ca02c', ''],
    ['ansible.broken', 'tuned Ansible', '#d62728', ''],
    ['kremedy.converged', 'kremedy (converged)', '#1f77b4', '6 4'],
  ];
  const done = sizes.filter((z) => z.medians);
  const maxN = Math.max(1, ...done.map((z) => z.n));
  const maxY = Math.max(1, ...done.flatMap((z) => series.map(([k]) => (z.medians[k]?.wallMs ?? 0) / 1000)));
  const yTop = niceCeil(maxY * 1.05);
  const px = (n) => L + (n / maxN) * (W - L - R);
  const py = (sec) => H - B - (sec / yTop) * (H - T - B);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2 - R / 2 + L / 2}" y="24" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  // Axes, ticks and grid.
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`);
  out.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yTop * i) / 5;
    const y = py(v);
    out.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${y + 4}" text-anchor="end">${fmtTick(v)}</text>`);
  }
  for (const z of done) {
    out.push(`<line x1="${px(z.n)}" y1="${H - B}" x2="${px(z.n)}" y2="${H - B + 5}" stroke="black"/>`);
    out.push(`<text x="${px(z.n)}" y="${H - B + 18}" text-anchor="middle">${z.n}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">hosts (N, forks = N)</text>`);
  out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">median wall time (s)</text>`);
  // Lines and points.
  series.forEach(([k, label, color, dash], i) => {
    const pts = done.filter((z) => z.medians[k]).map((z) => [px(z.n), py(z.medians[k].wallMs / 1000)]);
    if (pts.length) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
      for (const [a, b] of pts) out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = T + 10 + i * 20;
    out.push(`<line x1="${W - R + 15}" y1="${ly}" x2="${W - R + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<text x="${W - R + 46}" y="${ly + 4}">${esc(label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
const fmtTick = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

// Tables, ratios, the per-host slope and the SVG plot, all from the results data.
import { linearFit, median } from './measure.mjs';

export const PHASES = [
  ['kremedy', 'broken'],
  ['kremedy', 'converged'],
  ['kremedy', 'dry-run'],
  ['ansible', 'broken'],
  ['ansible', 'converged'],
  ['floor', 'broken'],
  ['floor', 'converged'],
];
export const key = (tool, phase) => `${tool}.${phase}`;

export const TARGETS = {
  kremedyOverFloorMax: 0.8,
  ansibleOverKremedyMin: 10,
  peakRssMbMaxAt200: 150,
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
      clientCpuMs: median(runs.map((r) => r.clientCpuMs)),
      ...(tool === 'floor' ? { sshPeakSumRssKb: median(runs.map((r) => r.sshPeakSumRssKb)) } : {}),
      reps: runs.length,
    };
  }
  const m = (k) => medians[k]?.wallMs ?? null;
  const ratio = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);
  const ratios = {
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

export function evaluateTargets(sizes, slopeTable, startup) {
  const done = sizes.filter((s) => s.medians);
  const list = [];
  const kf = done.filter((s) => s.ratios.kremedyOverFloor !== null);
  if (kf.length) {
    const worst = Math.max(...kf.map((s) => s.ratios.kremedyOverFloor));
    list.push({ target: `kremedy <= ${TARGETS.kremedyOverFloorMax}x floor at every N`, met: worst <= TARGETS.kremedyOverFloorMax, detail: `worst ${worst.toFixed(2)}x (${kf.map((s) => `N=${s.n}: ${s.ratios.kremedyOverFloor.toFixed(2)}x`).join(', ')})` });
  }
  const hc = done.filter((s) => s.ratios.hostCpuKremedyOverFloor !== null && s.ratios.hostCpuKremedyOverFloor !== undefined);
  if (hc.length) {
    const worst = Math.max(...hc.map((s) => s.ratios.hostCpuKremedyOverFloor));
    list.push({ target: `kremedy host CPU <= ${TARGETS.kremedyOverFloorMax}x floor at every N`, met: worst <= TARGETS.kremedyOverFloorMax, detail: `worst ${worst.toFixed(2)}x (${hc.map((s) => `N=${s.n}: ${s.ratios.hostCpuKremedyOverFloor.toFixed(2)}x`).join(', ')})` });
  }
  const ak = done.filter((s) => s.n >= 20 && s.ratios.ansibleOverKremedy !== null);
  if (ak.length) {
    const worst = Math.min(...ak.map((s) => s.ratios.ansibleOverKremedy));
    list.push({ target: `ansible >= ${TARGETS.ansibleOverKremedyMin}x kremedy at N >= 20`, met: worst >= TARGETS.ansibleOverKremedyMin, detail: `worst ${worst.toFixed(1)}x (${ak.map((s) => `N=${s.n}: ${s.ratios.ansibleOverKremedy.toFixed(1)}x`).join(', ')})` });
  }
  const ks = slopeTable['kremedy.broken'];
  if (ks && ks.segmentMsPerHost.length) {
    const seg = ks.segmentMsPerHost;
    const spread = Math.max(...seg) / Math.max(1e-9, Math.min(...seg));
    const near = ks.r2 >= 0.95 && (seg.length < 2 || spread <= 2);
    list.push({ target: 'near-constant per-host slope (kremedy, broken)', met: near, detail: `${ks.msPerHost.toFixed(1)} ms/host overall, r2 ${ks.r2.toFixed(3)}, between sizes: ${seg.map((x) => x.toFixed(1)).join(', ')} ms/host` });
  }
  const at200 = done.find((s) => s.n === 200);
  if (at200?.medians['kremedy.broken']) {
    const mb = at200.medians['kremedy.broken'].maxPeakRssKb / 1024;
    list.push({ target: `kremedy peak RSS <= ${TARGETS.peakRssMbMaxAt200} MB at 200 hosts`, met: mb <= TARGETS.peakRssMbMaxAt200, detail: `${mb.toFixed(0)} MB (largest of the broken runs)` });
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

/** The README table: per size, broken-host runs side by side, wall time, host CPU per host, ratios. */
export function readmeTable(sizes) {
  const head = [
    '| hosts | kremedy s | floor s | ansible s | kremedy/floor | ansible/kremedy | host CPU/host kremedy | host CPU/host floor | host CPU kremedy/floor | kremedy converged s | kremedy dry-run s | kremedy peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = sizes.map((z) => {
    if (!z.medians) return `| ${z.n} | skipped: ${z.skipped ?? 'no data'} |||||||||||`;
    const md = z.medians;
    const w = (k) => s(md[k]?.wallMs);
    return `| ${z.n} | ${w('kremedy.broken')} | ${w('floor.broken')} | ${w('ansible.broken')} | ${x(z.ratios.kremedyOverFloor)} | ${x(z.ratios.ansibleOverKremedy, 1)} | ${ms(md['kremedy.broken']?.hostCpuMsPerHost)} ms | ${ms(md['floor.broken']?.hostCpuMsPerHost)} ms | ${x(z.ratios.hostCpuKremedyOverFloor)} | ${w('kremedy.converged')} | ${w('kremedy.dry-run')} | ${mb(md['kremedy.broken']?.maxPeakRssKb)} MB |`;
  });
  return [...head, ...rows].join('\n');
}

/** Markdown table: one row per size, median wall seconds and peak RSS per tool/phase. */
export function markdownTable(sizes) {
  const head = [
    '| hosts | kremedy broken s | kremedy converged s | kremedy dry-run s | ansible broken s | ansible converged s | floor broken s | floor converged s | kremedy RSS MB | ansible parent RSS MB | floor driver RSS MB (+ ssh sum) | kremedy/floor | ansible/kremedy |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = sizes.map((z) => {
    if (!z.medians) return `| ${z.n} | skipped: ${z.skipped ?? 'no data'} |||||||||||| |`;
    const md = z.medians;
    const w = (k) => s(md[k]?.wallMs);
    const fl = md['floor.broken'];
    return `| ${z.n} | ${w('kremedy.broken')} | ${w('kremedy.converged')} | ${w('kremedy.dry-run')} | ${w('ansible.broken')} | ${w('ansible.converged')} | ${w('floor.broken')} | ${w('floor.converged')} | ${mb(md['kremedy.broken']?.maxPeakRssKb)} | ${mb(md['ansible.broken']?.maxPeakRssKb)} | ${fl ? `${mb(fl.maxPeakRssKb)} (+${mb(fl.sshPeakSumRssKb)})` : '-'} | ${x(z.ratios.kremedyOverFloor)} | ${x(z.ratios.ansibleOverKremedy, 1)} |`;
  });
  return [...head, ...rows].join('\n');
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
    ['ansible.broken', 'ansible-playbook', '#d62728', ''],
    ['floor.broken', 'OpenSSH floor', '#2ca02c', ''],
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

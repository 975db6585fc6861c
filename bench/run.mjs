#!/usr/bin/env node
// kremedy against what an operator would use instead, on N broken flannel hosts: the field
// note's script over pdsh, clush and a loop of OpenSSH clients, tuned Ansible, the naive floor
// script, and N bare logins (the physical floor). Fleet hosts (b001..bNNN, group `bench`) by
// default; light hosts (bench/light, l0001.., sshd alone in a namespace) with --light, for
// 200-1,000 hosts. See bench/README.md.
//
//   npm run bench -- [--sizes 20,50,200] [--reps 5] [--tools kremedy,pdsh,clush,note-ssh,logins,floor,ansible]
//                    [--light] [--keep-hosts] [--budget-min 50] [--startup-only] [--results DIR] [--no-readme]
// Environment: BENCH_SIZES, BENCH_REPS, BENCH_TOOLS (same meaning), KREMEDY_FLEET_DIR,
// KREMEDY_FLEET_INSTANCE, KREMEDY_LIGHT_DIR.
//
// Needs root (it boots hosts), a built dist/ (npm run build) and the bench's packages (npm run
// bench runs bench/setup.sh first: pdsh, clustershell, ansible-core, time, openssh-server). The
// default fleet hosts are never touched: only b001.. are booted, re-seeded and, at the end,
// removed (fleet.sh down --bench); light hosts are removed with light.sh down.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GNU_TIME, measure, median, wall } from './lib/measure.mjs';
import { evaluateTargets, key, lightTable, markdownTable, ratioLine, readmeTable, slopes, slopeTable, summariseSize, svgPlot } from './lib/report.mjs';
import { checkState, pool, reseed } from './lib/ssh.mjs';
import { cgroupDirs, hostCpuUsec } from './lib/hostcpu.mjs';
import { machineCpuMs } from './lib/machinecpu.mjs';
import { clush, pdsh, sshLoop, NOTE } from './lib/fanout.mjs';
import { firstConnect } from './lib/firstconnect.mjs';

// Every tool here runs without NODE_EXTRA_CA_CERTS: node reads that file at each start (~50 ms
// where this was written, set by the sandbox, not by kremedy), and none of the tools makes a TLS
// connection; left in, it would be charged to kremedy alone, the one tool that is a node process.
delete process.env.NODE_EXTRA_CA_CERTS;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CLI = path.join(REPO, 'bin/kremedy.cjs');
const FLEET_SH = path.join(REPO, 'test/fleet/fleet.sh');
const LIGHT_SH = path.join(HERE, 'light/light.sh');
const FLEET_DIR = process.env.KREMEDY_FLEET_DIR ?? '/var/lib/kremedy-fleet';
const FLEET_INSTANCE = Number(process.env.KREMEDY_FLEET_INSTANCE ?? '0');
const LIGHT_DIR = process.env.KREMEDY_LIGHT_DIR ?? '/var/lib/kremedy-light';
const FLOOR_SCRIPT = path.join(HERE, 'floor/reset-node.sh');
const CHECK_SCRIPT = path.join(HERE, 'floor/check.sh');
const ANSIBLE_DIR = path.join(HERE, 'ansible');

const { values: opt } = parseArgs({
  options: {
    light: { type: 'boolean', default: false },
    sizes: { type: 'string', default: process.env.BENCH_SIZES },
    reps: { type: 'string', default: process.env.BENCH_REPS ?? '5' },
    tools: { type: 'string', default: process.env.BENCH_TOOLS },
    results: { type: 'string', default: path.join(HERE, 'results') },
    // The README's table is rewritten by a bench run; --no-readme for trial runs.
    'no-readme': { type: 'boolean', default: false },
    'first-connect-reps': { type: 'string', default: '10' },
    'keep-hosts': { type: 'boolean', default: false },
    'budget-min': { type: 'string', default: process.env.BENCH_BUDGET_MIN ?? '0' },
    'startup-only': { type: 'boolean', default: false },
    // Rebuild summary, table and plot from the result files already written, measuring nothing:
    // the latest file of each of --sizes stands for this invocation, start-up and the command
    // line are the previous summary's. For a change to the report itself.
    'report-only': { type: 'boolean', default: false },
    'startup-reps': { type: 'string', default: '10' },
    // ansible-playbook is 20-30x slower: fewer reps keep a full run near an hour on 2 cores.
    'ansible-reps': { type: 'string', default: process.env.BENCH_ANSIBLE_REPS ?? '3' },
    'ansible-max-s': { type: 'string', default: process.env.BENCH_ANSIBLE_MAX_S ?? '600' },
  },
});
const LIGHT = opt.light;
// Light hosts: kremedy alone by default (the point is its own scaling to 1,000 hosts); any
// fan-out tool can be added with --tools. Ansible needs the fleet's python3: not on light hosts.
const DEFAULT_TOOLS = LIGHT ? 'kremedy' : 'kremedy,pdsh,clush,note-ssh,logins,floor,ansible';
const RESULTS = path.resolve(opt.results);
const RUN_DIR = LIGHT ? path.join(LIGHT_DIR, 'run') : path.join(FLEET_DIR, FLEET_INSTANCE ? `instance${FLEET_INSTANCE}` : '', 'run'); // as fleet.sh lays out instances
const fleet = {
  key: LIGHT && !existsSync(path.join(FLEET_DIR, 'id_ed25519')) ? path.join(LIGHT_DIR, 'id_ed25519') : path.join(FLEET_DIR, 'id_ed25519'),
  knownHosts: path.join(RUN_DIR, 'known_hosts'),
  inventory: path.join(RUN_DIR, 'inventory.yml'),
};
const GROUP = LIGHT ? 'light' : 'bench';
const SEED = LIGHT ? 'sh /run/krl/seed.sh' : 'kremedy-seed flannel';
const sizes = (opt.sizes ?? (LIGHT ? '200,500,1000' : '20,50,200')).split(',').map((x) => Number(x.trim())).filter((n) => Number.isInteger(n) && n > 0);
const reps = Number(opt.reps);
const tools = (opt.tools ?? DEFAULT_TOOLS).split(',').map((t) => t.trim()).map((t) => (t === 'naive' ? 'floor' : t));
const budgetMs = Number(opt['budget-min']) * 60_000;
const ansibleReps = Math.min(reps, Number(opt['ansible-reps']));
const ansibleMaxMs = Number(opt['ansible-max-s']) * 1000;
const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const t0 = Date.now();
const log = (...a) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${a.join(' ')}\n`);

const RESULT_PREFIX = LIGHT ? 'light-' : '';
const RESULT_FILE = new RegExp(`^${RESULT_PREFIX}\\d{4}-\\d\\d-\\d\\d-\\d+\\.json$`);
const KNOWN_TOOLS = ['kremedy', 'pdsh', 'clush', 'note-ssh', 'logins', 'floor', 'ansible'];

function preflight() {
  const missing = [];
  const unknown = tools.filter((t) => !KNOWN_TOOLS.includes(t));
  if (unknown.length) missing.push(`tools ${unknown.join(', ')} (known: ${KNOWN_TOOLS.join(', ')})`);
  if (!existsSync(CLI)) missing.push(`${CLI} (run npm run build)`);
  if (!existsSync(GNU_TIME)) missing.push(`${GNU_TIME} (bash bench/setup.sh)`);
  if (tools.includes('ansible') && spawnSync('ansible-playbook', ['--version']).status !== 0) missing.push('ansible-playbook (bash bench/setup.sh)');
  if (tools.includes('pdsh') && spawnSync('pdsh', ['-V']).status !== 0) missing.push('pdsh (bash bench/setup.sh)');
  if (tools.includes('clush') && spawnSync('clush', ['--version']).status !== 0) missing.push('clush (bash bench/setup.sh)');
  if (LIGHT && tools.includes('ansible')) missing.push('nothing: ansible cannot run on light hosts (no python3 of their own); drop it from --tools');
  if (missing.length) {
    process.stderr.write(`bench: missing ${missing.join(', ')}\n`);
    process.exit(1);
  }
}

/**
 * Client limits at N hosts: every connection holds a socket (and the fan-out tools a process
 * and pipes per host), so the open-file limit must leave room, or hosts are lost to EMFILE
 * rather than to anything the tool does.
 */
function clientLimits(n) {
  const nofile = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  const need = 4 * n + 256;
  return { nofile, pidMax, nofileNeeded: need, ok: !(nofile < need) };
}

// ------------------------------------------------------------------ start-up
async function startup() {
  const n = Number(opt['startup-reps']);
  const help = [];
  const list = [];
  await wall(process.execPath, [CLI, '--help']); // warm the page cache once, not counted
  for (let i = 0; i < n; i++) {
    help.push(await wall(process.execPath, [CLI, '--help']));
    list.push(await wall(process.execPath, [CLI, 'list']));
  }
  const nodeBare = [];
  for (let i = 0; i < n; i++) nodeBare.push(await wall(process.execPath, ['-e', '0']));
  return { runs: n, helpMs: median(help), listMs: median(list), nodeBareMs: median(nodeBare), helpAllMs: help, listAllMs: list };
}

// ------------------------------------------------------------------ fleet
function fleetSh(args, env = {}) {
  // Bench hosts may be added beside a default fleet booted from an older image (see fleet.sh).
  execFileSync('bash', [FLEET_SH, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, KREMEDY_FLEET_STALE_BASE_OK: '1', ...env } });
}

function memAvailableMb() {
  const m = /MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : Infinity;
}

function benchHosts(n) {
  const hosts = JSON.parse(readFileSync(path.join(RUN_DIR, 'hosts.json'), 'utf8'));
  const bench = hosts.filter((h) => h.groups.includes(GROUP));
  if (bench.length !== n) throw new Error(`expected ${n} bench hosts in ${RUN_DIR}/hosts.json, found ${bench.length}`);
  return bench;
}

/**
 * Runs fn and adds, per host, the CPU of the whole machine during it (/proc/stat: client and
 * hosts together) and that of the bench hosts alone (their cgroups; fleet hosts only).
 */
async function withHostCpu(cpuFiles, n, fn) {
  const before = hostCpuUsec(cpuFiles);
  const m0 = machineCpuMs();
  const res = await fn();
  const m1 = machineCpuMs();
  const after = hostCpuUsec(cpuFiles);
  return { ...res, machineCpuMsPerHost: (m1 - m0) / n, hostCpuMsPerHost: cpuFiles ? (after - before) / 1000 / n : null };
}

// ------------------------------------------------------------------ the three tools
function lastRecap(stdout) {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const ev = JSON.parse(l);
      if (ev.type === 'recap') return ev;
    } catch {
      /* human output or partial line */
    }
  }
  return null;
}

async function runKremedy(n, phase) {
  // --connect-timeout 30: kremedy's timeout covers the whole handshake (TCP, key exchange,
  // auth), OpenSSH's ConnectTimeout only the TCP connect; with 200 handshakes at once on this
  // 2-core machine the default 10 s left 5-21 hosts unreachable (see bench/README.md).
  const args = [CLI, 'run', 'reset-node', '--hosts', GROUP, '--forks', String(n), '-i', fleet.inventory, '--known-hosts', fleet.knownHosts, '--json', '--connect-timeout', String(LIGHT ? Math.max(30, n / 10) : 30)];
  if (phase === 'dry-run') args.push('--dry-run');
  const r = await measure(process.execPath, args, { env: { CI: '1', NO_COLOR: '1' } });
  const recap = lastRecap(r.stdout);
  const hosts = recap ? Object.values(recap.hosts) : [];
  const changedHosts = hosts.filter((h) => h.changed > 0).length;
  const pendingHosts = hosts.filter((h) => h.pending > 0).length;
  const failedHosts = hosts.filter((h) => h.failed > 0 || h.unreachable).length;
  const expect = { broken: changedHosts === n, converged: changedHosts === 0 && pendingHosts === 0, 'dry-run': pendingHosts === n && changedHosts === 0 }[phase];
  const ok = r.code === 0 && recap !== null && hosts.length === n && failedHosts === 0 && expect;
  // Lost: not in the recap at all, or unreachable (what a client limit would cause).
  const lostHosts = n - hosts.length + hosts.filter((h) => h.unreachable).length;
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, changedHosts, pendingHosts, failedHosts, lostHosts, ...(ok ? {} : { error: r.stderr.trim().split('\n').slice(-5).join(' | ') }) };
}

async function runAnsible(n, phase) {
  // A fresh ControlPath dir per run: every run pays for its connections, like the others.
  const cp = mkdtempSync(path.join(tmpdir(), 'kremedy-bench-cp-'));
  const r = await measure('ansible-playbook', ['-i', fleet.inventory, '-f', String(n), path.join(ANSIBLE_DIR, 'reset-node.yml')], {
    env: { ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: cp, ANSIBLE_NOCOLOR: '1' },
  });
  // Close the ControlPersist masters now rather than let N idle ssh processes skew the next run.
  const socks = readdirSync(cp).map((f) => path.join(cp, f));
  await pool(socks, 64, (s) => new Promise((res) => spawn('ssh', ['-o', `ControlPath=${s}`, '-O', 'exit', 'x'], { stdio: 'ignore' }).on('close', res).on('error', res)));
  rmSync(cp, { recursive: true, force: true });
  const changed = new Set([...r.stdout.matchAll(/^(\S+) \| CHANGED/gm)].map((m) => m[1]));
  const failed = new Set([...r.stdout.matchAll(/^(\S+) \| (FAILED|UNREACHABLE)/gm)].map((m) => m[1]));
  // On converged hosts Ansible still reports `changed` for the iptables flushes (the module
  // does not compare before flushing), so only the broken run has an exact expectation.
  const expect = phase === 'broken' ? changed.size === n : true;
  const ok = r.code === 0 && failed.size === 0 && expect;
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, changedHosts: changed.size, failedHosts: failed.size, ...(ok ? {} : { error: (r.stdout + r.stderr).trim().split('\n').slice(-5).join(' | ') }) };
}

async function runFloor(ips) {
  const r = await measure(process.execPath, [path.join(HERE, 'floor/run.mjs'), JSON.stringify(fleet), FLOOR_SCRIPT, ...ips]);
  let d = {};
  try {
    d = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    /* reported below */
  }
  const ok = r.code === 0 && d.failed === 0;
  return { wallMs: r.wallMs, peakRssKb: r.peakRssKb, clientCpuMs: r.cpuMs, code: r.code, ok, sshPeakSumRssKb: d.sshPeakSumRssKb ?? null, sshMaxRssKb: d.sshMaxRssKb ?? null, ...(ok ? {} : { error: (d.errors ?? [r.stderr.trim()]).join(' | ') }) };
}

/** After a run, the hosts must be in the state it claims: all converged, or (dry run) all still broken. */
async function assertState(ips, want, what) {
  const st = await checkState(fleet, ips, CHECK_SCRIPT);
  const good = want === 'converged' ? st.converged === ips.length : st.broken === ips.length;
  if (!good) log(`  WARNING ${what}: expected all ${want}, found ${st.converged} converged / ${st.broken} not (${st.sample.join('; ')})`);
  return good;
}

async function benchSize(n) {
  const size = { n, light: LIGHT, date: new Date().toISOString(), reps, ansibleReps, tools, note: NOTE, limits: clientLimits(n), runs: [], notes: [] };
  if (!size.limits.ok) size.notes.push(`ulimit -n is ${size.limits.nofile}, under the ~${size.limits.nofileNeeded} that ${n} hosts may need: hosts may be lost to it`);
  const hosts = benchHosts(n);
  const ips = hosts.map((h) => h.ip);
  const cpuFiles = LIGHT ? null : cgroupDirs(hosts.map((h) => h.name), FLEET_INSTANCE);
  if (!cpuFiles && !LIGHT) size.notes.push('host CPU not measured: no cgroup v2 cpu.stat for the fleet hosts');
  const timed = (fn) => withHostCpu(cpuFiles, n, fn);
  let load;
  const record = (tool, phase, rep, res) => {
    size.runs.push({ tool, phase, rep, loadavg1Before: load, ...res });
    const f0 = (v) => (v === null || v === undefined ? '?' : v.toFixed(0));
    const client = res.clientCpuMs === null || res.clientCpuMs === undefined ? '?' : (res.clientCpuMs / 1000).toFixed(2);
    log(`  N=${n} rep ${rep} ${key(tool, phase).padEnd(18)} ${(res.wallMs / 1000).toFixed(2).padStart(7)} s  machine cpu ${f0(res.machineCpuMsPerHost)} ms/host  host cpu ${f0(res.hostCpuMsPerHost)} ms/host  client cpu ${client} s  rss ${res.peakRssKb ? (res.peakRssKb / 1024).toFixed(0) : '?'} MB  load ${load}${res.lostHosts ? `  LOST ${res.lostHosts}` : ''}${res.ok ? '' : `  FAILED: ${res.error ?? ''}`}`);
  };
  // Ansible at this size, extrapolated linearly from the largest size measured so far.
  const prev = previousAnsible;
  let runAnsibleHere = tools.includes('ansible');
  if (runAnsibleHere && prev && (prev.wallMs * n) / prev.n > ansibleMaxMs) {
    runAnsibleHere = false;
    const why = `ansible skipped at N=${n}: one run extrapolates to ~${((prev.wallMs * n) / prev.n / 1000).toFixed(0)} s (from ${(prev.wallMs / 1000).toFixed(0)} s at N=${prev.n}), over --ansible-max-s ${ansibleMaxMs / 1000}`;
    size.notes.push(why);
    log(`  ${why}`);
  }
  /** A run that should leave every host converged counts only if it did (bench/floor/check.sh). */
  const converging = async (tool, rep, fn) => {
    await reseed(fleet, ips, 64, SEED);
    load = loadavg();
    const res = await timed(fn);
    res.ok &&= await assertState(ips, 'converged', tool);
    record(tool, 'broken', rep, res);
    return res;
  };
  for (let rep = 1; rep <= reps; rep++) {
    // Alternate the order so that no tool always runs first (cold caches) or last.
    const order = tools.map((_, i) => tools[(i + rep - 1) % tools.length]);
    for (const tool of order) {
      if (tool === 'ansible' && (!runAnsibleHere || rep > ansibleReps)) continue;
      if (tool === 'kremedy') {
        await reseed(fleet, ips, 64, SEED);
        load = loadavg();
        const dry = await timed(() => runKremedy(n, 'dry-run'));
        dry.ok &&= await assertState(ips, 'broken', 'kremedy --dry-run');
        record('kremedy', 'dry-run', rep, dry);
        load = loadavg();
        const broken = await timed(() => runKremedy(n, 'broken'));
        broken.ok &&= await assertState(ips, 'converged', 'kremedy run');
        record('kremedy', 'broken', rep, broken);
        load = loadavg();
        record('kremedy', 'converged', rep, await timed(() => runKremedy(n, 'converged')));
      } else if (tool === 'ansible') {
        await converging('ansible', rep, () => runAnsible(n, 'broken'));
        load = loadavg();
        record('ansible', 'converged', rep, await timed(() => runAnsible(n, 'converged')));
      } else if (tool === 'floor') {
        await converging('floor', rep, () => runFloor(ips));
        load = loadavg();
        record('floor', 'converged', rep, await timed(() => runFloor(ips)));
      } else if (tool === 'pdsh') {
        await converging('pdsh', rep, () => pdsh(fleet, ips));
      } else if (tool === 'clush') {
        await converging('clush', rep, () => clush(fleet, ips));
      } else if (tool === 'note-ssh') {
        await converging('note-ssh', rep, () => sshLoop(fleet, ips, NOTE));
      } else if (tool === 'logins') {
        // No state to check: a login changes nothing. The hosts are as the last tool left them.
        load = loadavg();
        record('logins', 'login', rep, await timed(() => sshLoop(fleet, ips, 'true')));
      }
    }
  }
  const res = { ...size, ...summariseSize(size) };
  if (res.medians['ansible.broken']) previousAnsible = { n, wallMs: res.medians['ansible.broken'].wallMs };
  return res;
}
// Seeded from earlier result files, so that `--sizes 100,200` after `--sizes 20,50` extrapolates too.
let previousAnsible = (existsSync(RESULTS) ? readdirSync(RESULTS) : [])
  .filter((f) => RESULT_FILE.test(f))
  .map((f) => JSON.parse(readFileSync(path.join(RESULTS, f), 'utf8')))
  .filter((r) => r.medians?.['ansible.broken'])
  .map((r) => ({ n: r.n, wallMs: r.medians['ansible.broken'].wallMs }))
  .sort((a, b) => a.n - b.n)
  .pop();

/**
 * bench/README.md's performance table (its History), between its markers, and the same in results/table.md:
 * one bench command leaves README, results and plot in step.
 */
function writeReadmeTable(sizes, summary) {
  const m = summary.machine;
  const body = [
    `Measured ${summary.date.slice(0, 10)} by \`${summary.command}\` (${m.cpus} cores / ${m.memGb} GB, node ${m.node}, ${m.ansible ?? 'no ansible'}, ${m.ssh}); medians of the reps; seconds of wall time; machine CPU = /proc/stat busy time of the whole machine during the run (client and hosts), per host; \`--help\` ${summary.startup.helpMs.toFixed(0)} ms, start-up to the first connection ${summary.startup.firstConnectMs?.toFixed(0) ?? '-'} ms.`,
    '',
    readmeTable(sizes.filter((z) => z.medians || z.skipped).sort((a, b) => a.n - b.n)),
    '',
    ...sizes.filter((z) => z.fromEarlierRun).map((z) => `N=${z.n}: from an earlier run (${z.fromEarlierRun}).`),
    ...sizes.flatMap((z) => (z.notes ?? []).map((note) => `N=${z.n}: ${note}.`)),
    '',
    ...summary.targets.map((t) => `- **${t.target}: ${t.met ? 'met' : 'missed'}** (${t.detail})`),
  ].join('\n');
  writeFileSync(path.join(RESULTS, `${RESULT_PREFIX}table.md`), body + '\n');
  if (LIGHT || opt['no-readme']) return;
  const readme = path.join(REPO, 'bench/README.md');
  const text = readFileSync(readme, 'utf8');
  const re = /(<!-- bench-table:start -->\n)[\s\S]*?(\n<!-- bench-table:end -->)/;
  if (re.test(text)) writeFileSync(readme, text.replace(re, (_, a, b) => `${a}${body}${b}`));
  else log('bench/README.md has no bench-table markers: table written to bench/results/table.md only');
}

// The newest result file of each size (file names sort by date), read once.
function latestResultBySize() {
  const latest = new Map();
  for (const file of existsSync(RESULTS) ? readdirSync(RESULTS).filter((f) => RESULT_FILE.test(f)).sort().reverse() : []) {
    const result = JSON.parse(readFileSync(path.join(RESULTS, file), 'utf8'));
    if (!latest.has(result.n)) latest.set(result.n, { result, file });
  }
  return latest;
}

// ------------------------------------------------------------------ main
const REPORT_ONLY = opt['report-only'];
const previousSummaryFile = path.join(RESULTS, `${RESULT_PREFIX}summary.json`);
const previousSummary = REPORT_ONLY && existsSync(previousSummaryFile) ? JSON.parse(readFileSync(previousSummaryFile, 'utf8')) : null;
if (REPORT_ONLY && !previousSummary) throw new Error(`--report-only: no ${previousSummaryFile} to take start-up and the command from`);
if (!REPORT_ONLY) preflight();
mkdirSync(RESULTS, { recursive: true });
const day = new Date().toISOString().slice(0, 10);
const machine = REPORT_ONLY ? previousSummary.machine : { cpus: (await import('node:os')).cpus().length, memGb: Math.round((await import('node:os')).totalmem() / 2 ** 30), node: process.version, ansible: tools.includes('ansible') ? execFileSync('ansible-playbook', ['--version']).toString().split('\n')[0] : null, ssh: spawnSync('ssh', ['-V']).stderr.toString().trim() };

if (!REPORT_ONLY) log('start-up: --help and list, median of', opt['startup-reps'], '; to the first connection, median of', opt['first-connect-reps']);
const startupResult = REPORT_ONLY ? previousSummary.startup : { ...(await startup()), ...(await firstConnect(CLI, Number(opt['first-connect-reps']))) };
log(`  --help ${startupResult.helpMs.toFixed(0)} ms, list ${startupResult.listMs.toFixed(0)} ms (bare node ${startupResult.nodeBareMs.toFixed(0)} ms), first connection ${startupResult.firstConnectMs?.toFixed(0) ?? '-'} ms`);

const done = [];
if (REPORT_ONLY) {
  const latest = latestResultBySize();
  // As a live run holds them: the machine is the summary's, not each size's.
  for (const n of sizes) if (latest.has(n)) { const { machine: _machine, ...result } = latest.get(n).result; done.push(result); }
} else if (!opt['startup-only']) {
  for (const n of sizes) {
    if (budgetMs && Date.now() - t0 > budgetMs) {
      done.push({ n, skipped: `time budget of ${opt['budget-min']} min used up before this size` });
      log(`N=${n}: SKIPPED (time budget used up)`);
      continue;
    }
    // ~45 MB per booted fleet host (systemd, journald, sshd), ~12 MB per light host (sshd, its
    // session processes, the namespaces), plus 2 GB for the tools themselves.
    const needMb = n * (LIGHT ? 12 : 45) + 2048;
    if (memAvailableMb() < needMb) {
      done.push({ n, skipped: `not enough memory: ${memAvailableMb().toFixed(0)} MB available, ~${needMb} MB needed` });
      log(`N=${n}: SKIPPED (memory)`);
      continue;
    }
    log(`N=${n}: ${LIGHT ? `starting light hosts (light.sh up ${n})` : `booting bench hosts (fleet.sh up --count ${n})`} ...`);
    const tb = Date.now();
    if (LIGHT) execFileSync('bash', [LIGHT_SH, 'up', String(n)], { stdio: ['ignore', 'ignore', 'inherit'] });
    else fleetSh(['up', '--count', String(n)]);
    log(`  bench hosts ready in ${((Date.now() - tb) / 1000).toFixed(0)} s`);
    const res = await benchSize(n);
    done.push(res);
    writeFileSync(path.join(RESULTS, `${RESULT_PREFIX}${day}-${n}.json`), JSON.stringify({ machine, ...res }, null, 2) + '\n');
  }
  if (!opt['keep-hosts']) {
    log(`removing the bench hosts (${LIGHT ? 'light.sh down' : 'fleet.sh down --bench'}) ...`);
    if (LIGHT) execFileSync('bash', [LIGHT_SH, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
    else fleetSh(['down', '--bench']);
  }
}

// Sizes not measured now are taken from their latest earlier result file, and marked so.
const all = [...done];
for (const [n, { result, file }] of latestResultBySize()) {
  if (all.some((z) => z.n === n && (z.medians || z.skipped))) continue;
  all.push({ ...result, fromEarlierRun: file });
}
const measured = all.filter((z) => z.medians).sort((a, b) => a.n - b.n);
// The slope is fitted over this invocation's sizes when it measured two or more: a size taken
// from an earlier run was measured with another build, and mixing them bends the line.
const measuredNow = done.filter((z) => z.medians).sort((a, b) => a.n - b.n);
const slopeBasis = measuredNow.length >= 2 ? 'this invocation' : 'every size with a result';
const sl = slopes(measuredNow.length >= 2 ? measuredNow : measured);
const targets = evaluateTargets(measured, sl, startupResult, { light: LIGHT, slopeBasis });
const summary = {
  date: REPORT_ONLY ? previousSummary.date : new Date().toISOString(),
  command: REPORT_ONLY ? previousSummary.command : `npm run bench -- ${LIGHT ? '--light ' : ''}--sizes ${sizes.join(',')} --reps ${reps} --tools ${tools.join(',')}`,
  machine,
  startup: startupResult,
  sizes: all.sort((a, b) => a.n - b.n).map(({ runs: _runs, ...z }) => z),
  slopes: sl,
  slopeBasis,
  targets,
};
if (!opt['startup-only']) {
  writeFileSync(path.join(RESULTS, `${RESULT_PREFIX}summary.json`), JSON.stringify(summary, null, 2) + '\n');
  writeReadmeTable(all, summary);
  writeFileSync(path.join(RESULTS, `${RESULT_PREFIX}time-vs-hosts.svg`), svgPlot(measured, `reset-node on N broken flannel ${LIGHT ? 'light ' : ''}hosts (${machine.cpus} cores)`));
}

// ------------------------------------------------------------------ report
const out = [];
out.push(`\n## kremedy benchmark (${summary.date}, ${machine.cpus} cores, ${machine.memGb} GB, node ${machine.node}, ${machine.ansible ?? 'no ansible'}, ${machine.ssh})`);
out.push(`\nStart-up (median of ${startupResult.runs}): --help ${startupResult.helpMs.toFixed(0)} ms, list ${startupResult.listMs.toFixed(0)} ms, bare \`node -e 0\` ${startupResult.nodeBareMs.toFixed(0)} ms; spawn to the first connection (run --dry-run, one host on 127.0.0.1) ${startupResult.firstConnectMs?.toFixed(0) ?? '-'} ms from the code cache, ${startupResult.coldMs?.toFixed(0) ?? '-'} ms cold (no cache yet, the run that writes it)\n`);
if (measured.length || all.length) {
  out.push(LIGHT ? lightTable(all) : markdownTable(all));
  out.push(`\nMedian of each size's reps (${all.filter((z) => z.reps).map((z) => `N=${z.n}: ${z.reps}`).join(', ')}); seconds of wall time (machine CPU per host in ms); peak RSS from /usr/bin/time -f %M (kremedy: its one process).`);
  out.push(`The note's script: ${NOTE}`);
  for (const z of all.filter((q) => q.fromEarlierRun)) out.push(`N=${z.n}: from an earlier run (${z.fromEarlierRun})`);
  for (const z of all) for (const note of z.notes ?? []) out.push(`N=${z.n}: ${note}`);
  if (tools.includes('ansible')) out.push(`ansible-playbook: ${ansibleReps} rep(s) per size (--ansible-reps); the other tools: ${reps}.`);
  if (Object.keys(sl).length) out.push('\nTime per added host (least-squares fit of the medians against N):\n\n' + slopeTable(sl));
  out.push('\nRatios (same run, per N):');
  for (const z of measured) out.push(`  N=${String(z.n).padStart(4)}  ${ratioLine(z.ratios)}`);
  out.push('\nTargets:');
  for (const t of targets) out.push(`  [${t.met ? 'met' : 'MISSED'}] ${t.target}: ${t.detail}`);
}
const failedRuns = done.flatMap((z) => (z.runs ?? []).filter((r) => !r.ok).map((r) => `N=${z.n} ${r.tool}.${r.phase} rep ${r.rep}: ${r.error ?? `exit ${r.code}`}`));
if (failedRuns.length) out.push(`\nRuns that failed or did not do what they should (left out of the medians):\n  ${failedRuns.join('\n  ')}`);
process.stdout.write(out.join('\n') + '\n');
process.exitCode = failedRuns.length ? 2 : 0;

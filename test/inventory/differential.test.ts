// Differential test: kremedy's inventory loading and host patterns against ansible-core itself
// (Debian's package, installed by scripts/setup.sh), on the fixture inventories (sources in
// fixtures/SOURCES.md) and a pattern set generated from each. One python3 process (oracle.py)
// evaluates everything on Ansible's side. Any disagreement fails unless differential-allow.tsv
// lists it with a reason; an allow-list line that no longer matches a disagreement fails too.
// In CI (CI set) a missing ansible-core fails the test: the oracle must not vanish silently.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { loadInventory, matchHosts, type Inventory } from '../../src/inventory/index.js';
import { compilePythonRegex, PyRegexError } from '../../src/inventory/pyregex.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
// Debian's python3, where Debian's ansible-core lives (KREMEDY_ANSIBLE_PYTHON: another one).
const PYTHON = process.env['KREMEDY_ANSIBLE_PYTHON'] ?? '/usr/bin/python3';

const inventoryFiles = (): string[] =>
  ['.', 'kubespray', 'ansible', 'hand'].flatMap((dir) =>
    readdirSync(join(fixtures, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ini|ya?ml|json)$/.test(e.name))
      .map((e) => join(fixtures, dir, e.name))
      .sort(),
  );

// ---------------------------------------------------------------------------------------------
// Patterns

const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function generatePatterns(inv: Inventory | undefined, listFile: string): string[] {
  const out = new Set<string>([
    'all', '*', 'ungrouped', 'all[0]', 'all[-1]', 'all[1:]', 'all[0:1]', 'all[2:0]', 'all[1-2]', '*[0]', 'all[99]', 'all[5:9]',
    'typo', 'all,typo', 'all:!ungrouped', '!ungrouped', '&all', 'localhost', '~.*', '~(?i)^N', '~\\d', '~[a-z]+\\d$', '*1', '?????',
    // Python's regex dialect, translated to JavaScript (src/inventory/pyregex.ts).
    ...['(?i)WEB', '(?x) w e b \\d  # comment', '(?P<p>[a-z])(?P=p)', '\\Aw', '.*\\Z', '[^\\W\\d]+\\d', '\\w+\\.\\w+', '[a-z]+(?=\\d)', '(?<!x)db',
      'n\\u0153', 'n\\x6f', '\\w{2}\\d{1,}', '\\d{1,2}', '[]a]', '(?s).', '(?m)^w', '(?a)\\w+$', '\\bw', '\\w\\B\\d', '[\\d.]+$', '(.)\\1',
      '(?#c)w', '[a-z]{}', '\\D+$', '[^-a-z]', '.*[.]', '(?i)[A-Z]+\\d$', '\\s|\\S{3}', '(?:a|b|c|d|e|n|w)\\w*?\\d$'].map((r) => `~${r}`),
  ]);
  if (!inv) return [...out];
  const groups = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped').slice(0, 8);
  const hosts = [...inv.hosts.keys()].slice(0, 8);
  for (const [i, g] of groups.entries()) {
    const g2 = groups[(i + 1) % groups.length]!;
    for (const p of [g, `${g}[0]`, `${g}[-1]`, `${g}[1]`, `${g}[1:]`, `${g}[0:1]`, `${g}[0-1]`, `${g}[-2]`, `!${g}`, `${g}*`, `~${reEscape(g)}`]) out.add(p);
    for (const p of [`~(?i)${reEscape(g.toUpperCase())}$`, `${g}:!${g2}`, `${g}:&${g2}`, `${g},${g2}`, `${g2},${g}`, `${g}:${g2}`, `${g} ${g2}`, `${g}:${g2},${hosts[0] ?? 'x'}`]) out.add(p);
  }
  for (const [i, h] of hosts.entries()) {
    const h2 = hosts[(i + 1) % hosts.length]!;
    for (const p of [h, `${h}[0]`, `${h}:22`, `${h},typo`, `!${h}`, `${h2},${h}`, `~\\A${reEscape(h)}\\Z`, `~(?P<n>${reEscape(h)})(?P=n)?$`, `${h.slice(0, -1)}?`, `${h.slice(0, 2)}*`]) out.add(p);
    for (const p of [`all:!${h}`, `all,&${h}`, `${h}:${h2}`]) out.add(p);
  }
  // Ranges and brackets in the style of the inventory's own names.
  for (const h of hosts) {
    const m = /^(.*?)(\d+)$/.exec(h);
    if (!m) continue;
    const prefix = m[1]!;
    for (const p of [`${prefix}[1:3]`, `${prefix}[0-9]`, `${prefix}[12]`, `${prefix}[!1]`, `${prefix}[-2]`, `${prefix}[1:]`, `${prefix}[1-2]*`, `${prefix}[!a-c]*`]) out.add(p);
  }
  // @FILE, as --limit reads it: a retry-style list with a pattern and an exclusion in it.
  writeFileSync(listFile, [`# retry file`, hosts[0] ?? 'x', '', `${groups[0] ?? 'y'}*`, `!${hosts[1] ?? 'z'}`, 'missing-host', ''].join('\n'));
  out.add(`@${listFile}`);
  out.add(`@${listFile},${hosts[2] ?? 'w'}`);
  return [...out];
}

// Python regular expressions for `~` patterns, checked on their own against Python's re.match
// over names with digits, dots, dashes, case and non-ASCII letters.
const REGEX_NAMES = ['web1', 'web10', 'Web2', 'WEB3', 'db-a', 'db.example.com', 'db_b', '10.0.1.12', 'fe80::1', 'nœud1', 'ÉCOLE7', 'x', 'aa', 'abab', 'a{1', 'k8s', 'ſtraße', '٣node', 'n\u0301e'];
const REGEXES = [
  'web', 'web\\d', 'web\\d$', 'web\\d+\\Z', '\\Aweb', '(?i)web', '(?i)ÉCOLE', '(?i)école', '(?s).', '(?m)^w', '(?x) w e b  # c', '(?ix) W E B \\d', '(?a)\\w+\\d$', '(?u)\\w+',
  '\\w+\\d$', '\\w+$', '\\W', '[\\W]', '[^\\W\\d]+\\d$', '[^\\W]', '\\d', '\\D+', '[\\d.]+$', '\\s', '\\S+$', '\\bweb', 'db\\b', 'b\\B', '.*\\.com$',
  '(?P<p>a)b(?P=p)b', '(?P<x>\\w)(?P=x)', '(a)\\1', '(?:a|b)+$', '(?=db)', '(?!web).*\\d$', '(?<=d)b', '(?<!w)e', '(?#note)web', 'web{2}', 'a{1', 'a{,2}b', 'a{1,}', 'a{}', 'a{,}b',
  '[]a]', '[^]a]+$', '[a-c]+$', '[-a]', '[a-]', '[\\-a]', '[\\]]', '[\\[]', '[.]', '\\.', '\\-', '\\x6f', 'n\\u0153', 'n\\U00000153', '\\0', '\\101', '\\141', '[\\141]',
  'n\\N{LATIN SMALL LIGATURE OE}', 'a++', 'a*+', '(?>a)', '(?(1)a|b)', '(?i:w)eb', '(?-i:w)', 'w(?i)', '\\q', '\\z', '(', ')', '[', 'a**', '*a', '?', '$', '^', '', '\\', 'ſ', '(?i)S', '(?i)K', '(?ai)S', '٣', '\\d\\w+', 'n.\\u0301',
];

// ---------------------------------------------------------------------------------------------
// The two sides

type Outcome = { status: 'ok'; hosts: string[] } | { status: 'error'; error: string };

interface OracleResult {
  file: string;
  loaded: boolean;
  error?: string;
  hosts?: string[];
  groups?: Record<string, string[]>;
  connection?: Record<string, { address: string | null; port: number | string | null; user: string | null }>;
  results?: (Outcome & { pattern: string; ambiguous?: boolean; real?: Outcome })[];
}

function kremedySelect(inv: Inventory, pattern: string): Outcome {
  try {
    return { status: 'ok', hosts: matchHosts(inv, pattern).hosts.map((h) => h.name) };
  } catch (e) {
    if (e instanceof InputError) return { status: 'error', error: e.message };
    throw e;
  }
}

interface RegexOracle {
  regexes: ({ regex: string; status: 'ok'; names: string[] } | { regex: string; status: 'error'; error: string })[];
}

/** Compares the Python-regex translation with Python's re; returns the disagreements. */
function compareRegexes(oracle: RegexOracle, counts: { regexes: number; regexSame: number; regexRefused: number }): string[] {
  const problems: string[] = [];
  for (const r of oracle.regexes) {
    counts.regexes++;
    let mine: { names: string[] } | { error: string };
    try {
      const re = compilePythonRegex(r.regex);
      mine = { names: REGEX_NAMES.filter((n) => re.test(n)) };
    } catch (e) {
      if (!(e instanceof PyRegexError)) throw e;
      mine = { error: e.message };
    }
    if ('error' in mine && r.status === 'error') counts.regexSame++;
    else if ('names' in mine && r.status === 'ok' && JSON.stringify(mine.names) === JSON.stringify(r.names)) counts.regexSame++;
    // A construct JavaScript cannot express is refused, by design and documented (README).
    else if ('error' in mine && r.status === 'ok' && /no JavaScript equivalent|not supported/.test(mine.error)) counts.regexRefused++;
    else problems.push(`regex ${JSON.stringify(r.regex)}: python ${r.status === 'ok' ? `[${r.names.join(', ')}]` : `error: ${r.error}`}, kremedy ${'names' in mine ? `[${mine.names.join(', ')}]` : `error: ${mine.error}`}`);
  }
  return problems;
}

function runOracle(entries: ({ file: string; patterns: string[] } | { regexes: string[]; names: string[] })[]): unknown[] {
  // A private, empty configuration: no ansible.cfg of the machine or the user changes the answers.
  const home = mkdtempSync(join(tmpdir(), 'kremedy-ansible-'));
  writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
  const r = spawnSync(PYTHON, [join(here, 'oracle.py')], {
    input: JSON.stringify(entries),
    encoding: 'utf8',
    cwd: home,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ANSIBLE_HOME: home, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`oracle.py failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

const hasAnsible = spawnSync(PYTHON, ['-c', 'import ansible.inventory.manager'], { encoding: 'utf8' }).status === 0;

// ---------------------------------------------------------------------------------------------
// Allow-list: "inventory<TAB>pattern<TAB>reason"; inventory is a path under fixtures/ or `*`,
// pattern is the pattern or `(load)` for the file itself.

interface Allowed {
  inventory: string;
  pattern: string;
  reason: string;
  used: number;
}

function readAllowList(): Allowed[] {
  return readFileSync(join(here, 'differential-allow.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [inventory = '', pattern = '', reason = ''] = l.split('\t');
      if (!reason.trim()) throw new Error(`differential-allow.tsv: every line needs a reason: ${l}`);
      return { inventory, pattern, reason, used: 0 };
    });
}

const show = (o: Outcome): string => (o.status === 'ok' ? `[${o.hosts.join(', ')}]` : `error: ${o.error}`);

const register = hasAnsible || process.env['CI'] ? test : test.skip;

register('kremedy selects what ansible-core selects, on every fixture inventory and generated pattern', async (t) => {
  t.timeout(120_000);
  if (!hasAnsible) {
    t.fail(`ansible-core is not installed (${PYTHON} cannot import ansible): scripts/setup.sh installs the Debian package; the differential test must not pass without its oracle`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'kremedy-diff-'));
  const files = inventoryFiles();
  const ours = new Map<string, { inv?: Inventory; error?: string }>();
  const entries: { file: string; patterns: string[] }[] = [];
  for (const [i, file] of files.entries()) {
    let inv: Inventory | undefined;
    try {
      inv = await loadInventory(file);
      ours.set(file, { inv });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      ours.set(file, { error: e.message });
    }
    entries.push({ file, patterns: generatePatterns(inv, join(tmp, `list-${i}.txt`)) });
  }
  const [regexOracle, ...oracle] = runOracle([{ regexes: REGEXES, names: REGEX_NAMES }, ...entries]) as [RegexOracle, ...OracleResult[]];

  const allow = readAllowList();
  const problems: string[] = [];
  const counts = { inventories: files.length, bothLoaded: 0, evaluations: 0, agree: 0, agreeNothing: 0, ambiguous: 0, allowed: 0, regexes: 0, regexSame: 0, regexRefused: 0 };
  problems.push(...compareRegexes(regexOracle, counts));
  const disagree = (file: string, pattern: string, what: string): void => {
    const rel = relative(fixtures, file);
    const hit = allow.find((a) => (a.inventory === '*' || a.inventory === rel) && a.pattern === pattern);
    if (hit) {
      hit.used++;
      counts.allowed++;
    } else problems.push(`${rel} ${JSON.stringify(pattern)}: ${what}`);
  };

  for (const [i, file] of files.entries()) {
    const a = oracle[i]!;
    const k = ours.get(file)!;
    if (!a.loaded || !k.inv) {
      if (a.loaded !== Boolean(k.inv)) disagree(file, '(load)', `ansible ${a.loaded ? 'loads it' : `fails: ${a.error}`}; kremedy ${k.inv ? 'loads it' : `fails: ${k.error}`}`);
      continue;
    }
    counts.bothLoaded++;
    const inv = k.inv;
    if (JSON.stringify([...inv.hosts.keys()]) !== JSON.stringify(a.hosts)) disagree(file, '(hosts)', `ansible [${a.hosts!.join(', ')}], kremedy [${[...inv.hosts.keys()].join(', ')}]`);
    for (const [name, host] of inv.hosts) {
      const groups = a.groups![name];
      if (groups && JSON.stringify(groups) !== JSON.stringify(host.groups)) disagree(file, `(groups of ${name})`, `ansible [${groups.join(', ')}], kremedy [${host.groups.join(', ')}]`);
      const c = a.connection![name];
      if (!c) continue;
      const want = { address: c.address ?? name, port: c.port === null ? host.port : Number(c.port), user: c.user ?? host.user };
      const got = { address: host.address, port: host.port, user: host.user };
      if (JSON.stringify(want) !== JSON.stringify(got)) disagree(file, `(connection of ${name})`, `ansible ssh ${JSON.stringify(want)}, kremedy ${JSON.stringify(got)}`);
    }
    for (const r of a.results!) {
      counts.evaluations++;
      if (r.ambiguous) counts.ambiguous++;
      const mine = kremedySelect(inv, r.pattern);
      const theirs: Outcome = r.status === 'ok' ? { status: 'ok', hosts: r.hosts } : { status: 'error', error: r.error };
      const same =
        (mine.status === 'error' && theirs.status === 'error') || (mine.status === 'ok' && theirs.status === 'ok' && JSON.stringify(mine.hosts) === JSON.stringify(theirs.hosts));
      // kremedy refusing a pattern (exit 1) where Ansible selects nothing runs nothing either.
      const nothing = mine.status === 'error' && theirs.status === 'ok' && theirs.hosts.length === 0;
      if (same) counts.agree++;
      else if (nothing) counts.agreeNothing++;
      else disagree(file, r.pattern, `ansible ${show(theirs)}${r.ambiguous ? ` (order-ambiguous; Ansible this run: ${show(r.real!)})` : ''}, kremedy ${show(mine)}`);
    }
  }
  for (const a of allow.filter((x) => x.used > 0)) t.log(`allowed ${a.used}x: ${a.inventory} ${a.pattern}: ${a.reason}`);
  for (const a of allow.filter((x) => x.used === 0)) problems.push(`differential-allow.tsv: stale line (no such disagreement any more): ${a.inventory}\t${a.pattern}`);
  t.log(
    `${counts.inventories} inventories (${counts.bothLoaded} loaded by both), ${counts.evaluations} pattern evaluations: ` +
      `${counts.agree} identical, ${counts.agreeNothing} refused by kremedy where Ansible selects nothing, ${counts.allowed} allow-listed disagreements; ` +
      `${counts.ambiguous} evaluations where Ansible's own order is arbitrary (compared in declaration order). ` +
      `Regex dialect: ${counts.regexes} Python regexes over ${REGEX_NAMES.length} names, ${counts.regexSame} identical to re.match, ${counts.regexRefused} refused (no JavaScript equivalent)`,
  );
  t.deepEqual(problems, [], `${problems.length} disagreement(s) with ansible-core:\n${problems.join('\n')}`);
  t.true(counts.evaluations > 500, 'the generated pattern set shrank: check generatePatterns');
});

import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expandHosts } from '../../src/report/host-range.js';
import { INVENTORY, KNOWN_HOSTS, REPO, fleet, reseed, snapshot } from './helpers/fleet.js';
import { screenLines } from './helpers/screen.js';
import { PROMPT, onTerminal } from './helpers/terminal.js';

// Hosts: the bench hosts b001..b021 (booted here with `fleet.sh up --count 21` when the fleet
// has fewer; the load test uses them read-only too): b001..b020 seeded as flannel nodes, b021 as
// a kube-router node and put back to flannel afterwards. Only dry runs and a "no" at the prompt.
// Issue 23's case: 20 flannel nodes and 1 kube-router node, reviewed on a terminal.

const execFileAsync = promisify(execFile);
const FLANNEL = Array.from({ length: 20 }, (_, i) => `b${String(i + 1).padStart(3, '0')}`);
const KUBE_ROUTER = 'b021';
const HOSTS = [...FLANNEL, KUBE_ROUTER];
const LIMIT = 120;
const ARTIFACTS = path.join(REPO, 'test/report/artifacts');

test.before(async () => {
  const bench = [...fleet().keys()].filter((n) => /^b\d{3}$/.test(n));
  if (bench.length < HOSTS.length) {
    await execFileAsync('bash', [path.join(REPO, 'test/fleet/fleet.sh'), 'up', '--count', String(HOSTS.length)], { maxBuffer: 16 << 20 });
  }
  await Promise.all([...FLANNEL.map((h) => reseed(h, 'flannel')), reseed(KUBE_ROUTER, 'kube-router')]);
});

test.after.always(async () => {
  await reseed(KUBE_ROUTER, 'flannel').catch(() => undefined);
});

/** reset-node on the 21 hosts on a terminal, answering `answer`: the screen as a person sees it. */
async function runOnTerminal(extra: string[], answer: string): Promise<{ code: number; lines: string[] }> {
  const res = await onTerminal(['run', 'reset-node', '--hosts', HOSTS.join(','), '-i', INVENTORY, '--known-hosts', KNOWN_HOSTS, ...extra], answer);
  // What the terminal got, byte for byte, for when an assertion below needs explaining.
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `review-grouping${extra.join('')}.screen`), res.screen);
  return { code: res.code, lines: screenLines(res.screen) };
}

/** The non-blank lines on screen before the question, the question included. */
function review(lines: string[]): string[] {
  const q = lines.findIndex((l) => l.includes(PROMPT));
  return lines.slice(0, q + 1).filter((l) => l.trim() !== '');
}

test.serial('20 flannel nodes and a kube-router node: the review fits in 120 lines, names every host, and the prompt says what it changes', async (t) => {
  const before = await Promise.all([snapshot('b001'), snapshot(KUBE_ROUTER)]);
  const res = await runOnTerminal([], 'no');
  const shown = review(res.lines);
  t.log(`grouped review: ${shown.length} non-blank lines before the prompt (limit ${LIMIT})`);
  t.true(shown.length <= LIMIT, shown.join('\n'));

  // Every host is named by the review itself (group headings), not only by the progress lines.
  const named = new Set(shown.flatMap((l) => [...l.matchAll(/^(?:== |\s+-- on )(\S+) \(\d+ hosts?\)/g)].flatMap((m) => expandHosts(m[1]!))));
  t.deepEqual(HOSTS.filter((h) => !named.has(h)), [], 'every host is in a group heading');
  t.true(shown.some((l) => /^== b\[001:020\] \(20 hosts\) — the same plan — \d+ changes each$/.test(l)), shown.join('\n'));
  t.true(shown.some((l) => l === `== ${KUBE_ROUTER} (1 host)`));
  t.is(shown.filter((l) => /pending link flannel\.1 absent/.test(l)).length, 1, "the flannel nodes' plan is shown once");

  const question = /Apply (\d+) changes on 21 hosts \(2 distinct plans\)\? Only "yes" goes ahead/.exec(shown.at(-1) ?? '');
  t.truthy(question, shown.at(-1));
  const total = shown.map((l) => /^21 host\(s\): (\d+) change\(s\) pending/.exec(l)).find(Boolean);
  t.is(question?.[1], total?.[1], 'the prompt counts the changes the recap counts');

  t.is(res.code, 1);
  t.true(res.lines.some((l) => l.includes('not applied: nothing was changed')));
  t.deepEqual(await Promise.all([snapshot('b001'), snapshot(KUBE_ROUTER)]), before, '"no" changes nothing');
});

test.serial('--per-host shows every host in full, as before', async (t) => {
  const res = await runOnTerminal(['--per-host'], 'no');
  const shown = review(res.lines);
  t.log(`--per-host review: ${shown.length} non-blank lines before the prompt`);
  for (const h of HOSTS) t.true(shown.some((l) => l.startsWith(`[${h}] pending `)), h);
  t.true(shown.length > 10 * LIMIT / 2, `${shown.length} lines`);
  t.is(res.code, 1);
});

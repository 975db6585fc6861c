import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CLIENT_KEY, KNOWN_HOSTS, REPO, hostIp, kremedy, recapOf, reseed, snapshot } from './helpers/fleet.js';

// Hosts: w02 (reseeded to flannel, then only dry runs), clean (read-only), and "ghost", a
// name in a private inventory whose port refuses connections (unreachable).
// The HTML report of a real fleet run is opened in Debian's Chromium (scripts/setup.sh installs
// it): a missing browser fails this test, it is never skipped.

const CHROMIUM = process.env['KREMEDY_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test/report/artifacts');

function inventory(dir: string): string {
  const file = path.join(dir, 'hosts.yml');
  const host = (name: string, ip: string, port = 22) =>
    [`    ${name}:`, `      ansible_host: ${ip}`, `      ansible_port: ${port}`, '      ansible_user: root'].join('\n');
  writeFileSync(
    file,
    ['all:', '  vars:', `    ansible_ssh_private_key_file: ${CLIENT_KEY}`, '  hosts:', host('clean', hostIp('clean')), host('w02', hostIp('w02')), host('ghost', '127.0.0.1', 1), ''].join('\n'),
  );
  return file;
}

let browser: BrowserContext | Browser | undefined;
let profile: string | undefined;
test.after.always(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the HTML report of a fleet dry run reads right in a real browser', async (t) => {
  t.true(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (bash scripts/setup.sh)`);
  await reseed('w02', 'flannel');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-html-'));
  const report = path.join(dir, 'report.html');
  const w02Before = await snapshot('w02');
  const res = await kremedy(
    ['run', 'reset-node', '--hosts', 'all', '--dry-run', '--json', '--connect-timeout', '3', '-i', inventory(dir), '--known-hosts', KNOWN_HOSTS, '--report', report],
    { fleetDefaults: false },
  );
  t.is(res.code, 4, `one host is unreachable: ${res.stderr}`);
  t.is(await snapshot('w02'), w02Before, 'a dry run with a report changes nothing');
  const recap = recapOf(res);
  const pendingW02 = recap['w02']!.pending;
  t.true(pendingW02 >= 4);

  profile = mkdtempSync(path.join(os.tmpdir(), 'kr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  browser = context;
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(report).href);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'report-dry-run.png'), fullPage: true });
  t.deepEqual(requests, [], 'the page loads nothing from anywhere');

  // What a person sees: the header says it is a dry run, for which playbook and run.
  const h1 = await page.locator('h1').innerText();
  t.regex(h1, /kremedy reset-node/);
  t.regex(h1, /DRY RUN: nothing was changed/);
  const runId = res.events.find((e) => e['type'] === 'start')?.['runId'] as string;
  t.true((await page.locator('p.meta').first().innerText()).includes(runId));
  t.regex(await page.locator('table.params').innerText(), /cni\s+auto/);

  // One section per host, headed by its name and result.
  const headings = await page.locator('section.host h2').allInnerTexts();
  t.deepEqual(headings.map((x) => x.split(/\s+/)[0]).sort(), ['clean', 'ghost', 'w02']);
  t.regex(await page.locator('section[data-host="ghost"] h2').innerText(), /unreachable/);
  t.regex(await page.locator('section[data-host="ghost"] .hostmsg').innerText(), /ECONNREFUSED|refused/i);
  t.regex(await page.locator('section[data-host="clean"] h2').innerText(), /\bok\b/);

  // w02's timeline: tasks in order, the flannel link as pending, the rule that goes as a red line.
  const w02 = page.locator('section[data-host="w02"]');
  const items = await w02.locator('li.task').allInnerTexts();
  t.regex(items[0] ?? '', /^ok\s+1\.\s+detect CNI/);
  t.true(items.some((i) => /^pending\s+\d+\.\s+link flannel\.1 absent/.test(i)), items.join('\n'));
  const del = w02.locator('pre.diff span.del').first();
  t.true(await del.isVisible(), 'a short diff is open');
  t.regex(await del.innerText(), /^- /);
  t.is(await del.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 235, 233)', 'removed lines are shaded red');
  t.is(await w02.locator('li.task[data-status="pending"]').count(), pendingW02);

  // The recap: w02's pending count and the totals row as the CLI reported them.
  const row = await page.locator('table.recap tr[data-host="w02"] td').allInnerTexts();
  t.is(row[0], 'w02');
  t.is(Number(row[3]), pendingW02);
  const total = await page.locator('table.recap tfoot td').allInnerTexts();
  t.regex(total[0] ?? '', /total \(3 host\(s\)\)/);
  const sum = (k: 'ok' | 'pending' | 'skipped') => Object.values(recap).reduce((n, r) => n + r[k], 0);
  t.deepEqual([Number(total[1]), Number(total[3]), Number(total[5]), Number(total[6])], [sum('ok'), sum('pending'), sum('skipped'), 1]);
  t.true(readFileSync(report, 'utf8').length > 1000);
});

import test from 'ava';
import { renderHtml } from '../../src/report/html.js';
import type { RunEvent } from '../../src/exec/events.js';
import { collect, sampleEvents } from './fixtures.js';

// Unit level: structure and escaping. What a person sees is checked in headless Chromium
// (test/report/html-browser.test.ts).

test('everything from hosts and users is escaped', (t) => {
  const html = renderHtml(collect(sampleEvents()));
  t.false(html.includes('<y>'), 'no raw markup from a task title');
  t.true(html.includes('x&lt;y&gt;&amp;&quot;&#39;'));
  // eslint-disable-next-line no-control-regex
  t.notRegex(html, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  t.false(/<script/i.test(html), 'no script needed');
  t.false(/(src|href)="(https?:)?\/\//.test(html), 'no external asset');
});

test('diff lines are coloured by sign, recap totals add up', (t) => {
  const html = renderHtml(collect(sampleEvents()));
  t.true(html.includes('<span class="del">- -A FORWARD -j DOCKER</span>'));
  t.true(html.includes('<span class="add">+ (empty)</span>'));
  const foot = /<tfoot>(.*?)<\/tfoot>/s.exec(html)?.[1] ?? '';
  const nums = [...foot.matchAll(/<td class="n">(\d+)<\/td>/g)].map((m) => Number(m[1]));
  t.deepEqual(nums, [1, 1, 0, 2, 1, 1], 'ok changed pending failed skipped unreachable');
});

test('dry run and apply are told apart in the header', (t) => {
  t.regex(renderHtml(collect(sampleEvents(true))), /DRY RUN: nothing was changed/);
  t.regex(renderHtml(collect(sampleEvents(false))), /APPLY: changes were made/);
});

test('a fleet reads as a section per group: its hosts listed, the plan once, each host folded beneath', (t) => {
  const hosts = ['w01', 'w02', 'w03'];
  const task = (host: string, i: number, status: 'ok' | 'pending', diff?: string) =>
    ({ type: 'task', host, task: `task ${i}`, index: i, status, ...(diff ? { diff } : {}) }) as const;
  const events: RunEvent[] = [
    { type: 'start', runId: 'r1', playbook: 'reset-node', dryRun: true, hosts: [...hosts, 'odd'], params: {} },
    ...hosts.flatMap((h, n) => [task(h, 0, 'ok'), task(h, 1, 'pending', `- link flannel.1: vxlan (id 1, local 10.0.0.${n + 1}, dev eth0)`), { type: 'host', host: h, result: 'ok', durationMs: 5 } as const]),
    task('odd', 0, 'pending', '- -A INPUT -j DROP'),
    { type: 'host', host: 'odd', result: 'ok', durationMs: 5 },
    { type: 'recap', runId: 'r1', durationMs: 9, hosts: {} },
  ];
  const html = renderHtml(collect(events));
  const groups = [...html.matchAll(/<section class="group" data-hosts="([^"]*)" data-count="(\d+)">/g)].map((m) => [m[1], m[2]]);
  t.deepEqual(groups, [['w[01:03]', '3'], ['odd', '1']]);
  t.is(html.match(/local &lt;ip&gt;/g)?.length, 1, 'the common plan once, normalised');
  t.regex(html, /each host's own name, addresses/, 'the placeholders are explained');
  for (const h of hosts) t.regex(html, new RegExp(`<details class="per-host"><summary>${h} `), `${h} expandable`);
  t.regex(html, /local 10\.0\.0\.2/, "each host's own section keeps its real values");
  t.notRegex(html, /<details class="per-host"><summary>odd /, 'a host with a plan of its own is shown open');
});

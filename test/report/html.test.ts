import test from 'ava';
import { renderHtml } from '../../src/report/html.js';
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

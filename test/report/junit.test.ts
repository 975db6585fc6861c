import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitReporter, renderJunit } from '../../src/report/junit.js';
import { collect, HOSTILE, sampleEvents } from './fixtures.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase', processEntities: true, htmlEntities: true });

function parse(xml: string): any {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}\n${xml}`);
  return parser.parse(xml);
}

test('one testsuite per host with counts, one testcase per task, classname playbook.host', (t) => {
  const doc = parse(renderJunit(collect(sampleEvents())));
  const suites = doc.testsuites.testsuite as any[];
  t.deepEqual(suites.map((s) => s.name), ['web1', 'down', 'lost']);
  const web1 = suites[0];
  t.is(web1.tests, '4');
  t.is(web1.failures, '1');
  t.is(web1.skipped, '1');
  t.is(web1.errors, '0');
  t.is(web1.time, '1.500');
  t.deepEqual(web1.testcase.map((c: any) => c.classname), Array(4).fill('reset-node.web1'));
  t.deepEqual(web1.testcase.map((c: any) => c.name.slice(0, 6)), ['detect', 'flush ', HOSTILE.slice(0, 6).replace('\u0000', '\\u0000'), 'link c']);
  const failed = web1.testcase[2];
  t.truthy(failed.failure, 'failed task carries <failure>');
  t.regex(failed.failure.message, /^exit 1: /);
  t.is(web1.testcase[3].skipped.message, 'not run: an earlier step failed on this host');
  t.regex(web1.testcase[1]['system-out'], /- -A FORWARD -j DOCKER/, 'the diff of a change is kept for reviewers');
  t.is(typeof web1.testcase[0], 'object');
  t.falsy(web1.testcase[0].failure);

  const down = suites[1];
  t.is(down.tests, '1');
  t.is(down.errors, '1');
  t.is(down.testcase[0].name, 'connect');
  t.regex(down.testcase[0].error.message, /ECONNREFUSED/);

  const lost = suites[2];
  t.is(lost.testcase[0].name, 'run', 'a host failed outside any task still shows red');
  t.regex(lost.testcase[0].error.message, /probing stopped early/);

  t.is(doc.testsuites.tests, '6');
  t.is(doc.testsuites.failures, '1');
  t.is(doc.testsuites.errors, '2');
});

test('hostile text survives escaping: no raw control characters, ]]> and markup are text', (t) => {
  const xml = renderJunit(collect(sampleEvents()));
  // eslint-disable-next-line no-control-regex
  t.notRegex(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'XML 1.0 cannot carry C0 controls');
  t.false(xml.includes(']]>'));
  t.false(xml.includes('<y>'));
  const doc = parse(xml);
  const title = doc.testsuites.testsuite[0].testcase[2].name as string;
  t.is(title, 'x<y>&"\'  ]]> \\u0000\\u0007\\u001b[31mred\\u001b[0m \\ud800 \\ufffe end', 'escapes are visible, the rest round-trips');
  const msg = doc.testsuites.testsuite[0].testcase[2].failure['#text'] as string;
  t.true(msg.includes('x<y>&"'));
});

test('newlines in messages survive in attributes', (t) => {
  const events = sampleEvents(false, 'two\nlines');
  const doc = parse(renderJunit(collect(events)));
  t.is(doc.testsuites.testsuite[0].testcase[2].failure.message, 'exit 1: two\nlines');
});

test('a dry run: pending changes pass, and the file reporter writes on close', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kremedy-junit-'));
  const file = path.join(dir, 'junit.xml');
  const r = junitReporter(file);
  for (const ev of sampleEvents(true)) r.emit(ev);
  await r.close();
  const doc = parse(await readFile(file, 'utf8'));
  t.regex(doc.testsuites.name, /\(dry run\)/);
  const pending = doc.testsuites.testsuite[0].testcase[1];
  t.falsy(pending.failure);
  t.regex(pending['system-out'], /^pending/);
});

test('step durations come from the progress events', (t) => {
  const run = collect(sampleEvents());
  const web1 = run.hosts.find((h) => h.name === 'web1')!;
  // progress(1) at +700 (7th event), progress(2) at +800, verifying at +900: 100 ms each.
  t.is(web1.tasks[1]?.durationMs, 100);
  t.is(web1.tasks[2]?.durationMs, 100);
  t.is(web1.tasks[0]?.durationMs, undefined, 'a task that did not run a step has no duration');
});

test('a fused step (one progress event carrying other tasks) gives each of its tasks the step duration', (t) => {
  const events = sampleEvents().filter((e) => !(e.type === 'progress' && e.index === 2));
  const i = events.findIndex((e) => e.type === 'progress');
  events[i] = { type: 'progress', host: 'web1', task: 'flush', index: 1, with: [2] };
  const web1 = collect(events).hosts.find((h) => h.name === 'web1')!;
  // progress(1 with 2) at +700, verifying at +800: both tasks ran for the same 100 ms.
  t.is(web1.tasks[1]?.durationMs, 100);
  t.is(web1.tasks[2]?.durationMs, 100);
});

import { fileReporter, type HostRecord, type RunRecord } from './collect.js';
import { escapeAttr, escapeXml } from './escape.js';
import type { Reporter } from './reporter.js';

// JUnit XML as CI servers read it (GitLab, Jenkins, GitHub test-report actions): one testsuite
// per host, one testcase per task. A pending change in a dry run is a passing testcase (the run
// did what was asked: it planned); its summary and diff go to <system-out> for reviewers.

const secs = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

function testcase(classname: string, name: string, timeMs: number | undefined, body: string[]): string {
  const open = `    <testcase classname="${escapeAttr(classname)}" name="${escapeAttr(name)}" time="${secs(timeMs)}"`;
  if (body.length === 0) return `${open}/>`;
  return [`${open}>`, ...body.map((b) => `      ${b}`), '    </testcase>'].join('\n');
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function hostSuite(run: RunRecord, host: HostRecord): Suite {
  const classname = `${run.playbook}.${host.name}`;
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  if (host.result === 'unreachable') {
    errors++;
    const msg = host.message ?? 'unreachable';
    cases.push(testcase(classname, 'connect', host.durationMs, [`<error type="unreachable" message="${escapeAttr(msg)}">${escapeXml(msg)}</error>`]));
  }
  for (const t of host.tasks) {
    const body: string[] = [];
    const msg = t.message ?? '';
    if (t.status === 'failed') {
      failures++;
      body.push(`<failure type="failed" message="${escapeAttr(msg)}">${escapeXml(msg)}</failure>`);
    } else if (t.status === 'skipped') {
      skipped++;
      body.push(`<skipped message="${escapeAttr(msg)}"/>`);
    }
    const out = [t.status, t.summary ?? (t.status === 'failed' ? '' : msg), t.diff ?? ''].filter(Boolean).join('\n');
    if (t.status !== 'ok' && t.status !== 'skipped' && out) body.push(`<system-out>${escapeXml(out)}</system-out>`);
    cases.push(testcase(classname, t.title, t.durationMs, body));
  }
  // A host that failed outside any task (connection lost while probing, interrupted before it
  // started) would otherwise look green: it gets one errored testcase saying why.
  if (host.result === 'failed' && failures === 0) {
    errors++;
    const msg = host.message ?? 'failed';
    cases.push(testcase(classname, 'run', host.durationMs, [`<error type="failed" message="${escapeAttr(msg)}">${escapeXml(msg)}</error>`]));
  }
  if (host.result === 'not-started') {
    skipped++;
    cases.push(testcase(classname, 'run', 0, [`<skipped message="${escapeAttr(host.message ?? 'not started')}"/>`]));
  }
  if (host.result === undefined) {
    errors++;
    cases.push(testcase(classname, 'run', undefined, ['<error type="incomplete" message="the run ended before this host reported"/>']));
  }
  const attrs =
    `name="${escapeAttr(host.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" ` +
    `time="${secs(host.durationMs)}" timestamp="${run.startedAt.toISOString().replace(/\.\d+Z$/, '')}" hostname="${escapeAttr(host.name)}"`;
  const drift = host.drift?.length
    ? [`    <system-out>${escapeXml(host.drift.map((d) => `drift: ${d.what}: planned ${d.planned}, now ${d.now}`).join('\n'))}</system-out>`]
    : [];
  return { xml: [`  <testsuite ${attrs}>`, ...cases, ...drift, '  </testsuite>'].join('\n'), tests: cases.length, failures, errors, skipped };
}

export function renderJunit(run: RunRecord): string {
  const suites = run.hosts.map((h) => hostSuite(run, h));
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  const [tests, failures, errors, skipped] = [sum('tests'), sum('failures'), sum('errors'), sum('skipped')];
  const name = `kremedy ${run.playbook} ${run.runId}${run.dryRun ? ' (dry run)' : ''}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(run.durationMs)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes the JUnit file when the run ends (close), whatever the outcome. */
export function junitReporter(file: string, now?: () => number): Reporter {
  return fileReporter(file, renderJunit, now);
}

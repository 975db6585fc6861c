import { spawnSync } from 'node:child_process';
import test from 'ava';
import { diagnose, enabledChecks, summarize } from '../../src/doctor/diagnose.js';
import { doctorProbes } from '../../src/doctor/probe-host.js';
import { HOST_CHECKS } from '../../src/doctor/registry.js';
import { humanReport, jsonLines } from '../../src/doctor/report.js';
import { buildProbeScript, parseProbeOutput } from '../../src/exec/probe-script.js';
import { FACT_PROBES } from '../../src/facts/gather.js';
import { hostProbe } from './helpers/probe.js';

const broken = hostProbe({ 'doctor:iptables': 'filter -A DOCKER-ISOLATION -j DROP\ncount 2', 'doctor:manifests': 'missing' }, 'w08');
const healthy = hostProbe({}, 'clean');
const clocks = [
  { host: 'w08', localBefore: 0, localAfter: 1, hostStart: 0.5, hostEnd: 0.5 },
  { host: 'clean', localBefore: 0, localAfter: 1, hostStart: 0.5, hostEnd: 0.5 },
];

test('diagnose: per host, most severe first; --skip drops a check', (t) => {
  const all = diagnose([broken, healthy], clocks);
  t.deepEqual(all.map((f) => [f.host, f.id, f.severity]), [
    ['w08', 'DOCKER-ISOLATION', 'critical'],
    ['w08', 'MANIFESTS-MISSING', 'info'],
  ]);
  t.deepEqual(diagnose([broken, healthy], clocks, enabledChecks(['DOCKER-ISOLATION'])).map((f) => f.id), ['MANIFESTS-MISSING']);
  t.deepEqual(summarize(all, 2, 1), { hosts: 2, unreachable: 1, critical: 1, warning: 0, info: 1 });
});

test('JSON Lines: findings, unreachable hosts, then the summary; every line parses', (t) => {
  const findings = diagnose([broken, healthy], clocks);
  const out = jsonLines(findings, [{ host: 'w09', error: 'cannot connect' }], summarize(findings, 3, 1)).map((l) => JSON.parse(l));
  t.deepEqual(out[0], {
    type: 'finding',
    host: 'w08',
    id: 'DOCKER-ISOLATION',
    severity: 'critical',
    title: 'DOCKER-ISOLATION (filter) has 1 unconditional DROP rule(s): forwarded pod traffic is dropped',
    evidence: ['-A DOCKER-ISOLATION -j DROP'],
    fix: 'docker-isolation',
  });
  t.deepEqual(out[2], { type: 'unreachable', host: 'w09', error: 'cannot connect' });
  t.deepEqual(out[3], { type: 'summary', hosts: 3, unreachable: 1, critical: 1, warning: 0, info: 1 });
});

test('human report: grouped by host, evidence indented, fix named, summary line; colour only when asked', (t) => {
  const findings = diagnose([broken, healthy], clocks);
  const text = humanReport(['w08', 'clean', 'w09'], findings, [{ host: 'w09', error: 'timed out' }], summarize(findings, 3, 1), false);
  t.is(
    text,
    [
      'w08: 2 finding(s)',
      '  CRITICAL DOCKER-ISOLATION: DOCKER-ISOLATION (filter) has 1 unconditional DROP rule(s): forwarded pod traffic is dropped',
      '      -A DOCKER-ISOLATION -j DROP',
      '      fix: kremedy run docker-isolation --hosts w08',
      '  INFO     MANIFESTS-MISSING: /etc/kubernetes/manifests is missing (kubelet static pod path)',
      '      /etc/kubernetes/manifests: no such directory',
      '      fix: none: manual (mkdir -p /etc/kubernetes/manifests)',
      'clean: no findings',
      'w09: UNREACHABLE timed out',
      '',
      '3 host(s) checked: 1 critical, 0 warning, 1 info; 1 unreachable',
      '',
    ].join('\n'),
  );
  t.notRegex(text, /\x1b\[/);
  t.regex(humanReport(['w08'], findings, [], summarize(findings, 1, 0), true), /\x1b\[1;31mCRITICAL/);
});

test('probe list: the clock first and last, the facts just before the end mark, shared probes once', (t) => {
  const probes = doctorProbes(HOST_CHECKS);
  const ids = probes.map((p) => p.id);
  t.is(ids[0], 'doctor:clock-start');
  t.is(ids.at(-1), 'doctor:clock-end');
  t.deepEqual(ids.slice(-FACT_PROBES.length - 1, -1), FACT_PROBES.map((p) => p.id));
  t.is(new Set(ids).size, ids.length);
  t.is(ids.filter((i) => i === 'doctor:logs').length, 1);
});

// The snippets are real shell: run the whole round with /bin/sh here (every probe only reads).
test('the probe script runs under /bin/sh and every probe reports back', (t) => {
  const probes = doctorProbes(HOST_CHECKS);
  const res = spawnSync('/bin/sh', ['-c', buildProbeScript(probes, 'n0nce')], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  const results = parseProbeOutput(res.stdout, 'n0nce', probes);
  t.is(results.size, probes.length);
  // (Fact probes may exit non-zero by design: no /etc/redhat-release on Debian.)
  for (const p of probes.filter((x) => x.id.startsWith('doctor:'))) t.is(results.get(p.id)?.rc, 0, `${p.id}: ${results.get(p.id)?.stderr}`);
  t.regex(results.get('doctor:clock-start')!.stdout, /^\d+\.\d+$/);
  t.regex(results.get('doctor:clock-end')!.stdout, /^\d+\.\d+$/);
  t.regex(results.get('doctor:iptables')!.stdout, /^count \d+$|^error /m);
});

import test from 'ava';
import { clockOffset, clockSkew, median } from '../../src/doctor/clock-skew.js';
import type { ClockSample } from '../../src/doctor/types.js';

// A sample for a host whose clock is `skew` s off, probed with `rtt` s of SSH overhead and a
// script that ran `run` s, starting at local time t0.
const sample = (host: string, skew: number, { t0 = 1000, rtt = 0.02, run = 0.3 } = {}): ClockSample => ({
  host,
  localBefore: t0,
  localAfter: t0 + rtt + run,
  hostStart: t0 + rtt / 2 + skew,
  hostEnd: t0 + rtt / 2 + run + skew,
});

test('offset: the script time is taken out, the round trip split evenly', (t) => {
  const o = clockOffset(sample('a', 2, { rtt: 0.1, run: 5 }));
  t.true(Math.abs(o.offset - 2) < 1e-9);
  t.true(Math.abs(o.uncertainty - 0.05) < 1e-9);
});

test('median', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 2, 3]), 2.5);
});

const cases: Array<[string, ClockSample[], Array<[string, string]>]> = [
  ['hosts in sync', [sample('a', 0), sample('b', 0.01), sample('c', -0.02)], []],
  ['one host alone has nothing to compare with', [sample('a', 3600)], []],
  ['0.4 s is within tolerance', [sample('a', 0), sample('b', 0), sample('c', 0.4)], []],
  ['one host 2 s ahead: warning for that host only', [sample('a', 0), sample('b', 0), sample('c', 2)], [['c', 'warning']]],
  ['one host 19 h behind (the field note): critical', [sample('a', 0), sample('b', 0.1), sample('c', -19 * 3600)], [['c', 'critical']]],
  ['this machine being off does not matter: only hosts are compared', [sample('a', 500), sample('b', 500.1), sample('c', 499.9)], []],
  [
    'a difference within the measurement error is not reported',
    [sample('a', 0, { rtt: 2 }), sample('b', 0, { rtt: 2 }), sample('c', 1.2, { rtt: 2 })],
    [],
  ],
  ['unparseable host clocks are left out', [sample('a', 0), sample('b', 0), { ...sample('c', 9), hostStart: Number.NaN }], []],
];
for (const [name, samples, expected] of cases) {
  test(`clock skew: ${name}`, (t) => {
    const findings = clockSkew.run(samples);
    t.deepEqual(findings.map((f) => [f.host, f.severity]), expected);
    for (const f of findings) {
      t.is(f.id, 'CLOCK-SKEW');
      t.regex(f.evidence[0]!, /offset from the median of \d hosts/);
      t.regex(f.fix, /^none: manual/);
    }
  });
}

import test from 'ava';
import { compareKernelReleases, kernelMatches, parseKernelRelease, rpmvercmp } from '../../src/kernel/rpmvercmp.js';

// Rows from rpm's own suite (tests/rpmvercmp.at), then kernel-specific ones. Every row is also
// checked reversed, so the table proves antisymmetry too.
const RPM_CASES: Array<[string, string, -1 | 0 | 1]> = [
  ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0], ['2.0', '2.0.1', -1], ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0], ['2.0.1a', '2.0.1', 1], ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0], ['5.5p1', '5.5p2', -1], ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0], ['5.5p1', '5.5p10', -1], ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1], ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0], ['xyz10', 'xyz10.1', -1], ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0], ['xyz.4', '8', -1], ['8', 'xyz.4', 1], ['xyz.4', '2', -1], ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1], ['5.6p1', '5.5p2', 1], ['5.6p1', '6.5p1', -1], ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1], ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1], ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0], ['1.0a', '1.0aa', -1], ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0], ['10.0001', '10.1', 0], ['10.1', '10.0001', 0],
  ['10.0001', '10.0039', -1], ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1], ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0], ['20101121', '20101122', -1], ['20101122', '20101121', 1],
  ['2_0', '2_0', 0], ['2.0', '2_0', 0], ['2_0', '2.0', 0],
  ['a', 'a', 0], ['a+', 'a+', 0], ['a+', 'a_', 0], ['a_', 'a+', 0],
  ['+a', '+a', 0], ['+a', '_a', 0], ['_a', '+a', 0],
  ['+_', '+_', 0], ['_+', '+_', 0], ['_+', '_', 0], ['+', '_', 0], ['_', '+', 0],
  // RhBug #178798
  ['1b.fc17', '1b.fc17', 0], ['1b.fc17', '1.fc17', -1], ['1.fc17', '1b.fc17', 1],
  ['1g.fc17', '1g.fc17', 0], ['1g.fc17', '1.fc17', 1], ['1.fc17', '1g.fc17', -1],
  // tilde
  ['1.0~rc1', '1.0~rc1', 0], ['1.0~rc1', '1.0', -1], ['1.0', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc2', -1], ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0], ['1.0~rc1~git123', '1.0~rc1', -1], ['1.0~rc1', '1.0~rc1~git123', 1],
  // caret
  ['1.0^', '1.0^', 0], ['1.0^', '1.0', 1], ['1.0', '1.0^', -1],
  ['1.0^git1', '1.0^git1', 0], ['1.0^git1', '1.0', 1], ['1.0', '1.0^git1', -1],
  ['1.0^git1', '1.0^git2', -1], ['1.0^git2', '1.0^git1', 1],
  ['1.0^git1', '1.01', -1], ['1.01', '1.0^git1', 1],
  ['1.0^20160101', '1.0^20160101', 0], ['1.0^20160101', '1.0.1', -1], ['1.0.1', '1.0^20160101', 1],
  ['1.0^20160101^git1', '1.0^20160101^git1', 0],
  ['1.0^20160102', '1.0^20160101^git1', 1], ['1.0^20160101^git1', '1.0^20160102', -1],
  ['1.0~rc1^git1', '1.0~rc1^git1', 0], ['1.0~rc1^git1', '1.0~rc1', 1], ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0^git1~pre', '1.0^git1~pre', 0], ['1.0^git1', '1.0^git1~pre', 1], ['1.0^git1~pre', '1.0^git1', -1],
  // the cases the issue names
  ['1.0', '1.0a', -1], ['1.0', '1.0.1', -1], ['10', '9', 1], ['1.05', '1.5', 0],
  // numbers longer than a double holds exactly still compare as numbers
  ['123456789012345678901', '123456789012345678900', 1], ['0000099', '100', -1],
  ['', '', 0], ['', '1', -1], ['1', '', 1],
];

for (const [a, b, want] of RPM_CASES) {
  test(`rpmvercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${want}`, (t) => {
    t.is(rpmvercmp(a, b), want);
    t.is(rpmvercmp(b, a), (want === 0 ? 0 : -want) as -1 | 0 | 1, 'reversed');
  });
}

// Kernel releases as `uname -r` prints them, in ascending order.
const ASCENDING_KERNELS = [
  '3.10.0-123.el7.x86_64',
  '3.10.0-229.el7.x86_64',
  '3.10.0-229.7.2.el7.x86_64',
  '3.10.0-327.el7.x86_64',
  '3.10.0-693.el7.x86_64',
  '3.10.0-693.21.1.el7.x86_64',
  '3.10.0-862.el7.x86_64',
  '3.10.0-1160.el7.x86_64',
  '3.10.0-1160.119.1.el7.x86_64',
  '4.18.0-80.el8.x86_64',
  '4.18.0-553.el8_10.x86_64',
  '4.19.0-26-amd64',
  '5.10.0-9-amd64',
  '5.10.0-28-amd64',
  '6.1.0-9-amd64',
  '6.1.0-18-amd64',
  '6.1.0-18-cloud-amd64',
  '6.8.0-31-generic',
  '6.10.0',
];

test('kernel releases sort in RPM order (not string order)', (t) => {
  const shuffled = [...ASCENDING_KERNELS].reverse();
  shuffled.sort(compareKernelReleases);
  t.deepEqual(shuffled, ASCENDING_KERNELS);
  // String order gets the field note's kernels wrong: that is the point of this module.
  t.true('3.10.0-1160.el7' < '3.10.0-693.21.1.el7');
  t.is(compareKernelReleases('3.10.0-1160.el7', '3.10.0-693.21.1.el7'), 1);
});

const KERNEL_CASES: Array<[string, string, -1 | 0 | 1]> = [
  ['3.10.0-229.7.2.el7', '3.10.0-693.21.1.el7', -1],
  ['3.10.0-693.21.1.el7', '3.10.0-1160.el7', -1],
  ['3.10.0-229.7.2.el7.x86_64', '3.10.0-693', -1],
  ['3.10.0-693.21.1.el7.x86_64', '3.10.0-693', 1],
  ['3.10.0-693.el7.x86_64', '3.10.0-693.el7', 0],
  ['3.10.0-693', '3.10.0-693', 0],
  ['6.1.0-18-amd64', '3.10.0-693', 1],
  ['6.1.0-18-amd64', '6.1.0-9-amd64', 1],
  ['4.18.0-80.el8.aarch64', '4.18.0-80.el8.x86_64', 0],
  ['3.10.0', '3.10.0-693', -1],
];
for (const [a, b, want] of KERNEL_CASES) {
  test(`compareKernelReleases(${a}, ${b}) = ${want}`, (t) => {
    t.is(compareKernelReleases(a, b), want);
    t.is(compareKernelReleases(b, a), (want === 0 ? 0 : -want) as -1 | 0 | 1);
  });
}

test('parseKernelRelease splits at the first dash and drops the arch', (t) => {
  t.deepEqual(parseKernelRelease('3.10.0-229.7.2.el7.x86_64'), { version: '3.10.0', release: '229.7.2.el7' });
  t.deepEqual(parseKernelRelease('6.1.0-18-amd64'), { version: '6.1.0', release: '18-amd64' });
  t.deepEqual(parseKernelRelease('6.10.0\n'), { version: '6.10.0', release: '' });
});

test('kernelMatches: wildcard covers builds of a release, not longer numbers', (t) => {
  t.true(kernelMatches('3.10.0-229.7.2.el7.x86_64', '3.10.0-229.*'));
  t.true(kernelMatches('3.10.0-229.el7.x86_64', '3.10.0-229.*'));
  t.true(kernelMatches('3.10.0-229', '3.10.0-229.*'));
  t.false(kernelMatches('3.10.0-2290.el7', '3.10.0-229.*'));
  t.false(kernelMatches('3.10.0-693.21.1.el7.x86_64', '3.10.0-229.*'));
  t.false(kernelMatches('3.10.1-229.el7', '3.10.0-229.*'));
  t.true(kernelMatches('3.10.0-693.el7.x86_64', '3.10.0-693.el7'));
  t.false(kernelMatches('3.10.0-693.1.el7', '3.10.0-693.el7'));
});

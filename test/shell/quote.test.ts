import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InputError } from '../../src/errors.js';
import { SAFE_NAME_RULES, assertSafeName, quote } from '../../src/shell/quote.js';

// Every distinct shell we can find: /bin/sh (dash on Debian), bash and dash.
const SHELLS = [
  ...new Map(
    ['/bin/sh', '/bin/bash', '/usr/bin/bash', '/bin/dash', '/usr/bin/dash']
      .filter((s) => existsSync(s))
      .map((s) => [realpathSync(s), s] as const),
  ).values(),
];

function run(shell: string, script: string): string {
  return execFileSync(shell, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const tmp = mkdtempSync(join(tmpdir(), 'kremedy-quote-'));
const MARKER = join(tmp, 'marker');
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

// Fragments that mean something to a shell; the property mixes them with random text.
const HOSTILE = [
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `; touch ${MARKER}`,
  `| touch ${MARKER}`,
  `&& touch ${MARKER}`,
  `\ntouch ${MARKER}\n`,
  `'$(touch ${MARKER})'`,
  `"$(touch ${MARKER})"`,
  `'; touch ${MARKER}; '`,
  `'\\''`,
  "'",
  '"',
  '\\',
  '\\n',
  '$HOME',
  '${PATH}',
  '$((1+1))',
  '$1',
  '$@',
  '*',
  '?',
  '[a-z]',
  '~',
  '~root',
  '{a,b}',
  '#',
  '&',
  '>',
  '<',
  '(',
  ')',
  '!',
  '\t',
  '\r',
  '\n',
  ' ',
  '=',
  'a=b',
  '-n',
  '--',
  '%s',
  'é',
  '日本',
  '🙂',
  '\u00a0',
  '\u2028',
  '\x7f',
  '\x1b[31m',
];

// No NUL (cannot be in argv) and no lone surrogates (cannot be encoded as UTF-8 argv).
const wellFormed = (s: string): boolean => !s.includes('\0') && !/\p{Surrogate}/u.test(s);

const shellString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme-ascii', maxLength: 5 })), { maxLength: 8 }).map((parts) => parts.join('')),
).filter(wellFormed);

test('quote: empty string is an empty word', (t) => {
  t.is(quote(''), "''");
  for (const shell of SHELLS) t.is(run(shell, `printf '[%s]' ${quote('')}`), '[]');
});

test('quote: safe words are left alone', (t) => {
  for (const w of ['abc', 'ABC_123', 'user@host', '50%', 'a+b', 'k=v', 'host:22', 'a,b', './x/y.z', '-rf', '/etc/ssh/sshd_config']) {
    t.is(quote(w), w);
  }
});

test('quote: everything else is single-quoted with embedded quotes escaped', (t) => {
  t.is(quote('a b'), "'a b'");
  t.is(quote("it's"), "'it'\\''s'");
  t.is(quote("'"), "''\\'''");
  t.is(quote('$(reboot)'), "'$(reboot)'");
  t.is(quote('~'), "'~'");
  t.is(quote('*'), "'*'");
  t.is(quote('a\nb'), "'a\nb'");
  t.is(quote('é'), "'é'");
});

test('quote: NUL byte is an InputError', (t) => {
  const err = t.throws(() => quote('a\0b'), { instanceOf: InputError });
  t.regex(err?.message ?? '', /NUL/);
});

test('quote: non-strings are rejected at runtime', (t) => {
  t.throws(() => quote(undefined as unknown as string), { instanceOf: InputError });
  t.throws(() => quote(5 as unknown as string), { instanceOf: InputError });
});

test('property: the shell reads back exactly the quoted string', (t) => {
  for (const shell of SHELLS) {
    fc.assert(
      fc.property(shellString, (s) => {
        const out = run(shell, 'printf %s ' + quote(s));
        if (out !== s) throw new Error(`${shell}: ${JSON.stringify(s)} came back as ${JSON.stringify(out)}`);
      }),
      { numRuns: 300 },
    );
  }
  t.false(existsSync(MARKER), 'a hostile string was executed');
});

test('hostile strings are never executed', (t) => {
  for (const shell of SHELLS) {
    for (const s of HOSTILE) {
      t.is(run(shell, 'printf %s ' + quote(s)), s);
      t.is(run(shell, `printf '%s|' ${quote(s)} ${quote(s)}`), `${s}|${s}|`);
    }
  }
  t.false(existsSync(MARKER));
});

test('assertSafeName: accepts plain names per kind', (t) => {
  const ok: [string, string][] = [
    ['link', 'eth0'],
    ['link', 'ens5'],
    ['link', 'br-1a2b3c4d5e6f'],
    ['link', 'cali1234567890a'],
    ['link', 'vlan.100'],
    ['link', 'flannel.1'],
    ['chain', 'INPUT'],
    ['chain', 'KUBE-SVC-ABCDEFGHIJKLMNOP'],
    ['chain', 'cali-fw-cali12345'],
    ['table', 'filter'],
    ['table', 'nat'],
    ['table', 'kube_proxy'],
    ['unit', 'kubelet.service'],
    ['unit', 'getty@tty1.service'],
    ['unit', 'systemd-resolved.service'],
    ['user', 'root'],
    ['anything', 'node-1.example.com'],
    ['anything', 'a:b+c@d'],
  ];
  for (const [kind, value] of ok) t.notThrows(() => assertSafeName(kind, value), `${kind} ${value}`);
});

test('assertSafeName: rejects non-names with an InputError naming the kind', (t) => {
  const bad: [string, string][] = [
    ['link', ''],
    ['link', 'averyveryverylong0'], // > 15
    ['link', 'eth0@if3'],
    ['link', 'eth0:1'],
    ['link', 'a/b'],
    ['link', '-x'],
    ['link', '.'],
    ['link', '..'],
    ['chain', 'A'.repeat(29)],
    ['chain', '--flush'],
    ['chain', 'INPUT; reboot'],
    ['table', '1nat'],
    ['table', 'nat\n'],
    ['unit', 'a\\x2d.service'],
    ['unit', 'a b.service'],
    ['anything', 'a'.repeat(65)],
    ['anything', '$(reboot)'],
    ['anything', 'a b'],
    ['anything', "a'b"],
    ['anything', 'x*'],
    ['anything', '..'],
    ['anything', 'é'],
  ];
  for (const [kind, value] of bad) {
    const err = t.throws(() => assertSafeName(kind, value), { instanceOf: InputError }, `${kind} ${JSON.stringify(value)}`);
    t.true(err?.message.startsWith(`invalid ${kind} name`));
  }
  t.throws(() => assertSafeName('link', undefined as unknown as string), { instanceOf: InputError });
});

test('property: every safe name is also a safe shell word', (t) => {
  const kinds = [...Object.keys(SAFE_NAME_RULES), 'generic'];
  fc.assert(
    fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'binary-ascii', maxLength: 30 }), (kind, value) => {
      let accepted = true;
      try {
        assertSafeName(kind, value);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        accepted = false;
      }
      if (accepted && quote(value) !== value) throw new Error(`${kind} ${JSON.stringify(value)} accepted but needs quoting`);
      if (accepted && value.startsWith('-')) throw new Error(`${kind} ${JSON.stringify(value)} looks like an option`);
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

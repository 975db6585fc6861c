import test from 'ava';
import { applyBlock, unifiedDiff } from '../../src/ops/hosts-block.js';

const spec = (lines: string[], state: 'present' | 'absent' = 'present') => ({ marker: 'kremedy pin-registry-hosts', lines, state });
const B = '# BEGIN kremedy pin-registry-hosts';
const E = '# END kremedy pin-registry-hosts';

test('append to a file, keep every other line byte for byte', (t) => {
  const before = '127.0.0.1\tlocalhost\n::1  ip6-localhost   # keep spacing\n';
  t.is(applyBlock(before, spec(['1.2.3.4 a.example'])), `${before}${B}\n1.2.3.4 a.example\n${E}\n`);
});

test('a file without a final newline gets one only where the block follows it', (t) => {
  t.is(applyBlock('127.0.0.1 localhost', spec(['1.2.3.4 a'])), `127.0.0.1 localhost\n${B}\n1.2.3.4 a\n${E}\n`);
  t.is(applyBlock('127.0.0.1 localhost', spec([], 'absent')), '127.0.0.1 localhost', 'untouched when there is no block');
  t.is(applyBlock(`${B}\n1.2.3.4 a\n${E}\nx y`, spec(['5.6.7.8 a'])), `${B}\n5.6.7.8 a\n${E}\nx y`);
});

test('replace in place and remove, idempotently', (t) => {
  const withBlock = `a\n${B}\n1.2.3.4 a\n${E}\nz\n`;
  t.is(applyBlock(withBlock, spec(['1.2.3.4 a'])), withBlock);
  t.is(applyBlock(withBlock, spec(['9.9.9.9 a'])), `a\n${B}\n9.9.9.9 a\n${E}\nz\n`);
  t.is(applyBlock(withBlock, spec([], 'absent')), 'a\nz\n');
  t.is(applyBlock('a\nz\n', spec([], 'absent')), 'a\nz\n');
  t.is(applyBlock(`${B}\n1.2.3.4 a\n${E}\n`, spec([], 'absent')), '');
});

test('broken markers are refused, never guessed', (t) => {
  t.throws(() => applyBlock(`${B}\nx\n`, spec(['1.2.3.4 a'])), { message: /unbalanced markers/ });
  t.throws(() => applyBlock(`${E}\n${B}\n`, spec(['1.2.3.4 a'])), { message: /unbalanced markers/ });
  t.throws(() => applyBlock(`${B}\n${E}\n${B}\n${E}\n`, spec(['1.2.3.4 a'])), { message: /appears 2 times/ });
});

test('unified diff: one hunk with 3 lines of context and correct ranges', (t) => {
  const before = 'l1\nl2\nl3\nl4\nl5\nl6\n';
  const after = 'l1\nl2\nl3\nl4\nX\nl5\nl6\n';
  t.is(unifiedDiff('/etc/hosts', before, after), ['--- /etc/hosts', '+++ /etc/hosts', '@@ -2,5 +2,6 @@', ' l2', ' l3', ' l4', '+X', ' l5', ' l6'].join('\n'));
  t.is(unifiedDiff('/f', 'a\n', 'b\n'), ['--- /f', '+++ /f', '@@ -1,1 +1,1 @@', '-a', '+b'].join('\n'));
  t.is(unifiedDiff('/f', '', 'b\n'), ['--- /f', '+++ /f', '@@ -0,0 +1,1 @@', '+b'].join('\n'));
});

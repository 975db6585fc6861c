import test from 'ava';
import { globToRegExp } from '../../src/inventory/fnmatch.js';

// Expected values from Python 3.11's re.match(fnmatch.translate(glob)) over the same names.
const NAMES = ['web1', 'web10', 'Web2', 'db-a', 'db.example.com', 'nœud1', 'x', 'a{1', '[x]', 'w!'];
const cases: [string, string[]][] = [
  ['web*', ['web1', 'web10']], // case-sensitive
  ['web?', ['web1']],
  ['w[!e]*', ['w!']],
  ['[z-a]x', []], // a reversed range matches nothing
  ['[!z-a]', ['x']], // ... and negated, any one character
  ['web[0-9]*', ['web1', 'web10']],
  ['*.com', ['db.example.com']],
  ['[[]x]', ['[x]']],
  ['db-?', ['db-a']],
  ['n?ud1', ['nœud1']], // ? is one character, œ included (not one UTF-16 unit)
  ['n??ud1', []],
  ['nœud?', ['nœud1']],
];

for (const [glob, expected] of cases) {
  test(`glob ${JSON.stringify(glob)}`, (t) => {
    const re = globToRegExp(glob);
    t.deepEqual(NAMES.filter((n) => re.test(n)), expected);
  });
}

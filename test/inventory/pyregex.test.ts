import test from 'ava';
import { compilePythonRegex, PyRegexError } from '../../src/inventory/pyregex.js';

// Expected values from Python 3.11's re.match over the same names (differential.test.ts checks
// a larger set against Python itself on every run where ansible-core is installed).
const NAMES = ['web1', 'web10', 'Web2', 'db-a', 'db.example.com', 'nœud1', 'x', 'a{1', '[x]', 'w!'];
const cases: [string, string[]][] = [
  ['web\\d$', ['web1']],
  ['(?i)web', ['web1', 'web10', 'Web2']],
  ['\\Aweb\\d\\Z', ['web1']],
  ['(?P<c>\\w)(?P=c)?\\d$', []],
  ['[^\\W\\d]+\\d$', ['web1', 'Web2', 'nœud1']], // Unicode \w, as Python
  ['(?x) w e b  # c', ['web1', 'web10']],
  ['a{1', ['a{1']], // an unfinished brace is a literal
  ['a{,2}', NAMES], // {,n} is {0,n}
  ['n\\u0153', ['nœud1']],
  ['\\w+\\.\\w+', ['db.example.com']],
  ['[]x]', ['x']], // a ] first in a class is a literal
];

for (const [source, expected] of cases) {
  test(`python regex ${JSON.stringify(source)}`, (t) => {
    const re = compilePythonRegex(source);
    t.deepEqual(NAMES.filter((n) => re.test(n)), expected);
  });
}

test('constructs JavaScript cannot reproduce, and what Python rejects, are refused', (t) => {
  for (const [source, why] of [
    ['(?i:w)', /scoped flags/],
    ['a++', /possessive/],
    ['(?>a)', /atomic/],
    ['(?(1)a|b)', /conditional/],
    ['\\N{BULLET}', /not supported/],
    ['w(?i)', /global flags not at the start/],
    ['\\q', /bad escape \\q/],
    ['(?<n>a)', /unknown extension/],
    ['(a', /./],
  ] as const) {
    t.throws(() => compilePythonRegex(source), { instanceOf: PyRegexError, message: why }, source);
  }
});

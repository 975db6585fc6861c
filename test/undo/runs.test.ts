import test from 'ava';
import { LIST_RUNS_SCRIPT, parseRunList } from '../../src/undo/runs.js';

test('the run listing: one run per line, newest first as listed; a host without backups lists none', (t) => {
  t.deepEqual(parseRunList('20261127T050520Z-hvgc\t       7\t112\n20261126T010101Z-ab\t0\t4\n'), [
    { runId: '20261127T050520Z-hvgc', items: 7, kib: 112 },
    { runId: '20261126T010101Z-ab', items: 0, kib: 4 },
  ]);
  t.deepEqual(parseRunList(''), []);
  t.regex(LIST_RUNS_SCRIPT, /^cd \/var\/lib\/kremedy\/backups 2>\/dev\/null \|\| exit 0;/, 'no backup directory is no runs, not an error');
});

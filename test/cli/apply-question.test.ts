import test from 'ava';
import { applyQuestion } from '../../src/cli/commands/run.js';

test('the question before apply names the changes, the hosts and the distinct plans', (t) => {
  t.is(applyQuestion(126, 20, 3), 'Apply 126 changes on 20 hosts (3 distinct plans)?');
  t.is(applyQuestion(1, 1, 1), 'Apply 1 change on 1 host (1 distinct plan)?');
});

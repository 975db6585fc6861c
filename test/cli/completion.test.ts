import test from 'ava';
import { cli } from './helpers.js';

test('kremedy completion prints a bash script that asks kremedy for completions', (t) => {
  const r = cli(['completion']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /###-begin-kremedy-completions-###/);
  t.regex(r.stdout, /kremedy completion >> ~\/\.bashrc/);
  t.regex(r.stdout, /--get-yargs-completions/);
  t.regex(r.stdout, /complete -o bashdefault -o default -F _kremedy_yargs_completions kremedy/);
});

test('completions: the commands, then the options of run (report files included)', (t) => {
  const cmds = cli(['--get-yargs-completions', 'kremedy', '']).stdout.split('\n');
  for (const c of ['run', 'list', 'inventory', 'facts', 'completion']) t.true(cmds.includes(c), `${c} in ${cmds.join(' ')}`);
  const opts = cli(['--get-yargs-completions', 'kremedy', 'run', 'reset-node', '--']).stdout.split('\n');
  for (const o of ['--hosts', '--dry-run', '--junit', '--report', '--extra-vars']) t.true(opts.includes(o), `${o} in ${opts.join(' ')}`);
});

test('every command has --help with examples', (t) => {
  for (const cmd of ['run', 'list', 'inventory', 'facts']) {
    const r = cli([cmd, '--help']);
    t.is(r.code, 0, `${cmd}: ${r.stderr}`);
    t.regex(r.stdout, /Examples:\n\s+kremedy /, `${cmd} --help has examples`);
  }
  t.regex(cli(['run', '--help']).stdout, /--junit[\s\S]*--report/);
});

test('every option is listed with each alias once (apply defines its own --inventory, without a default)', (t) => {
  for (const cmd of ['run', 'plan', 'apply', 'undo', 'runs', 'facts', 'doctor', 'inventory']) {
    const r = cli([cmd, '--help']);
    t.is(r.code, 0, `${cmd}: ${r.stderr}`);
    for (const line of r.stdout.split('\n')) {
      const aliases = line.trim().split(/,?\s+/).filter((w) => /^-\w$/.test(w));
      t.is(new Set(aliases).size, aliases.length, `${cmd} --help: ${line}`);
    }
  }
  const apply = cli(['apply', '--help']).stdout;
  t.regex(apply, /-i, --inventory\s+inventory \(default: the one the plan was made with\)/);
  t.notRegex(apply.split('\n').find((l) => l.includes('--inventory'))!, /default: "/);
});

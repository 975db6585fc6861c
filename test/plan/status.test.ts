// The outcome ladder and the planned-status mapping as tables: each row a host's planned changes
// in order, what each step did, the re-probe's decision, and what must be reported.
import test from 'ava';
import { changeOutcome, plannedStatus, type ApplyResult, type LadderState, type StepResult, type TaskEnd } from '../../src/plan/status.js';
import type { TaskPlan } from '../../src/plan/types.js';

type Change = Extract<TaskPlan, { status: 'pending' }>;
const change = (index: number): Change =>
  ({ index, title: `t${index}`, kind: 'path-absent', spec: { kind: 'path-absent', path: `/p${index}` }, status: 'pending', summary: `do ${index}`, diff: '', backup: [], commands: [], state: null }) as Change;
const ok = (index: number) => ({ ...change(index), status: 'ok', message: 'fine' }) as unknown as TaskPlan;
const still = (index: number) => change(index) as TaskPlan;
const ran = (rc = 0, output = ''): StepResult => ({ rc, output });

interface Row {
  name: string;
  steps: StepResult[];
  /** The re-probe's decision per change (undefined: not verified). */
  after?: Array<TaskPlan | undefined>;
  host?: Partial<ApplyResult>;
  expect: Array<[TaskEnd['status'], RegExp]>;
  failure?: RegExp;
}

const rows: Row[] = [
  { name: 'every step ran and converged', steps: [ran(), ran()], after: [ok(0), ok(1)], expect: [['changed', /^do 0$/], ['changed', /^do 1$/]] },
  {
    name: 'a failed step fails, the rest are skipped',
    steps: [ran(), ran(1, 'a\nb\nc\nd'), undefined],
    after: [ok(0)],
    expect: [['changed', /do 0/], ['failed', /^exit 1: b \| c \| d$/], ['skipped', /earlier step failed/]],
    failure: /^t1: exit 1: b \| c \| d$/,
  },
  { name: 'a failed step without output says so', steps: [ran(2)], expect: [['failed', /^exit 2: \(no output\)$/]], failure: /^t0: exit 2: $/ },
  {
    name: 'an interrupt: the stopped step and every later one without a report are skipped',
    steps: [ran(), 'stopped', undefined],
    after: [ok(0)],
    expect: [['changed', /do 0/], ['skipped', /^not run: interrupted$/], ['skipped', /^not run: interrupted$/]],
  },
  {
    name: 'no report back: the exec error and the output so far',
    steps: [undefined],
    host: { execError: new Error('connection to h was lost'), partialOutput: 'half\n' },
    expect: [['failed', /^connection to h was lost; output so far: half$/]],
    failure: /^t0: connection to h was lost$/,
  },
  { name: 'no report back and no exec error', steps: [undefined], expect: [['failed', /^the step did not report back$/]], failure: /did not report back/ },
  {
    name: 'ran but the re-probe failed: not called changed',
    steps: [ran()],
    host: { verifyError: new Error('timeout') },
    expect: [['failed', /^ran, but could not verify: timeout$/]],
    failure: /could not verify/,
  },
  {
    name: 'ran without error but did not converge',
    steps: [ran()],
    after: [still(0)],
    expect: [['failed', /^ran without error but did not converge: still to do: do 0$/]],
    failure: /^t0: did not converge \(still to do: do 0\)$/,
  },
];

for (const row of rows) {
  test(`outcome ladder: ${row.name}`, (t) => {
    const state: LadderState = { stopped: false };
    const host: ApplyResult = { partialOutput: '', ...row.host };
    const ends = row.steps.map((s, i) => changeOutcome(change(i), s, row.after?.[i], host, state));
    t.deepEqual(ends.map((e) => e.status), row.expect.map(([s]) => s));
    ends.forEach((e, i) => t.regex(e.message, row.expect[i]![1]));
    if (row.failure) t.regex(state.failure ?? '', row.failure);
    else t.is(state.failure, undefined);
  });
}

test('planned statuses as reported: a change is pending until it runs, a skip is skipped', (t) => {
  t.deepEqual(plannedStatus(change(0)), { status: 'pending', message: 'do 0' });
  t.deepEqual(plannedStatus(ok(0)), { status: 'ok', message: 'fine' });
  t.deepEqual(plannedStatus({ ...change(0), status: 'skipped', message: 'only when x' } as unknown as TaskPlan), { status: 'skipped', message: 'only when x' });
  t.deepEqual(plannedStatus({ ...change(0), status: 'failed', message: 'no' } as unknown as TaskPlan), { status: 'failed', message: 'no' });
});

// Operation tests as data (after pyinfra's tests/operations/<op>/<case>.json): probe output in,
// decision out. Each case file lists the spec, the raw probe results and what must come out.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { operationFor } from '../../src/ops/registry.js';
import { ProbeError } from '../../src/ops/types.js';
import type { ProbeResult } from '../../src/facts/probe.js';
import type { Task, TaskSpec } from '../../src/dsl/types.js';
import type { Facts } from '../../src/facts/types.js';

interface Case {
  description: string;
  spec: TaskSpec;
  probes: Record<string, Partial<ProbeResult> & { stdout: string }>;
  /** Facts that differ from the default Debian host (os family, binaries on PATH). */
  facts?: { os?: Partial<Facts['os']>; binaries?: Facts['binaries'] };
  expect:
    | { status: 'ok'; message?: string }
    | { status: 'failed'; message?: string }
    | { status: 'probe-error'; message?: string }
    | { status: 'pending'; commands: string[]; backup?: string[]; diff?: string; summary?: string; restore?: unknown };
}

const baseFacts: Facts = {
  hostname: 'h', os: { id: 'debian', family: 'debian', version: '12', pretty: 'Debian 12' }, kernel: '6.1.0', uid: 0,
  cni: { detected: 'none', evidence: '', configFiles: [] }, links: [], binaries: {},
};
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Case;
  test(`${file}: ${c.description}`, (t) => {
    const op = operationFor(c.spec.kind);
    const ids = op.probes(c.spec as never).map((p) => p.id);
    t.deepEqual(ids.sort(), Object.keys(c.probes).sort(), 'the case provides exactly the probes the operation asks for');
    const results = new Map(Object.entries(c.probes).map(([id, r]) => [id, { stderr: '', rc: 0, ...r }]));
    let state: unknown;
    try {
      state = op.state(c.spec as never, results);
    } catch (err) {
      if (c.expect.status === 'probe-error' && err instanceof ProbeError) {
        if (c.expect.message) t.regex(err.message, new RegExp(c.expect.message));
        return;
      }
      throw err;
    }
    t.not(c.expect.status, 'probe-error', 'expected the probe to be refused');
    const task: Task = { title: 't', spec: c.spec };
    const facts = { ...baseFacts, os: { ...baseFacts.os, ...c.facts?.os }, binaries: { ...baseFacts.binaries, ...c.facts?.binaries } };
    const d = op.decide(c.spec as never, state, { facts, params: {}, task, backupDir: '/var/lib/kremedy/backups/RUN', stepId: '03' });
    t.is(d.status, c.expect.status);
    if (d.status === 'pending' && c.expect.status === 'pending') {
      t.deepEqual(d.commands, c.expect.commands);
      if (c.expect.backup) t.deepEqual(d.backup, c.expect.backup);
      if (c.expect.restore !== undefined) t.deepEqual(d.fuse?.group === 'iptables-restore' ? d.fuse.restore : undefined, c.expect.restore);
      if (c.expect.diff !== undefined) t.is(d.diff, c.expect.diff);
      if (c.expect.summary !== undefined) t.is(d.summary, c.expect.summary);
    } else if ((d.status === 'ok' || d.status === 'failed') && 'message' in c.expect && c.expect.message) {
      t.regex(d.message, new RegExp(c.expect.message));
    }
    // Idempotence by construction: the state after a change must decide "ok". The case can't
    // run commands, so it is checked end to end on the fleet; here we check decide() is pure.
    t.deepEqual(op.decide(c.spec as never, state, { facts, params: {}, task, backupDir: '/var/lib/kremedy/backups/RUN', stepId: '03' }), d);
  });
}

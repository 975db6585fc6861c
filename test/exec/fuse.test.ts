// Fused iptables steps as data: an iptables-save (and other probe output) in, the steps a host
// runs out — which tasks each step carries, the tables it backs up, and the restore input.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskSpec } from '../../src/dsl/types.js';
import { fuseSteps, membersOf } from '../../src/exec/fuse.js';
import type { PendingTask } from '../../src/plan/types.js';
import type { Facts } from '../../src/facts/types.js';
import { IP6TABLES_SAVE_PROBE, IPTABLES_SAVE_PROBE } from '../../src/ops/iptables.js';
import { IPSET_PROBE } from '../../src/ops/ipset.js';
import { LINKS_PROBE } from '../../src/facts/links.js';
import { planHost } from '../../src/plan/planner.js';

interface Case {
  description: string;
  iptablesSave: string;
  ip6tablesSave?: string;
  /** `ipset list -t` output. */
  ipsets?: string;
  links?: string;
  /** Any other probe's stdout, by probe id. */
  probes?: Record<string, string>;
  tasks: TaskSpec[];
  expect: Array<{ members: number[]; backups?: string[]; restore?: Record<string, string>; commandsMatch?: string }>;
}

const facts: Facts = {
  hostname: 'h', os: { id: 'debian', family: 'debian', version: '12', pretty: 'Debian 12' }, kernel: '6.1.0', uid: 0,
  cni: { detected: 'none', evidence: '', configFiles: [] }, links: [], binaries: {},
};
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fuse-cases');

/** The heredoc bodies of `<family>-restore --noflush <<'EOF'` commands, by family. */
function restoreInputs(commands: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of commands) {
    const m = /^(ip6?tables(?:-legacy|-nft)?)-restore --noflush <<'(\w+)'\n([\s\S]*)\n\2$/.exec(c);
    if (m) out[m[1]!] = `${m[3]!}\n`;
  }
  return out;
}

function plan(c: Case, backupDir: string) {
  const results = new Map([[IPTABLES_SAVE_PROBE.id, { stdout: c.iptablesSave, stderr: '', rc: 0 }]]);
  if (c.ip6tablesSave !== undefined) results.set(IP6TABLES_SAVE_PROBE.id, { stdout: c.ip6tablesSave, stderr: '', rc: 0 });
  if (c.ipsets !== undefined) results.set(IPSET_PROBE.id, { stdout: c.ipsets, stderr: '', rc: 0 });
  if (c.links !== undefined) results.set(LINKS_PROBE.id, { stdout: c.links, stderr: '', rc: 0 });
  for (const [id, stdout] of Object.entries(c.probes ?? {})) results.set(id, { stdout, stderr: '', rc: 0 });
  const tasks = c.tasks.map((spec, i) => ({ title: `t${i}`, spec }));
  return planHost({ host: 'h', tasks, params: {}, facts, results, backupDir });
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Case;
  test(`${file}: ${c.description}`, (t) => {
    const backupDir = mkdtempSync(path.join(os.tmpdir(), 'kr-fuse-'));
    const changes = plan(c, backupDir).tasks.filter((x): x is PendingTask => x.status === 'pending');
    const steps = fuseSteps(changes, backupDir);
    t.deepEqual(steps.map(membersOf), c.expect.map((e) => e.members));
    steps.forEach((step, i) => {
      const e = c.expect[i]!;
      if (e.restore) t.deepEqual(restoreInputs(step.commands), e.restore);
      if (e.commandsMatch) t.regex(step.commands.join('\n'), new RegExp(e.commandsMatch));
      if (e.backups) {
        // The backup lines really run (builtins and a mkdir): each table is saved once, as
        // `iptables-save -t TABLE` would print it, and recorded in MANIFEST.
        const backupLines = step.commands.filter((l) => !/-restore --noflush/.test(l));
        execFileSync('/bin/sh', ['-c', `set -e\n${backupLines.join('\n')}`]);
        const manifest = readFileSync(path.join(backupDir, 'MANIFEST'), 'utf8').trim().split('\n');
        t.deepEqual(manifest.slice(-e.backups.length), e.backups.map((tb) => `iptables\t${tb}\tiptables-${tb}.rules`));
        for (const tb of e.backups) {
          const saved = readFileSync(path.join(backupDir, `iptables-${tb}.rules`), 'utf8');
          const section = c.iptablesSave.split(/^(?=\*)/m).find((s) => s.startsWith(`*${tb}\n`))!;
          const want = section.slice(0, section.indexOf('COMMIT') + 'COMMIT'.length).replace(/ \[\d+:\d+\]$/gm, ' [0:0]');
          t.is(saved, `${want}\n`, `backup of ${tb}`);
        }
      }
    });
  });
}

test('families are keyed apart: IPv4 and IPv6 changes of one run become one restore each', (t) => {
  const change = (index: number, family: 'iptables' | 'ip6tables', table: 'filter' | 'raw', lines: string[]): PendingTask => ({
    index, title: `t${index}`, kind: 'iptables-flush', spec: { kind: 'iptables-flush', table }, status: 'pending',
    summary: '', diff: '', backup: [`backup ${family} ${table}`], commands: ['not used when fused'], fuse: { group: 'iptables-restore', restore: [{ family, table, lines }] }, state: null,
  });
  const steps = fuseSteps([
    change(0, 'iptables', 'filter', ['-P INPUT ACCEPT']),
    change(1, 'ip6tables', 'filter', ['-P INPUT ACCEPT']),
    change(2, 'iptables', 'raw', ['-F', '-X']),
    change(3, 'ip6tables', 'filter', ['-F', '-X']),
  ], '/b');
  t.is(steps.length, 1);
  t.deepEqual(steps[0]!.members, [0, 1, 2, 3]);
  t.deepEqual(steps[0]!.commands.slice(0, 3), ['backup iptables filter', 'backup ip6tables filter', 'backup iptables raw']);
  t.deepEqual(restoreInputs(steps[0]!.commands), {
    iptables: '*filter\n-P INPUT ACCEPT\nCOMMIT\n*raw\n-F\n-X\nCOMMIT\n',
    ip6tables: '*filter\n-P INPUT ACCEPT\n-F\n-X\nCOMMIT\n',
  });
});

test('a change that is not iptables stays a step of its own, with its own commands', (t) => {
  const c: PendingTask = {
    index: 4, title: 'x', kind: 'path-absent', spec: { kind: 'path-absent', path: '/x' }, status: 'pending',
    summary: '', diff: '', backup: ['b'], commands: ['mv x y'], state: null,
  };
  t.deepEqual(fuseSteps([c], '/b'), [{ index: 4, commands: ['b', 'mv x y'] }]);
});

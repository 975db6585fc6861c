// The iptables probe (facts/iptables-save.ts): its shell branches run for real under /bin/sh with
// stand-in binaries, and real iptables-save output of 1.4.21 (CentOS 7) parses as the host meant it.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backendSaves, IPTABLES_SAVE_PROBE, parseIptablesSave, readIptablesState, tableSection, type IptablesTable,
} from '../../src/facts/iptables-save.js';
import { saveText } from '../../src/ops/iptables-restore.js';
import { operationFor } from '../../src/ops/registry.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Run the probe under /bin/sh with only the given stand-ins (each prints its own name) on PATH. */
function runProbe(bins: Record<string, string>): { out: string; calls: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kr-ipt-'));
  const log = path.join(dir, 'calls');
  for (const [name, target] of Object.entries(bins)) {
    if (target.startsWith('->')) {
      symlinkSync(target.slice(2), path.join(dir, name));
      continue;
    }
    writeFileSync(path.join(dir, name), `#!/bin/sh\necho "$(basename "$0")" >> ${log}\n${target}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  // /bin for the shell's own needs (basename); the stand-ins come first.
  const out = execFileSync('/bin/sh', ['-c', IPTABLES_SAVE_PROBE.script], { encoding: 'utf8', env: { PATH: `${dir}:/bin` } });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    calls = [];
  }
  return { out, calls };
}

const legacyLoaded = (() => {
  try {
    return readFileSync('/proc/net/ip_tables_names', 'utf8').trim() !== '';
  } catch {
    return false;
  }
})();

test('one iptables (CentOS 7: no -legacy/-nft names): its iptables-save alone, output unchanged', (t) => {
  const { out, calls } = runProbe({ 'iptables-save': `cat <<'X'\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\nX` });
  t.is(out, '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
  t.deepEqual(calls, ['iptables-save'], 'nothing else ran');
  const { saves } = backendSaves({ stdout: out, stderr: '', rc: 0 });
  t.deepEqual(saves.map((s) => [s.bin, s.backend, s.shown]), [['iptables', undefined, true]]);
});

test('both backends: `iptables` resolved with -ef; legacy read only where this namespace has legacy tables loaded', (t) => {
  const { out, calls } = runProbe({
    'xtables-nft-multi': 'echo nft-save-output',
    'iptables-nft': '->xtables-nft-multi', 'iptables-nft-save': '->xtables-nft-multi',
    'xtables-legacy-multi': 'echo legacy-save-output',
    'iptables-legacy': '->xtables-legacy-multi', 'iptables-legacy-save': '->xtables-legacy-multi',
    iptables: '->iptables-nft',
  });
  t.regex(out, /^#KR:IPTABLES-DEFAULT nft\n/);
  t.is(calls.includes('iptables-legacy-save'), legacyLoaded, 'legacy-save runs exactly when /proc/net/ip_tables_names lists a table');
  t.true(calls.includes('iptables-nft-save'));
  t.false(calls.includes('iptables'), '`iptables` itself never runs: the -ef test reads the file system only');
  const { saves } = backendSaves({ stdout: out, stderr: '', rc: 0 });
  t.deepEqual(saves.map((s) => [s.bin, s.backend, s.shown]), [...(legacyLoaded ? [['iptables-legacy', 'legacy', false]] : []), ['iptables', 'nft', true]]);
});

test('legacy as the default (update-alternatives --set iptables iptables-legacy)', (t) => {
  const { out } = runProbe({
    'iptables-nft-save': 'true', 'iptables-nft': 'true', 'iptables-legacy-save': 'true', 'iptables-legacy': 'true', iptables: '->iptables-legacy',
  });
  t.regex(out, /^#KR:IPTABLES-DEFAULT legacy\n/);
});

test('no iptables at all', (t) => {
  t.is(runProbe({}).out, '#KR:NO-IPTABLES\n');
});

for (const [file, expect] of [
  ['iptables-1.4.21-centos7-kube-proxy-flannel.txt', { mangle: [8, 1], nat: [14, 29], filter: [16, 47] }],
  ['iptables-1.4.21-coreos-kube-proxy-flannel.txt', { nat: [10, 14], filter: [4, 4] }],
] as const) {
  test(`iptables 1.4.21 output parses: ${file}`, (t) => {
    const text = fixture(file);
    for (const [table, [chains, rules]] of Object.entries(expect) as Array<[IptablesTable, readonly [number, number]]>) {
      const section = tableSection(text, table);
      const parsed = parseIptablesSave(section);
      t.is(parsed.chains.length, chains, `${table}: chains`);
      t.is(parsed.rules.length, rules, `${table}: rules`);
      t.is(parsed.rules.length, section.split('\n').filter((l) => l.startsWith('-A ')).length, `${table}: every -A line is a rule`);
      // The backup is written from the parsed state: it must be the table as printed, counters zeroed.
      const asPrinted = [`*${table}`, ...section.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]$/, '[0:0]')), 'COMMIT'].join('\n') + '\n';
      t.is(saveText(table, parsed), asPrinted, `${table}: backup text round-trips`);
    }
  });
}

test('a CentOS 7 node (one iptables, 1.4.21): reset-node\'s flush plans one iptables-restore --noflush, names no backend', (t) => {
  const results = new Map([[IPTABLES_SAVE_PROBE.id, { stdout: fixture('iptables-1.4.21-centos7-kube-proxy-flannel.txt'), stderr: '', rc: 0 }]]);
  const state = readIptablesState('nat', results);
  t.deepEqual(state.backends.map((b) => b.bin), ['iptables']);
  t.true(state.backends[0]!.chains.some((c) => c.name === 'KUBE-SVC-NPX46M4PTMTKRN6Y'));
  const op = operationFor('iptables-flush');
  const spec = { kind: 'iptables-flush' as const, table: 'nat' as const };
  const d = op.decide(spec, op.state(spec, results), {
    facts: { hostname: 'c7', os: { id: 'centos', family: 'rhel', version: '7', pretty: 'CentOS Linux 7 (Core)' }, kernel: '3.10.0-693.21.1.el7.x86_64', uid: 0, cni: { detected: 'flannel', evidence: '', configFiles: [] }, links: [], binaries: {} },
    params: {}, task: { title: 't', spec }, backupDir: '/var/lib/kremedy/backups/R', stepId: '01',
  });
  t.is(d.status, 'pending');
  if (d.status !== 'pending') return;
  t.is(d.summary, 'nat: flush 29 rule(s), delete 10 user chain(s)');
  t.deepEqual(d.commands, ["iptables-restore --noflush <<'KR_RESTORE_EOF'\n*nat\n-F\n-X\nCOMMIT\nKR_RESTORE_EOF"]);
});

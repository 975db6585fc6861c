// The backup home: the writers' MANIFEST lines run for real under /bin/sh and the parser reads
// back exactly what they wrote; pruning keeps the newest runs.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MANIFEST, pruneCommand, runBackupDir } from '../../src/backup/layout.js';
import { parseManifest } from '../../src/backup/manifest.js';
import { backupIptables, backupRecord, backupText, copyToBackup } from '../../src/backup/write.js';

test('what the writers record is what undo parses, file names included', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-backup-'));
  const ctx = { backupDir: runBackupDir(root, 'RUN1'), stepId: '07' };
  const commands = [
    ...backupIptables('nat', { chains: [{ name: 'PREROUTING', policy: 'ACCEPT' }, { name: 'KUBE-SERVICES', policy: null }], rules: ['-A PREROUTING -j KUBE-SERVICES'] }, ctx, 'iptables-legacy'),
    ...backupText(ctx, 'ipvs.rules', '-A -t 10.96.0.1:443 -s rr\n', 'ipvs'),
    ...backupRecord(ctx, 'unit', 'kubelet.service', 'enabled', 'active'),
  ];
  execFileSync('/bin/sh', ['-c', `set -e\n${commands.join('\n')}`]);
  const manifest = parseManifest(readFileSync(path.join(ctx.backupDir, MANIFEST), 'utf8'));
  t.deepEqual(manifest, [
    { kind: 'iptables-legacy', table: 'nat', file: 'iptables-legacy-nat.rules' },
    { kind: 'ipvs', file: '07-ipvs.rules' },
    { kind: 'unit', unit: 'kubelet.service', enabled: 'enabled', active: 'active' },
  ]);
  t.is(readFileSync(path.join(ctx.backupDir, 'iptables-legacy-nat.rules'), 'utf8'), '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n');
  t.is(readFileSync(path.join(ctx.backupDir, '07-ipvs.rules'), 'utf8'), '-A -t 10.96.0.1:443 -s rr\n');
  // A second backup of the same table in the run keeps the first (the state before the run).
  execFileSync('/bin/sh', ['-c', backupIptables('nat', { chains: [], rules: [] }, ctx, 'iptables-legacy').join('\n')]);
  t.regex(readFileSync(path.join(ctx.backupDir, 'iptables-legacy-nat.rules'), 'utf8'), /KUBE-SERVICES/);
  t.is(copyToBackup('/etc/hosts', ctx).length, 4);
});

test('pruning keeps the newest `keep` runs and nothing else', (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-prune-'));
  for (let i = 0; i < 25; i++) {
    const d = path.join(root, `run${String(i).padStart(2, '0')}`);
    mkdirSync(d);
    utimesSync(d, 1_700_000_000 + i, 1_700_000_000 + i);
  }
  execFileSync('/bin/sh', ['-c', pruneCommand(root, 20)]);
  const left = readdirSync(root).sort();
  t.is(left.length, 20);
  t.deepEqual(left.slice(0, 2), ['run05', 'run06'], 'the five oldest went');
  execFileSync('/bin/sh', ['-c', pruneCommand(root, 20)]);
  t.is(readdirSync(root).length, 20, 'nothing more on a second prune');
});

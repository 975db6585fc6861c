import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kubeLiveScript, parseKubeLive } from '../../src/ops/kube-stopped.js';

// The probe's shell runs here for real, against unit directories in a temporary tree and a
// stand-in systemctl on PATH that says whether it was asked.
function runProbe(setup: (root: string) => void): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-kube-live-'));
  try {
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'systemctl'), '#!/bin/sh\nprintf "Id=kubelet.service\\nActiveState=active\\nUnitFileState=enabled\\n\\n"\n');
    chmodSync(path.join(bin, 'systemctl'), 0o755);
    const dirs = ['etc', 'lib', 'cgroup'].map((d) => path.join(root, d));
    dirs.forEach((d) => mkdirSync(d));
    setup(root);
    return execFileSync('/bin/sh', ['-c', kubeLiveScript([...dirs, path.join(root, 'missing')])], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('no unit file and no cgroup of any node unit: systemctl is not asked and nothing is live', (t) => {
  const out = runProbe((root) => writeFileSync(path.join(root, 'lib', 'ssh.service'), ''));
  t.is(out, '\n');
  t.deepEqual(parseKubeLive(out).units, []);
});

for (const [where, make] of [
  ['a unit file', (root: string) => writeFileSync(path.join(root, 'lib', 'kubelet.service'), '')],
  ['a dangling alias symlink', (root: string) => symlinkSync('/nonexistent', path.join(root, 'etc', 'docker.service'))],
  ['only a cgroup (its file deleted while it runs)', (root: string) => mkdirSync(path.join(root, 'cgroup', 'kube-proxy.service'))],
] as const) {
  test(`${where} of a node unit: systemctl is asked`, (t) => {
    const out = runProbe(make);
    t.deepEqual(parseKubeLive(out).units, [{ unit: 'kubelet.service', active: 'active', enabled: 'enabled' }]);
  });
}

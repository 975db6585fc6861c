#!/usr/bin/env node
// What reading both iptables backends costs on the host, against the one `iptables-save` the
// probe ran before issue 19. Runs on fleet hosts of three shapes, in one ssh session per host,
// alternating the two scripts in rounds so that load on the machine hits both alike:
//   clean    Debian, both binaries, no legacy table loaded (most Debian nodes)
//   centos74 one iptables (legacy, no nft binaries), as CentOS 7
//   dual1    Debian, legacy tables loaded beside nft (the node)
// Prints per-run wall time on the host (median of the rounds) and the ratio new/old.
//   node bench/iptables-probe-cost.mjs [--runs 200] [--rounds 5] [--hosts clean,centos74,dual1]
// Needs the fleet (npm run fleet:up) and a build (npm run build).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', '200'));
const rounds = Number(arg('rounds', '5'));
const hosts = arg('hosts', 'clean,centos74,dual1').split(',');
const { IPTABLES_SAVE_PROBE } = await import(path.join(repo, 'dist/src/facts/iptables-save.js'));

const OLD = "command -v iptables-save >/dev/null 2>&1 || { echo '#KR:NO-IPTABLES'; exit 0; }; iptables-save";
const b64 = (s) => Buffer.from(s).toString('base64');
// On the host: each round times `runs` executions of each script in a fresh sh (as a probe's
// subshell), and prints "old_ms new_ms" per run.
const remote = `
old=$(echo ${b64(OLD)} | base64 -d); new=$(echo ${b64(IPTABLES_SAVE_PROBE.script)} | base64 -d)
t() { local s e; s=$(date +%s%N); for i in $(seq ${runs}); do sh -c "$1" >/dev/null 2>&1; done; e=$(date +%s%N); echo $(( (e - s) / ${runs} )); }
for r in $(seq ${rounds}); do echo "$(t "$old") $(t "$new")"; done
`;
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`iptables probe on the host: ${runs} runs x ${rounds} rounds per host, median per-run wall time`);
console.log('host       shape                          old (iptables-save)  new (both backends)  new/old');
const shape = { clean: 'both binaries, legacy unloaded', centos74: 'one iptables (legacy)', dual1: 'both backends loaded' };
for (const host of hosts) {
  const out = execFileSync('bash', [path.join(repo, 'test/fleet/fleet.sh'), 'ssh', host, remote], { encoding: 'utf8' });
  const rows = out.trim().split('\n').map((l) => l.split(' ').map(Number));
  const oldMs = median(rows.map((r) => r[0])) / 1e6;
  const newMs = median(rows.map((r) => r[1])) / 1e6;
  console.log(`${host.padEnd(10)} ${(shape[host] ?? '').padEnd(30)} ${oldMs.toFixed(2).padStart(10)} ms ${newMs.toFixed(2).padStart(15)} ms ${(newMs / oldMs).toFixed(2).padStart(10)}x`);
}

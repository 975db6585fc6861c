#!/usr/bin/env node
// The floor driver: start one plain `ssh ... 'sh -s' < reset-node.sh` per host, all at once,
// and wait for all of them. Prints one JSON line: failures, and the peak of the summed RSS of
// the ssh clients (sampled from /proc every 25 ms; the driver's own peak comes from the caller).
// usage: node bench/floor/run.mjs FLEET_JSON SCRIPT IP...
import { readFileSync } from 'node:fs';
import { sshRun } from '../lib/ssh.mjs';

const [fleetJson, scriptFile, ...ips] = process.argv.slice(2);
const fleet = JSON.parse(fleetJson);
const script = readFileSync(scriptFile, 'utf8');

const live = new Set();
let peakSumKb = 0;
let maxOneKb = 0;
const rssKb = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
const sampler = setInterval(() => {
  let sum = 0;
  for (const pid of live) {
    const kb = rssKb(pid);
    sum += kb;
    if (kb > maxOneKb) maxOneKb = kb;
  }
  if (sum > peakSumKb) peakSumKb = sum;
}, 25);

const t0 = performance.now();
const results = await Promise.all(
  ips.map((ip) => sshRun(fleet, ip, 'sh -s', script, { onSpawn: (pid) => live.add(pid), onExit: (pid) => live.delete(pid) })),
);
const wallMs = performance.now() - t0;
clearInterval(sampler);
const failed = results.filter((r) => r.code !== 0);
process.stdout.write(
  JSON.stringify({ hosts: ips.length, failed: failed.length, errors: failed.slice(0, 3).map((r) => `${r.ip}: exit ${r.code} ${r.stderr.trim()}`), wallMs, sshPeakSumRssKb: peakSumKb, sshMaxRssKb: maxOneKb }) + '\n',
);
process.exit(failed.length ? 2 : 0);

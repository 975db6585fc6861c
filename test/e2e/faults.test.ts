import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf, tryOnHost } from './helpers/fleet.js';
import { SLOW, fleetSh, inHost, inNetns, liveKremedy, stepRunning } from './helpers/faults.js';

// Owns f01..f05 (f06 belongs to security.test.ts). Faults are injected from outside the run
// (power off, sshd killed, netem, a read-only mount, signals), and every test restores its host
// in an after hook. Serial: several tests share "the other hosts" that must keep working.

const run = (hosts: string, extra: string[] = []) => ['run', SLOW, '--hosts', hosts, '--json', ...extra];
const uniqueDir = (tag: string) => `/var/tmp/kr-${tag}-${Date.now()}`;

test.after.always('power f01 back on, restart sshd on f02, drop the netem qdisc on f03, unmount on f04', async () => {
  if (!(await fleetSh('status', 'f01').then(() => true, () => false))) await fleetSh('start', 'f01').catch(() => undefined);
  await inHost('f02', 'systemctl start ssh || /usr/sbin/sshd').catch(() => undefined);
  await restoreLink('f03');
  await inHost('f04', 'umount /etc/cni/net.d 2>/dev/null; true').catch(() => undefined);
});
test.serial('a host powered off before the run is reported unreachable; the others finish; exit 4', async (t) => {
  await fleetSh('stop', 'f01');
  try {
    const dir = uniqueDir('down');
    const res = await kremedy([...run('f01,f02', ['-e', `dir=${dir}`, '-e', 'steps=2', '-e', 'seconds=0', '--connect-timeout', '3'])]);
    t.is(res.code, 4, res.stderr);
    const recap = recapOf(res);
    t.true(recap['f01']?.unreachable);
    t.deepEqual({ changed: recap['f02']?.changed, failed: recap['f02']?.failed, unreachable: recap['f02']?.unreachable }, { changed: 2, failed: 0, unreachable: false });
    t.regex(res.stderr, /f01.*UNREACHABLE/);
    t.is((await onHost('f02', `cat ${dir}/step-1 ${dir}/step-2`)).trim(), 'done\ndone');
  } finally {
    await fleetSh('start', 'f01');
  }
  // Back on: the same run now reaches it.
  const again = await kremedy(['facts', '--hosts', 'f01', '--json']);
  t.is(again.code, 0, again.stderr);
});

test.serial('sshd killed in the middle of a step: that host fails with a clear message within the keepalive window, the others finish', async (t) => {
  const dir = uniqueDir('sshd');
  const live = liveKremedy(run('f02,f03', ['-e', `dir=${dir}`, '-e', 'steps=4', '-e', 'seconds=3', '--timeout', '120']));
  await stepRunning('f02', dir, live);
  const killedAt = Date.now();
  // sshd and every session process it spawned (the step's shell): the TCP peer vanishes.
  await inHost('f02', "pkill -9 sshd; pkill -9 -f '[k]r_go'; true");
  try {
    const res = await live.done;
    // Keepalive is 5 s x 3: a dead peer is noticed within ~15 s, never the 120 s command timeout.
    t.true(Date.now() - killedAt < 40_000, `took ${Date.now() - killedAt} ms after the kill`);
    t.is(res.code, 2, res.stderr);
    const recap = recapOf(res);
    t.true(recap['f02']!.failed >= 1);
    t.deepEqual([recap['f03']!.changed, recap['f03']!.failed], [4, 0], 'the other host is unaffected');
    const f02 = tasksOf(res, 'f02');
    const failed = f02.find((x) => x.status === 'failed');
    t.truthy(failed, JSON.stringify(f02));
    t.regex(failed!.message ?? '', /connection to f02 (was lost|is closed)|did not report back/);
    t.log(`f02 failed ${Date.now() - killedAt} ms after the kill: ${failed!.task}: ${failed!.message}`);
    t.regex(res.stderr, /f02/);
    for (const later of f02.filter((x) => x.status === 'skipped')) t.regex(later.message ?? '', /not run: an earlier step failed/);
  } finally {
    await inHost('f02', 'systemctl restart ssh');
  }
  // sshd is back: the host converges on a re-run (idempotent: only the unfinished steps run).
  const again = await kremedy(run('f02', ['-e', `dir=${dir}`, '-e', 'steps=4', '-e', 'seconds=0']));
  t.is(again.code, 0, again.stderr);
  t.is((await onHost('f02', `cat ${dir}/step-*`)).trim().split('\n').filter((l) => l === 'done').length, 4);
});

// netem where the kernel has it; this sandbox's kernel has no sch_netem, so the fallback is
// the same shape from parts it has: a token bucket at 128 kbit/s (every packet queues: slow)
// and 5% of SSH packets dropped both ways by iptables' statistic match (lossy).
async function degradeLink(host: string): Promise<string> {
  try {
    await inNetns(host, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '300ms', 'loss', '5%');
    return 'netem delay 300ms loss 5%';
  } catch {
    await inNetns(host, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', '128kbit', 'burst', '4kb', 'latency', '2s');
    for (const chain of ['INPUT', 'OUTPUT']) {
      await inNetns(host, 'iptables', '-I', chain, '-p', 'tcp', chain === 'INPUT' ? '--dport' : '--sport', '22', '-m', 'statistic', '--mode', 'random', '--probability', '0.05', '-j', 'DROP');
    }
    return 'tbf 128kbit + 5% loss (iptables statistic)';
  }
}
async function restoreLink(host: string): Promise<void> {
  await inNetns(host, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root').catch(() => undefined);
  for (const chain of ['INPUT', 'OUTPUT']) {
    const rule = ['-p', 'tcp', chain === 'INPUT' ? '--dport' : '--sport', '22', '-m', 'statistic', '--mode', 'random', '--probability', '0.05', '-j', 'DROP'];
    while (await inNetns(host, 'iptables', '-D', chain, ...rule).then(() => true, () => false));
  }
}

test.serial('a slow, lossy link: the run completes within its timeouts and converges', async (t) => {
  const how = await degradeLink('f03');
  t.log(`link of f03: ${how}`);
  try {
    const dir = uniqueDir('netem');
    const args = run('f03,f05', ['-e', `dir=${dir}`, '-e', 'steps=3', '-e', 'seconds=0', '--connect-timeout', '30', '--timeout', '90']);
    const t0 = Date.now();
    const first = await kremedy(args);
    t.is(first.code, 0, first.stdout + first.stderr);
    t.is(recapOf(first)['f03']!.changed, 3);
    t.log(`first run over the degraded link: ${Date.now() - t0} ms`);
    const second = await kremedy(args);
    t.is(second.code, 0, second.stderr);
    t.deepEqual([recapOf(second)['f03']!.changed, recapOf(second)['f03']!.ok], [0, 3], 'converged: the second run changes nothing');
  } finally {
    await restoreLink('f03');
  }
});

test.serial('a step that fails part-way: the host stops there, later steps are not run, the report names step and reason, others unaffected', async (t) => {
  await reseed('f04', 'flannel');
  await reseed('f05', 'flannel');
  // /var/lib/cni is removed by the LAST step: it must still be there afterwards.
  await onHost('f04', 'mkdir -p /var/lib/cni/networks/cbr0 && echo 10.244.1.5 > /var/lib/cni/networks/cbr0/last_reserved_ip.0');
  await onHost('f05', 'mkdir -p /var/lib/cni/networks/cbr0');
  // A read-only bind mount: moving the flannel conflist out of /etc/cni/net.d fails (EROFS).
  await inHost('f04', 'mount --bind /etc/cni/net.d /etc/cni/net.d && mount -o remount,bind,ro /etc/cni/net.d');
  try {
    const res = await kremedy(['run', 'reset-node', '--hosts', 'f04,f05', '--json', '-e', 'cni=flannel']);
    t.is(res.code, 2, res.stderr);
    const f04 = tasksOf(res, 'f04');
    const failed = f04.filter((x) => x.status === 'failed');
    t.is(failed.length, 1, JSON.stringify(f04));
    t.is(failed[0]!.task, '/etc/cni/net.d/10-flannel.conflist absent');
    t.regex(failed[0]!.message ?? '', /Read-only file system/);
    const after = f04.filter((x) => (x as any).index > (failed[0] as any).index && x.status === 'skipped' && /earlier step failed/.test(x.message ?? ''));
    t.true(after.some((x) => x.task === '/var/lib/cni absent'), JSON.stringify(f04));
    t.regex(res.stderr, /f04.*10-flannel\.conflist absent/s);
    // Real state: the steps before ran, the failing one and the later ones did not.
    t.false(/flannel\.1/.test(await onHost('f04', 'ip -o link show')), 'earlier step (flannel.1 removed) ran');
    t.is((await tryOnHost('f04', 'test -f /etc/cni/net.d/10-flannel.conflist')).code, 0);
    t.is((await tryOnHost('f04', 'test -d /var/lib/cni/networks/cbr0')).code, 0, 'the later step did not run');
    // The other host went all the way.
    t.is(recapOf(res)['f05']!.failed, 0);
    t.is((await tryOnHost('f05', 'test -e /var/lib/cni')).code, 1);
  } finally {
    await inHost('f04', 'umount /etc/cni/net.d');
  }
  // Unblocked, a re-run finishes the job from where it stopped.
  const again = await kremedy(['run', 'reset-node', '--hosts', 'f04', '--json', '-e', 'cni=flannel']);
  t.is(again.code, 0, again.stderr);
  t.is((await tryOnHost('f04', 'test -e /var/lib/cni')).code, 1);
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test.serial(`${signal} during apply: the running steps finish, no new step starts, recap printed, exit ${code}, no half-written file`, async (t) => {
    const dir = uniqueDir(signal.toLowerCase());
    const hosts = ['f01', 'f03', 'f05'];
    const live = liveKremedy(run(hosts.join(','), ['-e', `dir=${dir}`, '-e', 'steps=5', '-e', 'seconds=2']));
    await stepRunning('f05', dir, live);
    live.child.kill(signal);
    const res = await live.done;
    t.is(res.code, code, res.stderr);
    t.regex(res.stderr, new RegExp(`${signal} received`));
    t.regex(res.stderr, /RECAP/);
    const recap = res.events.find((e) => e['type'] === 'recap');
    t.is(recap?.['interrupted'], signal);
    let skipped = 0;
    for (const h of hosts) {
      const tasks = tasksOf(res, h);
      const changed = tasks.filter((x) => x.status === 'changed');
      const stopped = tasks.filter((x) => x.status === 'skipped');
      for (const s of stopped) t.is(s.message, 'not run: interrupted');
      skipped += stopped.length;
      // At most the step running when the signal came, plus one whose go-ahead crossed it.
      t.true(changed.length <= 2, `${h}: ${changed.length} steps ran after the signal`);
      // Every step either completed (the file is whole) or never started (no file, no temp file).
      const listing = await onHost(h, `ls -A ${dir} 2>/dev/null; for f in ${dir}/step-*; do [ -f "$f" ] && printf '%s=%s\\n' "$f" "$(cat "$f")"; done; true`);
      t.false(/\.kremedy\./.test(listing), `${h}: temp file left behind:\n${listing}`);
      const written = listing.split('\n').filter((l) => l.includes('='));
      t.is(written.length, changed.length, `${h}:\n${listing}`);
      for (const w of written) t.regex(w, /=done$/);
    }
    t.true(skipped >= hosts.length * 3, `skipped ${skipped}`);
  });
}

test.serial('a second Ctrl-C forces the exit and says which hosts were left mid-way', async (t) => {
  const dir = uniqueDir('twice');
  const live = liveKremedy(run('f01,f03', ['-e', `dir=${dir}`, '-e', 'steps=3', '-e', 'seconds=4']));
  await stepRunning('f03', dir, live);
  const killedAt = Date.now();
  live.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  live.child.kill('SIGINT');
  const res = await live.done;
  t.is(res.code, 130);
  // Timed from the first signal, not from spawn: connecting and probing take longer on a busy
  // machine, but the forced exit must not wait for the 4 s step that is running.
  const sinceSignal = Date.now() - killedAt;
  t.true(sinceSignal < 4000, `exited ${sinceSignal} ms after the first SIGINT (${res.ms} ms after spawn)`);
  t.regex(res.stderr, /second SIGINT: exiting now.*left mid-way \(connecting, probing or in a step\) on: (f01, f03|f01|f03)/s);
  // The host finishes the abandoned step by itself (the rename is atomic): no temp file
  // survives, no half-written file, and no later step ran without a go-ahead.
  await new Promise((r) => setTimeout(r, 6000));
  for (const h of ['f01', 'f03']) {
    const listing = await onHost(h, `ls -A ${dir} 2>/dev/null; for f in ${dir}/step-*; do [ -f "$f" ] && printf '%s=%s\\n' "$f" "$(cat "$f")"; done; true`);
    t.false(/\.kremedy\./.test(listing), `${h}: temp file left behind:\n${listing}`);
    const written = listing.split('\n').filter((l) => l.includes('='));
    t.true(written.length <= 1, `${h}:\n${listing}`);
    for (const w of written) t.regex(w, /=done$/);
  }
});

// Issue 19: a node whose `iptables` is nft while kube-proxy wrote with iptables-legacy. The host
// is real (dual1, seed dual-backends): flannel's state in nft, and in legacy a REJECT of the
// cluster VIP, a KUBE-SVC-* nat chain and FORWARD DROP. Both backends are read back with the
// host's own iptables-legacy-save and iptables-nft-save after every step.
// Hosts: dual1 only (serial: every test reseeds or reads it in turn).
import test from 'ava';
import { kremedy, onHost, recapOf, reseed, tasksOf, type CliResult } from './helpers/fleet.js';

const HOST = 'dual1';
/** One backend's tables as its own save prints them, comments and counters dropped. */
const save = (backend: 'legacy' | 'nft') => `iptables-${backend}-save | grep -v '^#' | sed 's/ \\[[0-9]*:[0-9]*\\]$//'`;
const findings = (res: CliResult) => res.events.filter((e) => e['type'] === 'finding' && e['host'] === HOST && e['id'] === 'IPTABLES-BACKENDS');

test.before(async () => {
  await reseed(HOST, 'dual-backends');
});

test.serial('the seeded host really is the field case: `iptables` is nft, kube-proxy state sits in legacy', async (t) => {
  t.regex(await onHost(HOST, 'iptables -V'), /nf_tables/);
  const legacy = await onHost(HOST, save('legacy'));
  t.regex(legacy, /-A KUBE-SERVICES -d 10\.96\.0\.1\/32 .*-j REJECT/);
  t.regex(legacy, /:FORWARD DROP/);
  t.regex(legacy, /:KUBE-SVC-NPX46M4PTMTKRN6Y/);
  t.notRegex(await onHost(HOST, 'iptables -S'), /REJECT/, "the host's iptables does not show them");
});

test.serial('doctor: IPTABLES-BACKENDS is critical, names each backend and its rule counts, and the fix', async (t) => {
  const res = await kremedy(['doctor', '--hosts', HOST, '--json']);
  t.is(res.code, 3, res.stderr + res.stdout);
  const [f, ...more] = findings(res);
  t.is(more.length, 0);
  t.is(f?.['severity'], 'critical');
  const evidence = (f?.['evidence'] as string[]).join('\n');
  t.regex(evidence, /^legacy \(iptables-legacy\): 7 rule\(s\) \(filter 3, nat 4\); Kubernetes chains .*KUBE-SERVICES.*; policies filter FORWARD DROP$/m);
  t.regex(evidence, /^nft \(what this host's `iptables` shows\): \d+ rule\(s\)/m);
  t.regex(evidence, /by hand: iptables-legacy -t filter -P FORWARD ACCEPT; iptables-legacy -t filter -F; iptables-legacy -t filter -X; iptables-legacy -t nat -F; iptables-legacy -t nat -X/);
  t.is(f?.['fix'], 'reset-node');
});

let runId = '';
let legacyBefore = '';
let nftBefore = '';

test.serial('reset-node names the legacy backend in its plan, resets both, and the verify re-probe sees both clean', async (t) => {
  legacyBefore = await onHost(HOST, save('legacy'));
  nftBefore = await onHost(HOST, save('nft'));
  const dry = await kremedy(['run', 'reset-node', '--hosts', HOST, '--dry-run', '--json']);
  t.is(dry.code, 0, dry.stderr);
  const summaries = tasksOf(dry, HOST).filter((e) => e.status === 'pending').map((e) => e.message ?? '');
  const policy = tasksOf(dry, HOST).find((e) => e.task.startsWith('iptables filter: policy'));
  t.is(policy?.status, 'pending');
  // The nft FORWARD DROP comes from flannel's seed as well: both backends are named.
  t.regex(JSON.stringify(policy), /iptables \(legacy\) filter: set policy ACCEPT on FORWARD/);
  const natFlush = tasksOf(dry, HOST).find((e) => e.task === 'flush iptables nat table and delete its user chains');
  t.regex(JSON.stringify(natFlush), /iptables \(legacy\) nat: flush 4 rule\(s\), delete 3 user chain\(s\); iptables \(nft\) nat: flush/);
  t.regex(natFlush?.diff ?? '', /@@ iptables \(legacy\) nat @@\n- -A OUTPUT/);
  t.true(summaries.length > 0);

  const res = await kremedy(['run', 'reset-node', '--hosts', HOST, '--json']);
  t.is(res.code, 0, res.stderr + res.stdout);
  t.is(recapOf(res)[HOST]?.failed, 0);
  runId = res.events.find((e) => e['type'] === 'start')?.['runId'] as string;

  for (const backend of ['legacy', 'nft'] as const) {
    const after = await onHost(HOST, save(backend));
    t.notRegex(after, /^-A /m, `${backend}: no rule left`);
    t.notRegex(after, / - \[0:0\]|:\S+ -$/m, `${backend}: no user chain left`);
    t.notRegex(after, /DROP|REJECT/, `${backend}: no DROP policy, no REJECT`);
  }
  const backups = await onHost(HOST, `cd /var/lib/kremedy/backups/${runId} && ls && cat MANIFEST`);
  t.regex(backups, /iptables-legacy-filter\.rules/);
  t.regex(backups, /iptables-legacy\tnat\tiptables-legacy-nat\.rules/);
  t.regex(backups, /iptables\tfilter\tiptables-filter\.rules/);
});

test.serial('a second run changes nothing and says so; the doctor has nothing critical left', async (t) => {
  const again = await kremedy(['run', 'reset-node', '--hosts', HOST, '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(recapOf(again)[HOST]?.changed, 0);
  t.regex(again.stderr, /0 change\(s\) made, 1 already converged/);
  const doctor = await kremedy(['doctor', '--hosts', HOST, '--json']);
  t.deepEqual(findings(doctor).filter((f) => f['severity'] === 'critical'), []);
});

test.serial('undo puts both backends back exactly as they were', async (t) => {
  const undo = await kremedy(['undo', runId, '--hosts', HOST, '--json']);
  t.is(undo.code, 0, undo.stderr + undo.stdout);
  t.is(await onHost(HOST, save('legacy')), legacyBefore, 'legacy tables as before (counters aside)');
  t.is(await onHost(HOST, save('nft')), nftBefore, 'nft tables as before (counters aside)');
  const again = await kremedy(['undo', runId, '--hosts', HOST, '--json']);
  t.is(recapOf(again)[HOST]?.changed, 0, 'undo is idempotent in both backends');
});

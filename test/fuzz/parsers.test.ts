import test from 'ava';
import fc from 'fast-check';
import { KremedyError } from '../../src/errors.js';
import { buildProbeScript, newNonce, parseProbeOutput, StepStreamParser } from '../../src/exec/probe-script.js';
import type { ProbeRequest } from '../../src/facts/probe.js';
import { FACT_PROBES, factsFrom } from '../../src/facts/gather.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { parseYamlInventory } from '../../src/inventory/load.js';
import { matchHosts, selectHosts } from '../../src/inventory/patterns.js';
import { parseIptablesSave } from '../../src/ops/iptables.js';
import { ProbeError } from '../../src/ops/types.js';
import { mergeExtraVars, parseExtraVars, shellWords } from '../../src/params/extra-vars.js';
import { resolveParams } from '../../src/params/validate.js';
import { parseKnownHosts } from '../../src/ssh/known-hosts.js';
import { parseBackupProbe, parseManifest, restoreSteps } from '../../src/undo/restore.js';
import resetNode from '../../playbooks/reset-node.js';
import pinRegistryHosts from '../../playbooks/pin-registry-hosts.js';

// Property-based: every parser of user input or host output, fed random and hostile text, either
// returns a result or throws one of kremedy's own clear errors (exit 1 with a message, or a
// ProbeError naming what could not be read) -- never a TypeError/RangeError/SyntaxError crash.
// KREMEDY_FUZZ_RUNS scales every property (default 1000 runs each); the counts are logged.

const RUNS = Number(process.env['KREMEDY_FUZZ_RUNS'] ?? 1000);

/** Text that looks like the real thing often enough to reach deep branches. */
const HOSTILE = ['$(touch /tmp/p)', '`id`', ';', "'", '"', '\n', '\r\n', '\t', '\\', '\0', '#', ':', '=', '[', ']', '{', '}', '@', '*', '!', '&', '|', '-', ' ', '..', '/', '\u202e', '\ufeff', '__proto__', 'constructor', 'toString'];
const token = (vocab: string[]) => fc.oneof(fc.constantFrom(...vocab, ...HOSTILE), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.nat({ max: 70000 }).map(String));
const textOf = (vocab: string[]) => fc.array(token(vocab), { maxLength: 60 }).map((parts) => parts.join(''));
const linesOf = (vocab: string[]) => fc.array(fc.array(token(vocab), { maxLength: 12 }).map((p) => p.join('')), { maxLength: 25 }).map((l) => l.join('\n'));

const YAML_VOCAB = ['all:', 'hosts:', 'vars:', 'children:', '  ', '    ', '- ', 'ansible_host: ', 'ansible_port: ', 'ansible_user: ', 'ansible_become: ', 'yes', 'no', 'null', '~', '&a', '*a', '<<: *a', '!!str ', '!!binary ', '---', '...', '|', '>', '? ', 'web[01:05]', 'ansible_ssh_private_key_file: ', '{', '}', '[', ']', ', ', '%YAML 1.2', '$ANSIBLE_VAULT;'];
const INI_VOCAB = ['[web]', '[web:vars]', '[web:children]', '[all:vars]', 'ansible_host=', 'ansible_port=', 'ansible_user=', 'ansible_become=', 'host[1:3]', 'host[a:c]', 'host[01:10:2]', '=', '"', "'", '#', ';', ' ', "{'a': 1}", '[1, 2]', 'True', 'None', '0x1f', '1e5'];
const KH_VOCAB = ['@cert-authority ', '@revoked ', '|1|', 'ssh-ed25519 ', 'ssh-rsa ', 'ecdsa-sha2-nistp256 ', 'AAAAC3NzaC1lZDI1NTE5AAAAI', '[10.0.0.1]:2222', '10.213.0.10', '*', '?', '!', ',', ' ', '\t', '=', 'AAAA', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'];
const EV_VOCAB = ['cni=', 'pins=', 'a=b', '{"a":1}', '{', '}', '[', ']', '"', "'", ' ', '=', ',', 'true', 'false', '1e309', '-0', 'null', '{"__proto__":{"x":1}}', '{"constructor":1}', 'registry-1.docker.io=1.2.3.4', 'resolver=', '8.8.8.8:53', 'state=absent', 'timeout=', '@'];
const IPT_VOCAB = ['*filter', '*nat', ':INPUT ACCEPT [0:0]', ':KUBE-X - [0:0]', '-A INPUT -j KUBE-X', '-P ', 'COMMIT', '# Generated', ':', ' ', '[', ']', '\n'];
const MARK_VOCAB = ['#KR:', 'R:', 'B:', 'E:', 'X:', 'O:', 'S:', 'DONE', ':', '0', '1', '99999999999999999999', '-1', '\n', '#KR:MANIFEST', '#KR:FILE ', '#KR:NO-RUN', 'iptables\t', 'link\t', 'moved\t', 'copied\t', '/etc/x', 'filter', '.json', '{"ifname":"x","linkinfo":{"info_kind":"vxlan"}}', '[{"ifname":"cni0"}]', '{', '['];

const counts: Record<string, number> = {};
/** Runs `fn`; a throw must be one of kremedy's own errors. Returns nothing (properties assert). */
function survives(name: string, fn: () => unknown, allowed: Array<new (...a: any[]) => Error> = [KremedyError as never]): void {
  counts[name] = (counts[name] ?? 0) + 1;
  try {
    fn();
  } catch (err) {
    if (allowed.some((cls) => err instanceof cls)) {
      // "undefined group" is Ansible's own wording for a group never declared, not a leaked value.
      if (!(err as Error).message || /undefined(?! group)|\[object Object\]/.test((err as Error).message)) {
        throw new Error(`${name}: unclear message: ${(err as Error).message}`);
      }
      return;
    }
    throw err;
  }
}
const check = (prop: fc.IProperty<any> | fc.IAsyncProperty<any>) => fc.assert(prop as never, { numRuns: RUNS });

test.after(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${total} inputs over ${Object.keys(counts).length} parsers: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
});

test('inventory YAML: results or FileInputError, and selecting hosts from a result never crashes', (t) => {
  check(
    fc.property(fc.oneof(linesOf(YAML_VOCAB), fc.string({ maxLength: 400 })), fc.constantFrom('all', 'web', 'web*', '~^w', 'all:!web', 'a&b', ''), (text, pattern) =>
      survives('inventory-yaml', () => {
        const inv = parseYamlInventory(text, 'fuzz.yml');
        try {
          selectHosts(inv, pattern);
        } catch (err) {
          if (!(err instanceof KremedyError)) throw err;
        }
      }),
    ),
  );
  t.pass();
});

const PATTERN_VOCAB = ['web', 'db', 'w1', 'all', '*', '?', '~', '!', '&', ',', ':', ' ', '[', ']', '[0]', '[-1]', '[1:3]', '[0-9]', '[!a]', '(?i)', '(?P<n>', '(?P=n)', '(?:', '(?#c)', '(?=', '(?<!', '(?>', '(?(1)', '(?i:', ')', '\\A', '\\Z', '\\d', '\\w', '\\b', '\\B', '\\x4', '\\U0001F600', '\\N{X}', '\\0', '\\12', '\\777', '{', '}', '{,2}', '{1,}', '*+', '+?', '|', '^', '$', '.', '-', '\\', 'localhost', '10.0.0.1:22', 'fe80::1', 'nœud'];
const PATTERN_INV = parseYamlInventory('all:\n  hosts:\n    solo:\n  children:\n    web:\n      hosts: {w1: , w2: , nœud1: }\n    db:\n      hosts: {db1: , w1: }\n      children: {web: }\n', 'fuzz.yml');

test('host patterns (globs, subscripts, Python regexes): a selection or an InputError', (t) => {
  check(fc.property(fc.oneof(textOf(PATTERN_VOCAB), fc.string({ maxLength: 60 })), (pattern) => survives('host-pattern', () => matchHosts(PATTERN_INV, pattern))));
  t.pass();
});

test('inventory INI: results or FileInputError', (t) => {
  check(fc.property(fc.oneof(linesOf(INI_VOCAB), fc.string({ maxLength: 400 })), (text) => survives('inventory-ini', () => parseIniInventory(text, 'fuzz.ini'))));
  t.pass();
});

test('known_hosts: a hostile file never crashes the parser', (t) => {
  check(fc.property(fc.oneof(linesOf(KH_VOCAB), fc.string({ maxLength: 400 })), (text) => survives('known-hosts', () => parseKnownHosts(text, 'fuzz_known_hosts'))));
  t.pass();
});

test('-e: parseExtraVars/shellWords/mergeExtraVars and validation against real playbooks give values or InputError', (t) => {
  // Leading @ reads a file: kept out of the random strings (a random path could be anything).
  const arg = fc.oneof(textOf(EV_VOCAB), fc.string({ maxLength: 80 })).map((s) => s.replace(/^@+/, ''));
  check(
    fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (args) => {
      for (const a of args) survives('extra-vars-words', () => shellWords(a));
      for (const a of args) survives('extra-vars-parse', () => parseExtraVars(a));
      let merged: Record<string, unknown> | undefined;
      survives('extra-vars-merge', () => (merged = mergeExtraVars(args)));
      if (merged) {
        survives('params-reset-node', () => resolveParams('reset-node', resetNode.params, merged!));
        survives('params-pin-registry-hosts', () => resolveParams('pin-registry-hosts', pinRegistryHosts.params, merged!));
      }
    }),
  );
  // Random JSON values of any type for each real parameter: a wrong type names the parameter.
  check(
    fc.property(fc.constantFrom('cni', 'pins', 'resolver', 'timeout', 'state'), fc.jsonValue(), (name, value) =>
      survives('params-typed', () => {
        try {
          resolveParams('pin-registry-hosts', pinRegistryHosts.params, { [name]: value });
          resolveParams('reset-node', resetNode.params, { [name]: value });
        } catch (err) {
          if (err instanceof KremedyError && !(err.message.includes(name) || /unknown parameter/.test(err.message))) {
            throw new Error(`error does not name the parameter ${name}: ${err.message}`);
          }
          throw err;
        }
      }),
    ),
  );
  t.throws(() => mergeExtraVars(['@/nonexistent/kremedy-fuzz.json']), { instanceOf: KremedyError as never });
  t.pass();
});

test('probe output: parseProbeOutput and StepStreamParser accept any host output, chunked anyhow', (t) => {
  const probes: ProbeRequest[] = [...FACT_PROBES, { id: 'x', script: 'true' }];
  check(
    fc.property(fc.oneof(linesOf(MARK_VOCAB), fc.string({ maxLength: 300 })), fc.array(fc.nat({ max: 50 }), { maxLength: 10 }), (body, cuts) => {
      const nonce = 'n0nce';
      // Real markers (@@KR:nonce:) spliced in, so the parsers' deep branches are reached.
      const text = body.replaceAll('#KR:', `@@KR:${nonce}:`);
      survives('probe-output', () => parseProbeOutput(text, nonce, probes));
      survives('step-stream', () => {
        const p = new StepStreamParser(nonce);
        let at = 0;
        for (const c of cuts) {
          p.feed(text.slice(at, at + c));
          at += c;
        }
        p.feed(text.slice(at));
        void p.partialOutput;
      });
    }),
  );
  t.truthy(buildProbeScript(probes, newNonce()));
});

test('iptables-save output: any text parses or is refused as unreadable', (t) => {
  check(fc.property(fc.oneof(linesOf(IPT_VOCAB), fc.string({ maxLength: 300 })), (text) => survives('iptables-save', () => parseIptablesSave(text), [KremedyError as never, ProbeError])));
  t.pass();
});

test('facts: factsFrom turns any host output into facts', (t) => {
  const ids = FACT_PROBES.map((p) => p.id);
  check(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...ids), fc.oneof(linesOf([...MARK_VOCAB, 'file\t', 'ID=', 'ID_LIKE=', 'VERSION_ID=', '"rhel fedora"', 'type', 'flannel', 'kube-router', 'bridge', '__proto__\t/x']), fc.string({ maxLength: 200 })), fc.integer()), { maxLength: 12 }), (entries) =>
      survives(
        'facts',
        () => {
          const results = new Map(entries.map(([id, stdout, rc]) => [id, { stdout, stderr: '', rc }]));
          const facts = factsFrom(results);
          JSON.stringify(facts);
        },
        [KremedyError as never, ProbeError],
      ),
    ),
  );
  t.pass();
});

test('undo: MANIFEST and the backup probe from a tampered host parse, and restore steps are built or refused', (t) => {
  check(
    fc.property(fc.oneof(linesOf(MARK_VOCAB), fc.string({ maxLength: 300 })), (text) => {
      survives('manifest', () => parseManifest(text));
      survives('backup-probe', () => {
        const probe = parseBackupProbe(text);
        restoreSteps('/var/lib/kremedy/backups/r1', probe.manifest, probe.files);
      });
    }),
  );
  // A well-formed MANIFEST whose link backups hold anything at all (JSON of any shape, or not JSON).
  check(
    fc.property(fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify([v])), fc.string({ maxLength: 100 })), fc.constantFrom('cni0', 'flannel.1', 'kube-bridge'), (body, link) =>
      survives('restore-link-json', () => {
        const probe = parseBackupProbe(`#KR:MANIFEST\nlink\t${link}\t1-link-${link}.json\niptables\tfilter\t0-iptables-filter.rules\n#KR:FILE 1-link-${link}.json\n${body}\n#KR:FILE 1-link-${link}.json.addr.json\n${body}`);
        restoreSteps('/var/lib/kremedy/backups/r1', probe.manifest, probe.files);
      }),
    ),
  );
  t.pass();
});

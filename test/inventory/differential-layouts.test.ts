// Differential test on whole layouts (fixtures/layouts/cases.json; sources in fixtures/SOURCES.md):
// inventory directories, several sources, host lists, group_vars/host_vars, ansible.cfg and
// ANSIBLE_* variables, read by kremedy and by ansible-core (oracle.py, one process per case:
// ansible-core reads its configuration once, at import). Compared per host: the host set and
// order, the groups, every variable, and every connection setting kremedy uses (address, port,
// user, key, password, become, become user/method/password, connection type, ssh args and the
// jump hosts they name). A host kremedy refuses must be listed as refused in cases.json; where
// Ansible cannot evaluate a value either, that is an agreement. differential-allow.tsv holds the
// deliberate differences, with their reasons.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { AnsibleConfig, loadInventorySources, type Host, type Inventory } from '../../src/inventory/index.js';
import { parseBoolish } from '../../src/inventory/host-settings.js';
import { VaultValue } from '../../src/inventory/template.js';
import { resolveRoute } from '../../src/ssh/route.js';

const here = dirname(fileURLToPath(import.meta.url));
const layouts = join(here, 'fixtures', 'layouts');
const PYTHON = process.env['KREMEDY_ANSIBLE_PYTHON'] ?? '/usr/bin/python3';
const hasAnsible = spawnSync(PYTHON, ['-c', 'import ansible.inventory.manager'], { encoding: 'utf8' }).status === 0;

interface Case {
  name: string;
  dir: string;
  cfg?: string;
  sources: string[];
  env?: Record<string, string>;
  refused?: string[];
}

type Settings = Record<string, unknown> & { error?: string };
interface OracleLayout {
  loaded: boolean;
  error?: string;
  order?: string[];
  hosts?: Record<string, { groups: string[]; vars: Record<string, unknown>; settings: Settings }>;
}

/** Ansible's ssh_args when nothing sets it: transport tuning only, the same as none for kremedy. */
const DEFAULT_SSH_ARGS = '-C -o ControlMaster=auto -o ControlPersist=60s';

function caseEnv(c: Case): NodeJS.ProcessEnv {
  // A private configuration: no ansible.cfg of the machine or the user changes the answers.
  const home = mkdtempSync(join(tmpdir(), 'kremedy-ansible-'));
  const empty = join(home, 'ansible.cfg');
  writeFileSync(empty, '[defaults]\n');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_')));
  return { ...clean, ANSIBLE_HOME: home, ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: c.cfg ? join(layouts, c.dir, c.cfg) : empty, ...c.env };
}

function oracle(c: Case, env: NodeJS.ProcessEnv): OracleLayout {
  const r = spawnSync(PYTHON, [join(here, 'oracle.py')], {
    input: JSON.stringify([{ layout: c.name, sources: c.sources.length ? c.sources : null }]),
    encoding: 'utf8',
    cwd: join(layouts, c.dir),
    env: { ...env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True', ANSIBLE_LOCALHOST_WARNING: 'False' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`oracle.py failed for ${c.name} (exit ${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as OracleLayout[])[0]!;
}

function kremedy(c: Case, env: NodeJS.ProcessEnv): { inv?: Inventory; error?: string } {
  const cwd = join(layouts, c.dir);
  const cfg = AnsibleConfig.load(cwd, env);
  const sources = c.sources.length ? c.sources : cfg.inventory(cwd)?.paths ?? [];
  try {
    return { inv: loadInventorySources(sources, { cfg, env, cwd }) };
  } catch (e) {
    if (e instanceof InputError) return { error: e.message };
    throw e;
  }
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x) => (x instanceof VaultValue ? { __vault__: true } : x)));
const text = (v: unknown): string | undefined => (v === null || v === undefined || v === '' ? undefined : String(v));

/** The jump hosts resolveRoute finds for a host with these settings (no ssh_config). */
function jumps(h: Pick<Host, 'name' | 'address' | 'port' | 'user' | 'sshArgs' | 'origins'>): string[] {
  const host: Host = { ...h, become: false, groups: [], vars: {} } as Host;
  try {
    return resolveRoute(host, { config: undefined, loadConfig: () => { throw new Error('no -F in fixtures'); } }).jumps.map((j) => `${j.user}@${j.address}:${j.port}`);
  } catch (e) {
    return [`error: ${(e as Error).message}`];
  }
}

/** Ansible's settings in kremedy's terms; the normalisations are the documented defaults (README). */
function expected(name: string, s: Settings, cwd: string, k: Host): Record<string, unknown> {
  const addr = s['address'] === 'inventory_hostname' ? name : String(s['address']);
  const sshArgs = (['ssh_args', 'ssh_common_args', 'ssh_extra_args'] as const).flatMap((option) => {
    const t = text(s[option]);
    return t === undefined || (option === 'ssh_args' && t === DEFAULT_SSH_ARGS) ? [] : [{ option, text: t, origin: option }];
  });
  const key = text(s['key']);
  const port = s['port'] === null ? 22 : Number(s['port']);
  // Ansible leaves an unset user to ssh (the local user); kremedy's default is root.
  const user = s['user'] === null ? 'root' : String(s['user']);
  return {
    address: /^\[.*\]$/.test(addr) ? addr.slice(1, -1) : addr,
    port,
    user,
    key: key === undefined ? undefined : resolve(cwd, key.replace(/^~(?=\/|$)/, homedir())),
    password: text(s['password']),
    become: parseBoolish(s['become']) ?? false,
    becomeUser: text(s['become_user']) ?? 'root',
    becomeMethod: text(s['become_method']) ?? 'sudo',
    becomePassword: text(s['become_password']),
    connection: ['smart', 'ssh', 'paramiko'].includes(String(s['connection'])) ? 'ssh' : String(s['connection']),
    sshArgs: sshArgs.map((a) => `${a.option}: ${a.text}`),
    jumps: jumps({ name, address: addr, port, user, sshArgs, origins: { port: s['port'] === null ? 'default' : 'set', user: s['user'] === null ? 'default' : 'set' } }),
    ...(k ? {} : {}),
  };
}

function actual(h: Host): Record<string, unknown> {
  return {
    address: h.address,
    port: h.port,
    user: h.user,
    key: h.privateKeyFile,
    password: h.password,
    become: h.become,
    becomeUser: h.becomeUser ?? 'root',
    becomeMethod: h.becomeMethod ?? 'sudo',
    becomePassword: h.becomePassword,
    connection: ['smart', 'ssh', 'paramiko'].includes(h.connection ?? 'ssh') ? 'ssh' : h.connection,
    sshArgs: (h.sshArgs ?? []).map((a) => `${a.option}: ${a.text}`),
    jumps: jumps(h),
  };
}

const register = hasAnsible || process.env['CI'] ? test : test.skip;

register('kremedy reads whole layouts (directories, sources, group_vars, host_vars, ansible.cfg) as ansible-core does', (t) => {
  t.timeout(180_000);
  if (!hasAnsible) {
    t.fail(`ansible-core is not installed (${PYTHON} cannot import ansible): scripts/setup.sh installs the Debian package`);
    return;
  }
  const cases = JSON.parse(readFileSync(join(layouts, 'cases.json'), 'utf8')) as Case[];
  const problems: string[] = [];
  const counts = { cases: cases.length, hosts: 0, settings: 0, settingsAgree: 0, vars: 0, varsAgree: 0, refusedBoth: 0, refusedByKremedy: 0 };
  for (const c of cases) {
    const env = caseEnv(c);
    const a = oracle(c, env);
    const k = kremedy(c, env);
    const cwd = join(layouts, c.dir);
    if (!a.loaded || !k.inv) {
      if (a.loaded !== Boolean(k.inv)) problems.push(`${c.name}: ansible ${a.loaded ? 'loads it' : `fails: ${a.error}`}; kremedy ${k.inv ? 'loads it' : `fails: ${k.error}`}`);
      continue;
    }
    const inv = k.inv;
    if (JSON.stringify([...inv.hosts.keys()]) !== JSON.stringify(a.order)) problems.push(`${c.name}: hosts: ansible [${a.order!.join(', ')}], kremedy [${[...inv.hosts.keys()].join(', ')}]`);
    const refused = new Set(c.refused ?? []);
    for (const [name, h] of inv.hosts) {
      const ah = a.hosts![name];
      if (!ah) continue;
      counts.hosts++;
      if (JSON.stringify(ah.groups) !== JSON.stringify(h.groups)) problems.push(`${c.name}: groups of ${name}: ansible [${ah.groups.join(', ')}], kremedy [${h.groups.join(', ')}]`);
      for (const key of new Set([...Object.keys(ah.vars), ...Object.keys(h.vars)])) {
        counts.vars++;
        const want = JSON.stringify(ah.vars[key]);
        const got = JSON.stringify(plain(h.vars[key]));
        if (want === got) counts.varsAgree++;
        else problems.push(`${c.name}: ${name}.${key}: ansible ${want}, kremedy ${got}`);
      }
      if (h.refused) {
        if (!refused.has(name)) problems.push(`${c.name}: ${name}: kremedy refuses it (${h.refused.join('; ')}) but cases.json does not expect that (ansible: ${JSON.stringify(ah.settings)})`);
        if (ah.settings.error) counts.refusedBoth++;
        else counts.refusedByKremedy++;
        continue;
      }
      if (refused.has(name)) problems.push(`${c.name}: ${name}: expected kremedy to refuse it, it did not`);
      if (ah.settings.error) {
        problems.push(`${c.name}: ${name}: ansible cannot evaluate its settings (${ah.settings.error}), kremedy uses ${JSON.stringify(actual(h))}`);
        continue;
      }
      const want = expected(name, ah.settings, cwd, h);
      const got = actual(h);
      for (const field of Object.keys(want)) {
        counts.settings++;
        if (JSON.stringify(want[field]) === JSON.stringify(got[field])) counts.settingsAgree++;
        else problems.push(`${c.name}: ${name}.${field}: ansible ${JSON.stringify(want[field])}, kremedy ${JSON.stringify(got[field])}`);
      }
    }
  }
  t.log(
    `${counts.cases} layouts, ${counts.hosts} hosts: ${counts.settingsAgree}/${counts.settings} connection settings identical, ` +
      `${counts.varsAgree}/${counts.vars} variables identical; ${counts.refusedByKremedy} hosts refused by kremedy with a clear error where Ansible has a value ` +
      `(connection types, become user/method, templates beyond variables/default/env lookup), ${counts.refusedBoth} refused where Ansible fails too`,
  );
  t.deepEqual(problems, [], `${problems.length} difference(s) with ansible-core:\n${problems.join('\n')}`);
  t.true(counts.hosts > 40, 'the layouts shrank: check cases.json');
});

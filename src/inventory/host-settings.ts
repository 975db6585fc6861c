// A host's connection settings from its merged variables, ansible.cfg and the environment, in
// ansible-core's order (ConfigManager: inventory variable, then ANSIBLE_* variable, then
// ansible.cfg, then the default), each with where it came from. Templates in the values kremedy
// reads are evaluated (template.ts) or the host is refused: a value kremedy cannot compute is
// never used, neither literally nor as a guess.

import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { AnsibleConfig, CfgOption } from './ansible-cfg.js';
import { evaluateTemplate, isTemplate, TemplateError, VaultValue } from './template.js';
import type { Host, HostSettingName, SshArgsSource } from './types.js';

/** Where a variable was set: file and line. */
export interface VarOrigin {
  file: string;
  line?: number | undefined;
}

// Each list is in precedence order, the first set one wins. When a host has both a legacy
// `ansible_ssh_*` variable and its modern name, Ansible's ssh connection uses the legacy one:
// its option `vars` lists name ansible_host before ansible_ssh_host (and so on), and the later
// entry wins (ConfigManager._loop_entries); play_context's MAGIC_VARIABLE_MAPPING agrees. The
// sudo become plugin likewise ranks ansible_sudo_pass over ansible_become_pass over
// ansible_become_password. (ansible-core 2.14: plugins/connection/ssh.py, plugins/become/sudo.py)
const PORT_VARS = ['ansible_ssh_port', 'ansible_port'];
const HOST_VARS = ['ansible_ssh_host', 'ansible_host'];
const USER_VARS = ['ansible_ssh_user', 'ansible_user'];
const KEY_VARS = ['ansible_ssh_private_key_file', 'ansible_private_key_file'];
const PASSWORD_VARS = ['ansible_ssh_password', 'ansible_ssh_pass', 'ansible_password'];
const BECOME_PASSWORD_VARS = ['ansible_sudo_pass', 'ansible_become_pass', 'ansible_become_password'];
const BECOME_VARS = ['ansible_become'];
const BECOME_USER_VARS = ['ansible_sudo_user', 'ansible_become_user'];
const BECOME_METHOD_VARS = ['ansible_become_method'];
const CONNECTION_VARS = ['ansible_connection'];
const USER_RE = /^[a-z_][a-z0-9_.-]*\$?$/i;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
/** Connection types that are Ansible's ssh connection (smart picks ssh when an ssh binary exists). */
const SSH_CONNECTIONS = new Set(['ssh', 'paramiko', 'paramiko_ssh', 'smart', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh']);

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof VaultValue) return 'a vault-encrypted value';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Parses a bool-ish value (Ansible's boolean filter); undefined when it is not one. */
export function parseBoolish(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'y', 'on', '1', 't'].includes(s)) return true;
    if (['false', 'no', 'n', 'off', '0', 'f', ''].includes(s)) return false;
  }
  return undefined;
}

function parsePort(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined;
  if (typeof v === 'string' && /^\s*\d{1,5}\s*$/.test(v)) return parsePort(Number(v));
  return undefined;
}

/** An ansible_host in brackets (`[2001:db8::1]`) is the address inside them. */
function unbracket(v: string): string {
  const m = /^\[([^\]]+)\]$/.exec(v);
  return m && isIP(m[1]!) === 6 ? m[1]! : v;
}

function addressProblem(v: unknown): string | undefined {
  if (typeof v !== 'string') return `expected a host name or IP address, got ${show(v)}`;
  const a = unbracket(v);
  if (isIP(a) || HOSTNAME_RE.test(a)) return undefined;
  return `expected a host name or IP address, got ${show(v)}`;
}

/** Checks a connection variable's value; returns what is wrong with it, or undefined. Unset (null), templates and vault values are checked when they are used. */
export function connectionVarProblem(key: string, value: unknown): string | undefined {
  if (value === null || value === undefined || isTemplate(value) || value instanceof VaultValue) return undefined;
  if (PORT_VARS.includes(key)) return parsePort(value) === undefined ? `expected an integer 1-65535, got ${show(value)}` : undefined;
  if (HOST_VARS.includes(key)) return addressProblem(value);
  if (USER_VARS.includes(key) || BECOME_USER_VARS.includes(key)) {
    return typeof value === 'string' && USER_RE.test(value) ? undefined : `expected a user name matching ${USER_RE}, got ${show(value)}`;
  }
  if (BECOME_VARS.includes(key)) {
    return parseBoolish(value) === undefined ? `expected a boolean (true/false, yes/no, 1/0), got ${show(value)}` : undefined;
  }
  if (KEY_VARS.includes(key)) {
    return typeof value === 'string' && value !== '' && !/\p{Cc}/u.test(value) ? undefined : `expected a file path, got ${show(value)}`;
  }
  if (PASSWORD_VARS.includes(key) || BECOME_PASSWORD_VARS.includes(key)) {
    return typeof value === 'string' || typeof value === 'number' ? undefined : `expected a string, got ${show(value)}`;
  }
  if (key === 'ansible_group_priority') {
    const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value));
    return ok ? undefined : `expected an integer, got ${show(value)}`;
  }
  return undefined;
}

/** A key path as Ansible's ssh connection hands it to ssh: `~` expanded, relative to the working directory. */
function expandKeyPath(p: string, cwd: string): string {
  let out = p;
  if (out === '~') out = homedir();
  else if (out.startsWith('~/')) out = homedir() + out.slice(1);
  return isAbsolute(out) ? out : resolve(cwd, out);
}

class Refused extends Error {}

export interface ResolveContext {
  cfg: AnsibleConfig;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Resolves one host's connection settings. `origins` says where each merged variable was set. */
export function resolveHost(
  name: string,
  groups: string[],
  vars: Record<string, unknown>,
  origins: Record<string, VarOrigin>,
  ctx: ResolveContext,
): Host {
  const where = (key: string): string => {
    const o = origins[key];
    return o ? `${o.file}${o.line !== undefined ? `:${o.line}` : ''}` : 'the inventory';
  };
  const magic: Record<string, unknown> = { inventory_hostname: name, inventory_hostname_short: name.split('.')[0], group_names: groups.filter((g) => g !== 'all' && g !== 'ungrouped') };
  const evaluating = new Set<string>();
  const cache = new Map<string, unknown>();

  /** A variable's value with its templates evaluated; throws Refused naming the file, line, key and expression. */
  const value = (key: string): unknown => {
    if (cache.has(key)) return cache.get(key);
    const raw = key in vars ? vars[key] : magic[key];
    if (raw instanceof VaultValue) throw new Refused(`${where(key)}: ${key}: vault-encrypted values are not supported (kremedy has no vault password): set it in plain text, or in an environment variable with lookup('env', 'NAME')`);
    if (!isTemplate(raw)) return raw;
    if (evaluating.has(key)) throw new Refused(`${where(key)}: ${key}: ${JSON.stringify(raw)} refers to itself`);
    evaluating.add(key);
    let out: unknown;
    try {
      out = evaluateTemplate(raw, {
        env: ctx.env,
        lookup: (n) => (n in vars || n in magic ? { defined: true, value: value(n) } : { defined: false }),
      });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new Refused(`${where(key)}: ${key}: cannot evaluate ${JSON.stringify(raw)}: ${e.message}`);
    } finally {
      evaluating.delete(key);
    }
    cache.set(key, out);
    return out;
  };

  const origins_: Partial<Record<HostSettingName, string>> = {};
  const refusals: string[] = [];
  /** The first set variable of `keys`, else the ANSIBLE_* variable / ansible.cfg option. */
  const setting = (field: HostSettingName, keys: string[], cfgOption?: CfgOption): unknown => {
    for (const k of keys) {
      const raw = vars[k];
      if (raw === undefined || raw === null) continue;
      try {
        const v = value(k);
        const why = connectionVarProblem(k, v);
        if (why) throw new Refused(`${where(k)}: ${k}: ${why}${isTemplate(raw) ? ` (from ${JSON.stringify(raw)})` : ''}`);
        origins_[field] = `${where(k)} (${k})`;
        return v;
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        refusals.push(e.message);
        origins_[field] = `${where(k)} (${k}, refused)`;
        return undefined;
      }
    }
    const c = cfgOption && ctx.cfg.get(cfgOption);
    if (c) {
      origins_[field] = c.origin;
      return c.value;
    }
    return undefined;
  };

  const address = setting('address', HOST_VARS);
  const port = setting('port', PORT_VARS, 'remote_port');
  const user = setting('user', USER_VARS, 'remote_user');
  const key = setting('privateKeyFile', KEY_VARS, 'private_key_file');
  const password = setting('password', PASSWORD_VARS);
  const become = setting('become', BECOME_VARS, 'become');
  const becomePassword = setting('becomePassword', BECOME_PASSWORD_VARS);
  const becomeUser = setting('becomeUser', BECOME_USER_VARS, 'become_user');
  const becomeMethod = setting('becomeMethod', BECOME_METHOD_VARS, 'become_method');
  const connection = setting('connection', CONNECTION_VARS, 'transport');

  const host: Host = {
    name,
    address: typeof address === 'string' ? unbracket(address) : name,
    port: 22,
    user: 'root',
    become: false,
    groups,
    vars,
    origins: origins_,
  };
  origins_.address ??= 'the inventory host name';
  if (port !== undefined) {
    const p = parsePort(port);
    if (p === undefined) refusals.push(`${origins_.port}: expected a port 1-65535, got ${show(port)}`);
    else host.port = p;
  } else origins_.port ??= 'default (22)';
  if (typeof user === 'string' && USER_RE.test(user)) host.user = user;
  else if (user !== undefined) refusals.push(`${origins_.user}: expected a user name, got ${show(user)}`);
  else origins_.user ??= 'default (root)';
  if (become !== undefined) {
    const b = parseBoolish(become);
    if (b === undefined) refusals.push(`${origins_.become}: expected a boolean, got ${show(become)}`);
    else host.become = b;
  } else origins_.become ??= 'default (no)';
  if (typeof key === 'string' && key !== '') host.privateKeyFile = expandKeyPath(key, ctx.cwd);
  // An empty password is no password: Ansible tests them for truth before using them.
  if (password !== undefined && password !== '') host.password = String(password);
  if (becomePassword !== undefined && becomePassword !== '') host.becomePassword = String(becomePassword);

  // kremedy changes nodes as root: it logs in as root, or as a user who becomes root with
  // sudo (fed the password on stdin, connection.ts). Becoming another user would run the
  // playbook as that user, and su reads its password from a terminal, which kremedy does not
  // drive; so both are refused by name rather than quietly done with root and sudo.
  if (typeof becomeUser === 'string' && becomeUser !== '') host.becomeUser = becomeUser;
  if (typeof becomeMethod === 'string' && becomeMethod !== '') host.becomeMethod = becomeMethod;
  if (host.become) {
    if (host.becomeUser !== undefined && host.becomeUser !== 'root') {
      refusals.push(`${origins_.becomeUser}: become user "${host.becomeUser}" is not supported: kremedy's playbooks run as root (become_user root, or unset)`);
    }
    if (host.becomeMethod !== undefined && host.becomeMethod !== 'sudo' && host.becomeMethod !== 'ansible.builtin.sudo') {
      refusals.push(`${origins_.becomeMethod}: become method "${host.becomeMethod}" is not supported: kremedy becomes root with sudo only (su needs a terminal kremedy does not drive)`);
    }
  }

  // A local connection would run the playbook on this machine. kremedy has no local connector:
  // it refuses the host (never falls back to SSH to 127.0.0.1, which could reset the controller).
  const conn = typeof connection === 'string' ? connection : 'ssh';
  if (connection !== undefined) host.connection = conn;
  if (conn === 'local' || conn === 'ansible.builtin.local') {
    refusals.push(
      `${origins_.connection}: ansible_connection=local would run on this machine; kremedy only works on hosts over SSH ` +
        `and has no local mode (there is no --allow-local): leave this host out of the pattern (e.g. --hosts 'all:!${name}')`,
    );
  } else if (!SSH_CONNECTIONS.has(conn)) {
    refusals.push(`${origins_.connection}: ansible_connection=${conn} is not supported: kremedy connects over SSH only (ssh, paramiko, smart)`);
  }

  const sshArgs: SshArgsSource[] = [];
  for (const [field, vars_, opt] of [['sshArgs', ['ansible_ssh_args'], 'ssh_args'], ['sshCommonArgs', ['ansible_ssh_common_args'], 'ssh_common_args'], ['sshExtraArgs', ['ansible_ssh_extra_args'], 'ssh_extra_args']] as const) {
    const v = setting(field, [...vars_], opt);
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') refusals.push(`${origins_[field]}: expected a string of ssh options, got ${show(v)}`);
    else sshArgs.push({ option: opt, text: v, origin: origins_[field]! });
  }
  if (sshArgs.length) host.sshArgs = sshArgs;
  if (refusals.length) host.refused = refusals;
  return host;
}

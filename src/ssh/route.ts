// Where to connect for an inventory host, and through which jump hosts: the inventory's
// connection variables, ansible_ssh_common_args / ansible_ssh_extra_args and ssh_config,
// combined as Ansible's ssh connection and OpenSSH combine them.
//
// Ansible runs `ssh [-o Port=ansible_port] [-o User=ansible_user] [-o IdentityFile=key]
// COMMON_ARGS EXTRA_ARGS ansible_host`; ssh takes the FIRST value of each setting, command
// line before config file. So: inventory variables win, then the args, then ssh_config; the
// config is looked up under ansible_host (or the inventory name) and its HostName applies.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Host } from '../inventory/types.js';
import { SshConfig, type HostSettings } from './config.js';
import { parseSshArgs, shlexSplit, type SshOption } from './ssh-args.js';

/** One SSH server to log into. */
export interface Endpoint {
  /** The name it was asked for (inventory name, or the jump host as written): for messages. */
  label: string;
  address: string;
  port: number;
  user: string;
  keyFile?: string;
}

export interface Route {
  target: Endpoint;
  /** Jump hosts in connection order: jumps[0] is reached directly, the target through the last. */
  jumps: Endpoint[];
  /** Things the user should know (settings not honoured), deduplicated by the caller. */
  warnings: string[];
}

export interface RouteContext {
  /** The ssh_config in effect (-F FILE, ~/.ssh/config), or none (-F none, or no file). */
  config: SshConfig | undefined;
  /** Loads a config named by `-F` inside ansible_ssh_*_args (cached by the caller). */
  loadConfig: (file: string) => SshConfig;
}

const MAX_JUMP_DEPTH = 10;
const HOST_VAR_NAMES = { port: ['ansible_port', 'ansible_ssh_port'], user: ['ansible_user', 'ansible_ssh_user'] };
const ARGS_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'];

export function resolveRoute(host: Host, ctx: RouteContext): Route {
  const warnings: string[] = [];
  // Ansible's ssh command line: ssh_args, then -o Port / -o User when set (inventory variable,
  // ANSIBLE_REMOTE_PORT/USER, ansible.cfg), then ssh_common_args and ssh_extra_args. Hosts
  // built by hand (tests, jump hosts) carry their args in vars.
  const cmdline: SshOption[] = [];
  const explicit = (field: 'port' | 'user', names: string[]) =>
    host.origins ? host.origins[field] !== undefined && !host.origins[field]!.startsWith('default') : names.some((n) => host.vars[n] !== undefined);
  const sources = host.sshArgs ?? ARGS_VARS.flatMap((v) => (host.vars[v] === undefined || host.vars[v] === null ? [] : [{ option: v === ARGS_VARS[0] ? 'ssh_common_args' : 'ssh_extra_args', text: host.vars[v] as string, origin: v }]));
  let config = ctx.config;
  const addArgs = (src: { option: string; text: unknown; origin: string }) => {
    const text = src.text;
    if (text === '') return;
    // Args from ansible.cfg or the environment are the same for every host: one warning for all of them.
    const shared = src.origin.startsWith('environment variable') || src.origin.includes(' [ssh_connection] ');
    const what = shared ? `${src.option} (${src.origin})` : `${src.origin.includes(' ') ? `${src.option} (${src.origin})` : src.origin} of host ${host.name}`;
    if (typeof text !== 'string') throw new InputError(`${what}: expected a string of ssh options, got ${JSON.stringify(text)}`);
    let words: string[];
    try {
      words = shlexSplit(text);
    } catch (err) {
      throw new InputError(`${what}: ${(err as Error).message}`);
    }
    const parsed = parseSshArgs(words, what);
    cmdline.push(...parsed.options);
    warnings.push(...parsed.warnings);
    if (parsed.configFile !== undefined) config = parsed.configFile === 'none' ? undefined : ctx.loadConfig(expandHome(parsed.configFile));
  };
  for (const src of sources.filter((s) => s.option === 'ssh_args')) addArgs(src);
  if (explicit('port', HOST_VAR_NAMES.port)) cmdline.push({ key: 'port', value: String(host.port) });
  if (explicit('user', HOST_VAR_NAMES.user)) cmdline.push({ key: 'user', value: host.user });
  for (const src of sources.filter((s) => s.option !== 'ssh_args')) addArgs(src);
  const resolved = resolveEndpoint(host.address, host.name, cmdline, { config, ctx, defaultUser: host.user, fallbackKey: host.privateKeyFile, depth: 0, warnings });
  // The inventory's key is used as given (an unreadable one is bad input, found up front).
  if (host.privateKeyFile) resolved.target.keyFile = host.privateKeyFile;
  return { ...resolved, warnings };
}

interface Scope {
  config: SshConfig | undefined;
  ctx: RouteContext;
  defaultUser: string;
  /** The key a jump host is tried with when its config names none: the target's inventory key. */
  fallbackKey: string | undefined;
  depth: number;
  warnings: string[];
}

/** The endpoint for `alias` with command-line settings `cmdline`, and the jumps in front of it. */
function resolveEndpoint(alias: string, label: string, cmdline: readonly SshOption[], scope: Scope): { target: Endpoint; jumps: Endpoint[] } {
  if (scope.depth > MAX_JUMP_DEPTH) throw new InputError(`${label}: more than ${MAX_JUMP_DEPTH} nested jump hosts (a ProxyJump loop in the ssh config?)`);
  const fromConfig: HostSettings = scope.config?.lookup(alias) ?? { values: {}, identityFiles: [], warnings: [] };
  scope.warnings.push(...fromConfig.warnings);
  // The first value of any of `keys` (ProxyJump and ProxyCommand compete for one slot, as in ssh).
  const first = (...keys: string[]): { key: string; value: string; where: string } | undefined => {
    const c = cmdline.find((o) => keys.includes(o.key));
    if (c) return { key: c.key, value: c.value, where: `the ssh options of ${label}` };
    for (const key of keys) {
      const v = fromConfig.values[key as keyof HostSettings['values']];
      if (v) return { key, value: v.value, where: `${v.file}:${v.line}` };
    }
    return undefined;
  };
  const hostName = first('hostname');
  const address = hostName ? expandTokens(hostName.value, { h: alias, n: alias }, `HostName (${hostName.where})`) : alias;
  const portText = first('port');
  const port = portText === undefined ? 22 : Number(portText.value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${label}: bad Port "${portText!.value}" (${portText!.where})`);
  const user = first('user')?.value ?? scope.defaultUser;
  const tokens = { h: address, n: alias, p: String(port), r: user };
  const identities = [
    ...cmdline.filter((o) => o.key === 'identityfile').map((o) => ({ value: o.value, where: `the ssh options of ${label}` })),
    ...fromConfig.identityFiles.map((i) => ({ value: i.value, where: `${i.file}:${i.line}` })),
  ].map((i) => expandHome(expandTokens(i.value, tokens, `IdentityFile (${i.where})`)));
  // ssh skips identity files that do not exist; so does kremedy.
  const keyFile = identities.find((f) => existsSync(f)) ?? scope.fallbackKey;
  const target: Endpoint = { label, address, port, user, ...(keyFile ? { keyFile } : {}) };

  const proxy = first('proxyjump', 'proxycommand');
  let jumps: Endpoint[] = [];
  if (proxy && proxy.value.toLowerCase() !== 'none') {
    jumps = proxy.key === 'proxycommand' ? proxyCommandJumps(proxy.value, label, proxy.where, tokens, scope) : proxyJumpChain(proxy.value, label, scope);
  }
  return { target, jumps };
}

/** `ProxyJump a,b,c`: c is the last hop before the target, reached through b, reached through a. */
function proxyJumpChain(spec: string, label: string, scope: Scope): Endpoint[] {
  const hops = spec.split(',').map((s) => s.trim());
  if (hops.some((h) => h === '')) throw new InputError(`${label}: bad ProxyJump "${spec}"`);
  const last = parseJumpSpec(hops.pop()!, label);
  const cmdline: SshOption[] = [];
  if (last.user) cmdline.push({ key: 'user', value: last.user });
  if (last.port) cmdline.push({ key: 'port', value: String(last.port) });
  // The remaining hops replace the last hop's own ProxyJump, as `ssh -J` does.
  if (hops.length) cmdline.push({ key: 'proxyjump', value: hops.join(',') });
  return hopChain(last.host, cmdline, scope);
}

function hopChain(alias: string, cmdline: SshOption[], scope: Scope): Endpoint[] {
  // A jump host is an ssh destination of its own: its own config, the local user by default (as ssh).
  const hop = resolveEndpoint(alias, alias, cmdline, { ...scope, defaultUser: localUser(), depth: scope.depth + 1 });
  return [...hop.jumps, hop.target];
}

/** `[user@]host[:port]`, `[user@][v6addr]:port`, or `ssh://[user@]host[:port]`. */
export function parseJumpSpec(spec: string, label: string): { user?: string; host: string; port?: number } {
  const s = spec.replace(/^ssh:\/\//, '');
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at) : undefined;
  const rest = at >= 0 ? s.slice(at + 1) : s;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:\[\]]+)(?::(\d+))?$/.exec(rest);
  if (!m || user === '') throw new InputError(`${label}: bad jump host "${spec}" (want [user@]host[:port])`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new InputError(`${label}: bad port in jump host "${spec}"`);
  return { host: m[1]!, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}

/**
 * A ProxyCommand cannot be run by kremedy (it speaks SSH itself, with ssh2), but the common
 * `ssh -W %h:%p [-q] [opts] [user@]bastion` is exactly a jump host: that one is translated.
 */
function proxyCommandJumps(command: string, label: string, where: string, tokens: Record<string, string>, scope: Scope): Endpoint[] {
  const refuse = (why: string): never => {
    throw new InputError(
      `host ${label}: ProxyCommand "${command}" (${where}) is not supported: ${why}. ` +
        `kremedy understands "ssh -W %h:%p [user@]bastion [-p PORT] [-i KEY]" or ProxyJump`,
    );
  };
  let words: string[];
  try {
    words = shlexSplit(command);
  } catch (err) {
    return refuse((err as Error).message);
  }
  if (words.length === 0 || path.basename(words[0]!) !== 'ssh') return refuse('it does not run ssh');
  let parsed: ReturnType<typeof parseSshArgs>;
  try {
    parsed = parseSshArgs(words.slice(1), `ProxyCommand of host ${label}`, 'proxy-command');
  } catch (err) {
    // e.g. `ssh bastion nc %h %p`: a remote command, not a forwarding kremedy can do itself.
    return refuse((err as Error).message.replace(/^ProxyCommand of host [^:]*: /, ''));
  }
  scope.warnings.push(...parsed.warnings);
  if (!parsed.stdioForward || !/^\[?%h\]?:%p$/.test(parsed.stdioForward)) return refuse('it does not forward to %h:%p with -W');
  if (!parsed.destination) return refuse('it names no host to connect to');
  const dest = parseJumpSpec(expandTokens(parsed.destination, tokens, `ProxyCommand (${where})`), label);
  const cmdline: SshOption[] = [];
  if (dest.user) cmdline.push({ key: 'user', value: dest.user });
  if (dest.port) cmdline.push({ key: 'port', value: String(dest.port) });
  cmdline.push(...parsed.options);
  const config = parsed.configFile === undefined ? scope.config : parsed.configFile === 'none' || parsed.configFile === '/dev/null' ? undefined : scope.ctx.loadConfig(expandHome(parsed.configFile));
  return hopChain(dest.host, cmdline, { ...scope, config });
}

/** ssh_config %-tokens: %% %h %n %p %r, and %d (home), %u (local user), %i (uid), %l (local host name). */
export function expandTokens(text: string, tokens: Record<string, string>, what: string): string {
  const all: Record<string, string> = { '%': '%', d: os.homedir(), u: localUser(), i: String(process.getuid?.() ?? ''), l: os.hostname(), ...tokens };
  return text.replace(/%(.)?/g, (_, t: string | undefined) => {
    const v = t === undefined ? undefined : all[t];
    if (v === undefined) throw new InputError(`${what}: unknown or unsupported token %${t ?? ''} in "${text}"`);
    return v;
  });
}

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env['USER'] ?? 'root';
  }
}

import path from 'node:path';
import { InputError } from '../errors.js';
import { assertSafeName } from '../shell/quote.js';
import type {
  Condition, GateCheck, IpFamily, IptablesTable, ParamSpec, ReachScope, ParamSpecs, ParamValues, Playbook, Task, TaskContext,
} from './types.js';
import { IPTABLES_TABLES } from './types.js';

// Builders validate at construction, so a bad name from a parameter is refused before any host
// is touched, and every value that reaches a shell is known to be a plain name or gets quoted.
// Link and chain names follow the one rule for names in remote commands (shell/quote.ts
// SAFE_NAME_RULES: no leading "-", which a tool would read as an option).
const GLOB = /^[A-Za-z0-9_.*?-]{1,128}$/;
const BUILTIN_CHAINS: Record<IptablesTable, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

function assertTable(table: string): asserts table is IptablesTable {
  if (!(IPTABLES_TABLES as readonly string[]).includes(table)) throw new InputError(`unknown iptables table "${table}"`);
}

export function assertAbsolutePath(p: string): void {
  if (!p.startsWith('/') || p.includes('\0') || p.includes('\n') || path.posix.normalize(p) !== p || p === '/') {
    throw new InputError(`path must be absolute and normalised (and not /): ${JSON.stringify(p)}`);
  }
}

export function when<P extends ParamValues>(describe: string, test: (ctx: TaskContext<P>) => boolean): Condition<P> {
  return { describe, test };
}

/** Options of the iptables builders beyond `when`: they end up in the spec (plan files record them). */
export interface IptablesOptions {
  /** ip6tables instead of iptables (default ipv4). */
  family?: IpFamily;
  /** Act only where Kubernetes or CNI state is found (see src/ops/kube-scope.ts). */
  scope?: ReachScope;
}

function iptablesSpecOptions(opts: IptablesOptions & { exceptDocker?: boolean }): IptablesOptions & { exceptDocker?: boolean } {
  // Only the keys given: specs of existing playbooks (and their plan files) stay byte for byte the same.
  return {
    ...(opts.family && opts.family !== 'ipv4' ? { family: opts.family } : {}),
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.exceptDocker ? { exceptDocker: true } : {}),
  };
}
const familyWord = (f?: IpFamily) => (f === 'ipv6' ? 'ip6tables' : 'iptables');

export const iptables = {
  /** Flush every rule and delete every user chain of a table (iptables -F; iptables -X). */
  flush<P extends ParamValues>(table: IptablesTable, opts: { when?: Condition<P>; exceptDocker?: boolean } & IptablesOptions = {}): Task<P> {
    assertTable(table);
    const { when: cond, ...rest } = opts;
    return {
      title: `flush ${familyWord(rest.family)} ${table} table and delete its user chains`,
      spec: { kind: 'iptables-flush', table, ...iptablesSpecOptions(rest) },
      ...(cond ? { when: cond } : {}),
    };
  },
  /** Set the policy of built-in chains. */
  policy<P extends ParamValues>(
    table: IptablesTable,
    chains: readonly string[] | 'all',
    policy: 'ACCEPT' | 'DROP',
    opts: { when?: Condition<P> } & IptablesOptions = {},
  ): Task<P> {
    assertTable(table);
    const { when: cond, ...rest } = opts;
    const list = chains === 'all' ? [...BUILTIN_CHAINS[table]] : [...chains];
    for (const c of list) {
      if (!BUILTIN_CHAINS[table].includes(c)) {
        throw new InputError(`"${c}" is not a built-in chain of the ${table} table`);
      }
    }
    return {
      title: `${familyWord(rest.family)} ${table}: policy ${policy} on ${list.join(', ')}`,
      spec: { kind: 'iptables-policy', table, chains: list, policy, ...iptablesSpecOptions(rest) },
      ...(cond ? { when: cond } : {}),
    };
  },
  /** A user chain that holds an unconditional DROP goes back to a single RETURN rule. */
  chainReturn<P extends ParamValues>(table: IptablesTable, chain: string, opts: { when?: Condition<P> } = {}): Task<P> {
    assertTable(table);
    assertSafeName('chain', chain);
    if (BUILTIN_CHAINS[table].includes(chain)) throw new InputError(`"${chain}" is not a user chain name`);
    return { title: `iptables ${table}: ${chain} returns instead of dropping`, spec: { kind: 'iptables-chain-return', table, chain }, ...opts };
  },
};

export const link = {
  /** Make sure a network link does not exist (deleted, its settings and addresses backed up first). */
  absent<P extends ParamValues>(name: string, opts: { when?: Condition<P> } = {}): Task<P> {
    assertSafeName('link', name);
    return { title: `link ${name} absent`, spec: { kind: 'link-absent', name }, ...opts };
  },
  /** No link whose name matches `glob` (a prefix and `*`, e.g. kube-router's `tun-*`). */
  matchingAbsent<P extends ParamValues>(glob: string, opts: { when?: Condition<P> } = {}): Task<P> {
    if (!/^(?!-)[A-Za-z0-9_.-]{1,14}[*?]?$/.test(glob) || !/[A-Za-z0-9]/.test(glob)) throw new InputError(`invalid link glob ${JSON.stringify(glob)} (a name prefix, then * )`);
    return { title: `links ${glob} absent`, spec: { kind: 'link-glob-absent', glob }, ...opts };
  },
};

/** State of a node that iptables does not hold: routes, ipsets, IPVS, running components. */
export const node = {
  /** No route of routing protocol `proto` (kube-router's BGP routes: zebra). */
  routesAbsent<P extends ParamValues>(proto: string, opts: { when?: Condition<P> } = {}): Task<P> {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(proto)) throw new InputError(`invalid route protocol ${JSON.stringify(proto)}`);
    return { title: `proto ${proto} routes absent`, spec: { kind: 'routes-absent', proto }, ...opts };
  },
  /** No ipset whose name matches one of `globs` (destroy after the flush that unreferences them). */
  ipsetsAbsent<P extends ParamValues>(globs: string[], opts: { when?: Condition<P> } = {}): Task<P> {
    for (const g of globs) if (!/^[A-Za-z0-9_.-]{1,30}\*?$/.test(g)) throw new InputError(`invalid ipset glob ${JSON.stringify(g)}`);
    if (globs.length === 0) throw new InputError('ipsetsAbsent: give at least one glob');
    return { title: `ipsets ${globs.join(' ')} absent`, spec: { kind: 'ipsets-absent', globs: [...globs] }, ...opts };
  },
  /** No IPVS virtual server (ipvsadm -C, saved with ipvsadm -Sn first). */
  ipvsCleared<P extends ParamValues>(opts: { when?: Condition<P>; scope?: ReachScope } = {}): Task<P> {
    const { when: cond, scope } = opts;
    return { title: 'no IPVS virtual servers', spec: { kind: 'ipvs-cleared', ...(scope ? { scope } : {}) }, ...(cond ? { when: cond } : {}) };
  },
  /** No kubelet / kube-proxy / flanneld / kube-router running: refuse the host, or (stop) stop and disable them. */
  kubeStopped<P extends ParamValues>(stop: boolean, opts: { when?: Condition<P> } = {}): Task<P> {
    return {
      title: stop ? 'kubelet and the node units stopped and disabled' : 'no Kubernetes component running (kubelet, node units, k8s_ containers, CRI pods)',
      spec: { kind: 'kube-stopped', stop },
      ...opts,
    };
  },
  /** Docker restarted when a flush took its chains (or they are missing), so that it makes them again. */
  dockerChains<P extends ParamValues>(tables: IptablesTable[], opts: { when?: Condition<P> } = {}): Task<P> {
    for (const t of tables) assertTable(t);
    return { title: `Docker's chains in ${tables.join(', ')} (restart docker after the flush)`, spec: { kind: 'docker-chains', tables: [...tables] }, ...opts };
  },
};

export const files = {
  /** Make sure a file or directory does not exist; it is moved into the run's backup. */
  absent<P extends ParamValues>(p: string, opts: { when?: Condition<P> } = {}): Task<P> {
    assertAbsolutePath(p);
    return { title: `${p} absent`, spec: { kind: 'path-absent', path: p }, ...opts };
  },
  /** Make sure nothing in `dir` matches `glob` (except names in `keep`). */
  matchingAbsent<P extends ParamValues>(dir: string, glob: string, opts: { when?: Condition<P>; keep?: string[] } = {}): Task<P> {
    assertAbsolutePath(dir);
    if (!GLOB.test(glob)) throw new InputError(`invalid glob ${JSON.stringify(glob)} (letters, digits, _ . - * ? only)`);
    const { keep, ...rest } = opts;
    return {
      title: `${dir}/${glob} absent`,
      spec: { kind: 'glob-absent', dir, glob, ...(keep ? { keep } : {}) },
      ...rest,
    };
  },
  /**
   * Make sure a regular file exists: with exactly `content`, or (with `valid` + `generator`)
   * with a line matching `valid`, generated on the host when missing. Written atomically.
   */
  present<P extends ParamValues>(
    p: string,
    opts: { mode?: string; content?: string; valid?: string; generator?: string; preview?: string; daemonReload?: boolean; when?: Condition<P>; title?: string },
  ): Task<P> {
    assertAbsolutePath(p);
    const { when: cond, title, mode = '0644', ...rest } = opts;
    if (!/^0?[0-7]{3}$/.test(mode)) throw new InputError(`invalid file mode ${JSON.stringify(mode)}`);
    if (rest.content === undefined && (rest.valid === undefined || rest.generator === undefined)) {
      throw new InputError(`files.present(${p}): give content, or valid and generator`);
    }
    if (rest.valid !== undefined) new RegExp(rest.valid); // a bad pattern fails here, not on a host
    return { title: title ?? `${p} present`, spec: { kind: 'file-present', path: p, mode, ...rest }, ...(cond ? { when: cond } : {}) };
  },
};

/** A package name as apt and dnf accept it; the YAML form's schema uses the same rule. */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+._-]{0,127}$/;
const UNIT_NAME = /^[A-Za-z0-9:_.@-]{1,200}\.(service|socket|timer|target|mount|path)$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const OCTET = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
/** A dotted-quad IPv4 address, nothing else (no leading zeros, no CIDR): for parameters and pins. */
export const IPV4_ADDRESS = new RegExp(String.raw`^${OCTET}(\.${OCTET}){3}$`);
/** The same, with an optional `:PORT` (a DNS server to ask). */
export const IPV4_ADDRESS_PORT = new RegExp(String.raw`^${OCTET}(\.${OCTET}){3}(:\d{1,5})?$`);

export const packages = {
  /** Make sure a package is installed: apt-get on the debian family, dnf/yum on the rhel family. */
  present<P extends ParamValues>(names: { debian: string; rhel: string }, opts: { when?: Condition<P> } = {}): Task<P> {
    for (const n of [names.debian, names.rhel]) if (!PACKAGE_NAME.test(n)) throw new InputError(`invalid package name ${JSON.stringify(n)}`);
    const title = names.debian === names.rhel ? `package ${names.debian} installed` : `package ${names.debian} / ${names.rhel} installed`;
    return { title, spec: { kind: 'package-present', packages: { ...names } }, ...opts };
  },
};

export const services = {
  /** A systemd unit enabled and running; when it cannot start, the step fails with its journal. */
  running<P extends ParamValues>(unit: string, opts: { when?: Condition<P> } = {}): Task<P> {
    if (!UNIT_NAME.test(unit)) throw new InputError(`invalid systemd unit name ${JSON.stringify(unit)}`);
    return { title: `${unit} enabled and active`, spec: { kind: 'service', unit, active: true }, ...opts };
  },
  /** A systemd unit enabled (started at boot), not started now. */
  enabled<P extends ParamValues>(unit: string, opts: { when?: Condition<P> } = {}): Task<P> {
    if (!UNIT_NAME.test(unit)) throw new InputError(`invalid systemd unit name ${JSON.stringify(unit)}`);
    return { title: `${unit} enabled`, spec: { kind: 'service', unit, active: false }, ...opts };
  },
};

export const hosts = {
  /**
   * A kremedy-managed block of `IP NAME` lines in /etc/hosts (state absent removes only the
   * block). Names and addresses are validated here, so the block can hold nothing else.
   */
  block<P extends ParamValues>(marker: string, pins: Record<string, string>, state: 'present' | 'absent', opts: { when?: Condition<P>; path?: string } = {}): Task<P> {
    if (!/^[A-Za-z0-9 _.-]{1,64}$/.test(marker)) throw new InputError(`invalid block marker ${JSON.stringify(marker)}`);
    const path = opts.path ?? '/etc/hosts';
    assertAbsolutePath(path);
    const lines = Object.entries(pins)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, ip]) => {
        if (!HOSTNAME.test(name)) throw new InputError(`invalid host name ${JSON.stringify(name)}`);
        if (!IPV4_ADDRESS.test(ip)) throw new InputError(`invalid IPv4 address ${JSON.stringify(ip)} for ${name}`);
        return `${ip} ${name}`;
      });
    if (state === 'present' && lines.length === 0) throw new InputError('nothing to pin: the block would be empty');
    return {
      title: state === 'present' ? `${path}: ${marker} block pins ${Object.keys(pins).sort().join(', ')}` : `${path}: no ${marker} block`,
      spec: { kind: 'hosts-block', path, marker, lines, state },
      ...(opts.when ? { when: opts.when } : {}),
    };
  },
};

export const sysfs = {
  /** A kernel setting under /sys with this value selected (`always madvise [never]`). */
  value<P extends ParamValues>(p: string, value: string, opts: { when?: Condition<P> } = {}): Task<P> {
    assertAbsolutePath(p);
    if (!p.startsWith('/sys/') || !/^[A-Za-z0-9_./-]+$/.test(p)) throw new InputError(`not a /sys path: ${JSON.stringify(p)}`);
    if (!/^[A-Za-z0-9_.+-]{1,64}$/.test(value)) throw new InputError(`invalid sysfs value ${JSON.stringify(value)}`);
    return { title: `${p} = ${value}`, spec: { kind: 'sysfs-value', path: p, value }, ...opts };
  },
};

/** A task that fails the host, before anything changes there, when `check` refuses it. */
export function gate<P extends ParamValues>(title: string, id: string, check: GateCheck<P>, opts: { when?: Condition<P> } = {}): Task<P> {
  return { title, spec: { kind: 'gate', id }, gate: check, ...opts };
}

/** A task that only reports something the operator should know (always ok). */
export function note<P extends ParamValues>(title: string, id: string, message: (ctx: TaskContext<P>) => string, opts: { when?: Condition<P> } = {}): Task<P> {
  return { title, spec: { kind: 'note', id }, note: message, ...opts };
}

// Each builder returns its own spec type, so ParamValuesOf<typeof PARAMS> knows every value's type.
export const param = {
  enum<const V extends readonly string[]>(values: V, def: V[number], description: string): { type: 'enum'; values: V; default: V[number]; description: string } {
    return { type: 'enum', values, default: def, description };
  },
  string<O extends { default?: string; pattern?: RegExp; required?: boolean } = {}>(description: string, opts: O = {} as O): { type: 'string'; description: string } & O {
    return { type: 'string', description, ...opts };
  },
  number<O extends { default?: number; min?: number; max?: number } = {}>(description: string, opts: O = {} as O): { type: 'number'; description: string } & O {
    return { type: 'number', description, ...opts };
  },
  boolean(description: string, def: boolean): { type: 'boolean'; description: string; default: boolean } {
    return { type: 'boolean', description, default: def };
  },
  map(description: string, opts: { default?: Record<string, string>; keyPattern?: RegExp; valuePattern?: RegExp } = {}): { type: 'map'; description: string } & typeof opts {
    return { type: 'map', description, ...opts };
  },
  list(description: string, opts: { default?: string[]; itemPattern?: RegExp } = {}): { type: 'list'; description: string } & typeof opts {
    return { type: 'list', description, ...opts };
  },
} satisfies Record<string, (...args: never[]) => ParamSpec>;

export function playbook<P extends ParamValues>(def: {
  name: string;
  description: string;
  source?: string;
  params?: ParamSpecs;
  prepare?(params: P): Promise<P>;
  tasks(params: P): Task<P>[];
}): Playbook<P> {
  return { params: {}, ...def };
}

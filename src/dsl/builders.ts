import path from 'node:path';
import { InputError } from '../errors.js';
import type {
  Condition, GateCheck, IptablesTable, ParamSpec, ParamSpecs, ParamValues, Playbook, Task, TaskContext,
} from './types.js';
import { IPTABLES_TABLES } from './types.js';

// Builders validate at construction, so a bad name from a parameter is refused before any host
// is touched, and every value that reaches a shell is known to be a plain name or gets quoted.

const LINK_NAME = /^[A-Za-z0-9_.:@-]{1,15}$/; // IFNAMSIZ is 16 including the NUL
const CHAIN_NAME = /^[A-Za-z0-9_.-]{1,28}$/;
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

export const iptables = {
  /** Flush every rule and delete every user chain of a table (iptables -F; iptables -X). */
  flush<P extends ParamValues>(table: IptablesTable, opts: { when?: Condition<P> } = {}): Task<P> {
    assertTable(table);
    return { title: `flush iptables ${table} table and delete its user chains`, spec: { kind: 'iptables-flush', table }, ...opts };
  },
  /** Set the policy of built-in chains. */
  policy<P extends ParamValues>(
    table: IptablesTable,
    chains: readonly string[] | 'all',
    policy: 'ACCEPT' | 'DROP',
    opts: { when?: Condition<P> } = {},
  ): Task<P> {
    assertTable(table);
    const list = chains === 'all' ? [...BUILTIN_CHAINS[table]] : [...chains];
    for (const c of list) {
      if (!CHAIN_NAME.test(c) || !BUILTIN_CHAINS[table].includes(c)) {
        throw new InputError(`"${c}" is not a built-in chain of the ${table} table`);
      }
    }
    return {
      title: `iptables ${table}: policy ${policy} on ${list.join(', ')}`,
      spec: { kind: 'iptables-policy', table, chains: list, policy },
      ...opts,
    };
  },
};

export const link = {
  /** Make sure a network link does not exist (down first, then delete). */
  absent<P extends ParamValues>(name: string, opts: { when?: Condition<P> } = {}): Task<P> {
    if (!LINK_NAME.test(name)) throw new InputError(`invalid link name ${JSON.stringify(name)}`);
    return { title: `link ${name} absent`, spec: { kind: 'link-absent', name }, ...opts };
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
};

/** A task that fails the host, before anything changes there, when `check` refuses it. */
export function gate<P extends ParamValues>(title: string, id: string, check: GateCheck<P>, opts: { when?: Condition<P> } = {}): Task<P> {
  return { title, spec: { kind: 'gate', id }, gate: check, ...opts };
}

/** A task that only reports something the operator should know (always ok). */
export function note<P extends ParamValues>(title: string, id: string, message: (ctx: TaskContext<P>) => string, opts: { when?: Condition<P> } = {}): Task<P> {
  return { title, spec: { kind: 'note', id }, note: message, ...opts };
}

export const param = {
  enum<const V extends readonly string[]>(values: V, def: V[number], description: string): ParamSpec {
    return { type: 'enum', values, default: def, description };
  },
  string(description: string, opts: { default?: string; pattern?: RegExp; required?: boolean } = {}): ParamSpec {
    return { type: 'string', description, ...opts };
  },
  number(description: string, opts: { default?: number; min?: number; max?: number } = {}): ParamSpec {
    return { type: 'number', description, ...opts };
  },
  boolean(description: string, def: boolean): ParamSpec {
    return { type: 'boolean', description, default: def };
  },
  map(description: string, opts: { default?: Record<string, string>; keyPattern?: RegExp; valuePattern?: RegExp } = {}): ParamSpec {
    return { type: 'map', description, ...opts };
  },
  list(description: string, opts: { default?: string[]; itemPattern?: RegExp } = {}): ParamSpec {
    return { type: 'list', description, ...opts };
  },
};

export function playbook<P extends ParamValues>(def: {
  name: string;
  description: string;
  source?: string;
  params?: ParamSpecs;
  tasks(params: P): Task<P>[];
}): Playbook<P> {
  return { params: {}, ...def };
}

import type { ParamSpec, ParamSpecs, ParamValues, Playbook, Task, TaskContext, Condition } from './types.js';
import { dockerChains } from './kinds/docker-chains.js';
import { fileContents } from './kinds/file.js';
import { ipsetsAbsent } from './kinds/ipset.js';
import { iptablesChains } from './kinds/iptables-chain.js';
import { iptablesTables } from './kinds/iptables.js';
import { ipvsCleared } from './kinds/ipvs.js';
import { kubeStopped } from './kinds/kube-stopped.js';
import { links } from './kinds/link.js';
import { paths } from './kinds/path.js';
import { routesAbsent } from './kinds/routes.js';

// The public builder namespaces. Each builder lives with its kind (dsl/kinds/), beside its YAML
// form and description; a namespace gathers the builders an author looks for together.
export { gate, note } from './kinds/gate.js';
export { hosts } from './kinds/hosts-block.js';
export { packages, PACKAGE_NAME } from './kinds/package.js';
export { services } from './kinds/service.js';
export { sysfs } from './kinds/sysfs.js';
export { assertAbsolutePath, IPV4_ADDRESS, IPV4_ADDRESS_PORT } from './kinds/rules.js';
export type { IptablesOptions } from './kinds/iptables.js';

export const iptables = { ...iptablesTables, ...iptablesChains };
export const link = links;
export const files = { ...paths, ...fileContents };
/** State of a node that iptables does not hold: routes, ipsets, IPVS, running components. */
export const node = { routesAbsent, ipsetsAbsent, ipvsCleared, kubeStopped, dockerChains };

export function when<P extends ParamValues>(describe: string, test: (ctx: TaskContext<P>) => boolean): Condition<P> {
  return { describe, test };
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

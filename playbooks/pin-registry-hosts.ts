import { Resolver } from 'node:dns/promises';
import { hosts, InputError, IPV4_ADDRESS, IPV4_ADDRESS_PORT, param, playbook } from '../src/index.js';

export const REGISTRY_NAMES = ['registry-1.docker.io', 'auth.docker.io'] as const;
export const MARKER = 'kremedy pin-registry-hosts';

interface Params extends Record<string, unknown> {
  pins?: Record<string, string>;
  resolver: string;
  state: 'present' | 'absent';
  timeout: number;
}

/**
 * Ask `resolver` (not the local stub, which is what is broken on the node) for each name's A
 * records, from the machine running kremedy. Of several addresses the numerically lowest is
 * pinned, so two runs against the same record set pin the same address (no spurious change).
 */
export async function resolvePins(names: readonly string[], resolver: string, timeoutMs: number): Promise<Record<string, string>> {
  const r = new Resolver({ timeout: timeoutMs, tries: 2 });
  r.setServers([resolver]);
  const out: Record<string, string> = {};
  for (const name of names) {
    let addrs: string[];
    try {
      addrs = await r.resolve4(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new InputError(
        `cannot resolve ${name} with DNS server ${resolver} from this machine (${code}); ` +
          `pass the addresses yourself: -e pins=${names.map((n) => `${n}=IP`).join(',')} (or -e resolver=ANOTHER_SERVER)`,
      );
    }
    const sorted = [...addrs].sort((a, b) => a.split('.').map(Number).reduce((d, x, i) => d || x - Number(b.split('.')[i]), 0));
    if (!sorted[0]) throw new InputError(`DNS server ${resolver} returned no A record for ${name}; pass -e pins=${name}=IP`);
    out[name] = sorted[0];
  }
  return out;
}

export default playbook<Params>({
  name: 'pin-registry-hosts',
  description:
    'Pin registry-1.docker.io and auth.docker.io (or -e pins=NAME=IP,...) in a kremedy-managed /etc/hosts block when node DNS fails; -e state=absent removes only that block.',
  source: 'docker pull镜像报错timeout',
  params: {
    pins: param.map('host name → IPv4 address to pin; default: resolve registry-1.docker.io and auth.docker.io via -e resolver from this machine', {
      keyPattern: /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/,
      valuePattern: IPV4_ADDRESS,
    }),
    resolver: param.string('DNS server (IPv4[:port]) used to resolve the registry names when -e pins is not given', { default: '8.8.8.8', pattern: IPV4_ADDRESS_PORT }),
    timeout: param.number('seconds to wait for the resolver', { default: 5, min: 1, max: 60 }),
    state: param.enum(['present', 'absent'], 'present', 'present pins the names; absent removes the managed block'),
  },
  async prepare(p) {
    if (p.state === 'absent' || p.pins !== undefined) return p;
    return { ...p, pins: await resolvePins(REGISTRY_NAMES, p.resolver, p.timeout * 1000) };
  },
  tasks: (p) => [hosts.block(MARKER, p.state === 'present' ? (p.pins ?? {}) : {}, p.state)],
});

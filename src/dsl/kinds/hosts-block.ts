import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { absPathSchema, form } from './form.js';
import { assertAbsolutePath, IPV4_ADDRESS } from './rules.js';

export type HostsBlockSpec = { kind: 'hosts-block'; path: string; marker: string; lines: string[]; state: 'present' | 'absent' };

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MARKER = /^[A-Za-z0-9 _.-]{1,64}$/;

export const hosts = {
  /**
   * A kremedy-managed block of `IP NAME` lines in /etc/hosts (state absent removes only the
   * block). Names and addresses are validated here, so the block can hold nothing else.
   */
  block<P extends ParamValues>(marker: string, pins: Record<string, string>, state: 'present' | 'absent', opts: { when?: Condition<P>; path?: string } = {}): TaskOf<HostsBlockSpec, P> {
    if (!MARKER.test(marker)) throw new InputError(`invalid block marker ${JSON.stringify(marker)}`);
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

export const HOSTS_BLOCK_FORMS = {
  hosts_block: form({
    description: 'A kremedy-managed block of "IP NAME" lines in /etc/hosts (or path); state absent removes only the block, never other lines.',
    builder: 'hosts.block',
    properties: {
      marker: { type: 'string', pattern: MARKER.source, description: 'the block marker (letters, digits, space _ . -)' },
      pins: { type: 'object', additionalProperties: { type: 'string' }, description: 'host name: IPv4 address (required non-empty with state present)' },
      state: { enum: ['present', 'absent'] },
      path: absPathSchema,
    },
    required: ['marker', 'state'],
    build: (a: { marker: string; pins?: Record<string, string>; state: 'present' | 'absent'; path?: string }, o) =>
      hosts.block(a.marker, a.pins ?? {}, a.state, { ...o, ...(a.path !== undefined ? { path: a.path } : {}) }),
  }),
};

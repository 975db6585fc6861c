import { InputError } from '../../errors.js';
import { assertSafeName, safeNameRule } from '../../shell/quote.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { form } from './form.js';

export type LinkSpec =
  | { kind: 'link-absent'; name: string }
  /** Links whose names match a glob (kube-router's `tun-*`). */
  | { kind: 'link-glob-absent'; glob: string };

type Absent = Extract<LinkSpec, { kind: 'link-absent' }>;
type GlobAbsent = Extract<LinkSpec, { kind: 'link-glob-absent' }>;

export const links = {
  /** Make sure a network link does not exist (deleted, which takes it down; its settings and addresses are backed up first). */
  absent<P extends ParamValues>(name: string, opts: { when?: Condition<P> } = {}): TaskOf<Absent, P> {
    assertSafeName('link', name);
    return { title: `link ${name} absent`, spec: { kind: 'link-absent', name }, ...opts };
  },
  /** No link whose name matches `glob` (a prefix and `*`, e.g. kube-router's `tun-*`). */
  matchingAbsent<P extends ParamValues>(glob: string, opts: { when?: Condition<P> } = {}): TaskOf<GlobAbsent, P> {
    if (!/^(?!-)[A-Za-z0-9_.-]{1,14}[*?]?$/.test(glob) || !/[A-Za-z0-9]/.test(glob)) throw new InputError(`invalid link glob ${JSON.stringify(glob)} (a name prefix, then * )`);
    return { title: `links ${glob} absent`, spec: { kind: 'link-glob-absent', glob }, ...opts };
  },
};

export const LINK_FORMS = {
  link_absent: form({
    description: 'Make sure a network link does not exist (deleted, which takes it down; its details are saved to the backup first).',
    builder: 'link.absent',
    properties: { name: { type: 'string', pattern: safeNameRule('link').pattern.source, description: `interface name: ${safeNameRule('link').description}` } },
    required: ['name'],
    build: (a: { name: string }, o) => links.absent(a.name, o),
  }),
};

import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';
import { form } from './form.js';
import { assertAbsolutePath } from './rules.js';

export type SysfsSpec = { kind: 'sysfs-value'; path: string; value: string };

// The schema carries the string: RegExp's source would write the slashes as \/.
const SYSFS_PATH_RULE = '^/sys/[A-Za-z0-9_./-]+$';
const SYSFS_PATH = new RegExp(SYSFS_PATH_RULE);
const VALUE = /^[A-Za-z0-9_.+-]{1,64}$/;

export const sysfs = {
  /** A kernel setting under /sys with this value selected (`always madvise [never]`). */
  value<P extends ParamValues>(p: string, value: string, opts: { when?: Condition<P> } = {}): TaskOf<SysfsSpec, P> {
    assertAbsolutePath(p);
    if (!SYSFS_PATH.test(p)) throw new InputError(`not a /sys path: ${JSON.stringify(p)}`);
    if (!VALUE.test(value)) throw new InputError(`invalid sysfs value ${JSON.stringify(value)}`);
    return { title: `${p} = ${value}`, spec: { kind: 'sysfs-value', path: p, value }, ...opts };
  },
};

export const SYSFS_FORMS = {
  sysfs_value: form({
    description: 'A kernel setting under /sys with this value selected (e.g. transparent_hugepage/enabled = never). Not persistent across reboots by itself.',
    builder: 'sysfs.value',
    properties: {
      path: { type: 'string', pattern: SYSFS_PATH_RULE, description: 'a path under /sys' },
      value: { type: 'string', pattern: VALUE.source, description: 'the value to select (letters, digits, _ . + -)' },
    },
    required: ['path', 'value'],
    build: (a: { path: string; value: string }, o) => sysfs.value(a.path, a.value, o),
  }),
};

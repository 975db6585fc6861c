import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';

/** ipsets whose names match one of the globs, destroyed (after the flush that unreferences them). */
export type IpsetSpec = { kind: 'ipsets-absent'; globs: string[] };

/** No ipset whose name matches one of `globs` (destroy after the flush that unreferences them). */
export function ipsetsAbsent<P extends ParamValues>(globs: string[], opts: { when?: Condition<P> } = {}): TaskOf<IpsetSpec, P> {
  for (const g of globs) if (!/^[A-Za-z0-9_.-]{1,30}\*?$/.test(g)) throw new InputError(`invalid ipset glob ${JSON.stringify(g)}`);
  if (globs.length === 0) throw new InputError('ipsetsAbsent: give at least one glob');
  return { title: `ipsets ${globs.join(' ')} absent`, spec: { kind: 'ipsets-absent', globs: [...globs] }, ...opts };
}

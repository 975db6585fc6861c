import type { Condition, ParamValues, ReachScope, TaskOf } from '../task.js';

/** No IPVS virtual servers (`ipvsadm -C`). */
export type IpvsSpec = { kind: 'ipvs-cleared'; scope?: ReachScope };

/** No IPVS virtual server (ipvsadm -C, saved with ipvsadm -Sn first). */
export function ipvsCleared<P extends ParamValues>(opts: { when?: Condition<P>; scope?: ReachScope } = {}): TaskOf<IpvsSpec, P> {
  const { when: cond, scope } = opts;
  return { title: 'no IPVS virtual servers', spec: { kind: 'ipvs-cleared', ...(scope ? { scope } : {}) }, ...(cond ? { when: cond } : {}) };
}

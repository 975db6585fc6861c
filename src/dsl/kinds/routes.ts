import { InputError } from '../../errors.js';
import type { Condition, ParamValues, TaskOf } from '../task.js';

/** Routes of one routing protocol (kube-router's BGP routes: `proto zebra`). */
export type RoutesSpec = { kind: 'routes-absent'; proto: string };

/** No route of routing protocol `proto` (kube-router's BGP routes: zebra). */
export function routesAbsent<P extends ParamValues>(proto: string, opts: { when?: Condition<P> } = {}): TaskOf<RoutesSpec, P> {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(proto)) throw new InputError(`invalid route protocol ${JSON.stringify(proto)}`);
  return { title: `proto ${proto} routes absent`, spec: { kind: 'routes-absent', proto }, ...opts };
}

import type { Condition, IptablesTable, ParamValues, TaskOf } from '../task.js';
import { assertTable } from './rules.js';

/** Docker restarted after a flush, so that it makes its own chains again. */
export type DockerChainsSpec = { kind: 'docker-chains'; tables: IptablesTable[] };

/** Docker restarted when a flush took its chains (or they are missing), so that it makes them again. */
export function dockerChains<P extends ParamValues>(tables: IptablesTable[], opts: { when?: Condition<P> } = {}): TaskOf<DockerChainsSpec, P> {
  for (const t of tables) assertTable(t);
  return { title: `Docker's chains in ${tables.join(', ')} (restart docker after the flush)`, spec: { kind: 'docker-chains', tables: [...tables] }, ...opts };
}

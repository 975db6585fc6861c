// How a change may share one step with its neighbours: the one field of a decision the executor
// reads to fuse (exec/fuse.ts finds runs of one group; ops/fusers.ts says what a run runs).
// A leaf module: the decision type (ops/types.ts) and the fusers both import it, nothing else.
import type { IptablesRestore } from './iptables-restore.js';

export type FuseHint =
  /** iptables changes: their restore lines, committed with the run's others per backend and table. */
  | { group: 'iptables-restore'; restore: IptablesRestore[] }
  /** A link deletion: deleted with the run's other links in one pass (groupInUse: as probed, see deleteLinks). */
  | { group: 'link-delete'; link: string; groupInUse?: boolean };

export type FuseGroup = FuseHint['group'];

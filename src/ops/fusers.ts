// The commands of a run of two or more changes of one fuse group (ops/fuse-hint.ts). The
// operations that make such changes own this; the executor only asks.
import type { FuseGroup, FuseHint } from './fuse-hint.js';
import { restoreCommands } from './iptables-restore.js';
import { deleteLinks } from './link.js';

export type { FuseGroup, FuseHint };

/** One change of a run: its hint, its own backup lines, and its step id (backup files are named by it). */
export interface FuseMember<G extends FuseGroup = FuseGroup> {
  hint: Extract<FuseHint, { group: G }>;
  backup: readonly string[];
  stepId: string;
}

type Fusers = { [G in FuseGroup]: (run: ReadonlyArray<FuseMember<G>>, backupDir: string) => string[] };

const FUSERS: Fusers = {
  // Every backup the tables need (tasks on one table back it up with the same lines), then one
  // `<bin>-restore --noflush` per family and backend holding all their tables.
  'iptables-restore': (run) => [...new Set(run.flatMap((m) => m.backup)), ...restoreCommands(run.flatMap((m) => m.hint.restore))],
  // Each link's backup (written from the probe's listing with builtins), then one deletion of
  // them all (deleteLinks): as one group only if the probe saw none of them in kremedy's group.
  'link-delete': (run) => {
    const probed = run.map((m) => m.hint.groupInUse);
    const groupInUse = probed.includes(undefined) ? undefined : probed.some(Boolean);
    return [...new Set(run.flatMap((m) => m.backup)), deleteLinks(run.map((m) => m.hint.link), groupInUse)];
  },
};

/** The commands of a fused run; every member is of `group`. */
export function fusedCommands<G extends FuseGroup>(group: G, run: ReadonlyArray<FuseMember<G>>, backupDir: string): string[] {
  // The mapped type keys each fuser by its group; TypeScript cannot follow G through the index.
  const fuser = FUSERS[group] as (r: ReadonlyArray<FuseMember<G>>, dir: string) => string[];
  return fuser(run, backupDir);
}

// Where a host keeps what kremedy destroyed: one directory per run under the backup root, each
// with a MANIFEST (backup/manifest.ts) and the files it names. The writers (backup/write.ts),
// the executor (run directory, pruning), `kremedy runs` and `undo` all read the layout here.
import { quote } from '../shell/quote.js';

export const DEFAULT_BACKUP_ROOT = '/var/lib/kremedy/backups';
/** Backups kept per host after a run that changed something (older ones are pruned). */
export const DEFAULT_KEEP_BACKUPS = 20;
export const MANIFEST = 'MANIFEST';

/** The directory of one run's backups on a host. */
export const runBackupDir = (root: string, runId: string): string => `${root}/${runId}`;

/** Old runs' backups beyond `keep`, newest kept; counted with a glob first, so the usual case forks nothing. */
export function pruneCommand(root: string, keep: number): string {
  const q = quote(root);
  return (
    `cd ${q} 2>/dev/null || exit 0; set -- */; [ "$#" -gt ${keep} ] || exit 0; ` +
    `ls -1t | tail -n +${keep + 1} | while IFS= read -r d; do rm -rf -- ${q}/"$d"; done`
  );
}

/** The runs a host keeps, newest first, as `RUN<TAB>MANIFEST lines<TAB>KiB`; none when the root is missing. */
export function listRunsScript(root: string): string {
  return (
    `cd ${quote(root)} 2>/dev/null || exit 0; for d in $(ls -1t); do [ -d "$d" ] || continue; ` +
    `printf '%s\\t%s\\t%s\\n' "$d" "$(wc -l < "$d/${MANIFEST}" 2>/dev/null || echo 0)" "$(du -sk "$d" | cut -f1)"; done`
  );
}

import { DEFAULT_BACKUP_ROOT, listRunsScript } from '../backup/layout.js';
import type { HostConnection } from '../ssh/connection.js';

/** One run whose backups a host keeps: what `undo RUN_ID` can restore there. */
export interface RunInfo {
  runId: string;
  /** Lines of the run's MANIFEST: the things backed up. */
  items: number;
  kib: number;
}

/** Newest first; a host without the backup directory has no runs (not an error). */
export const LIST_RUNS_SCRIPT = listRunsScript(DEFAULT_BACKUP_ROOT);

export function parseRunList(stdout: string): RunInfo[] {
  return stdout.split('\n').filter(Boolean).map((l) => {
    const [runId = '', items = '0', kib = '0'] = l.split('\t');
    return { runId, items: Number(items.trim()), kib: Number(kib) };
  });
}

/** The runs with backups on the host behind `conn`, newest first. */
export async function listRuns(conn: HostConnection, timeoutMs: number): Promise<RunInfo[]> {
  return parseRunList((await conn.exec(LIST_RUNS_SCRIPT, { timeoutMs })).stdout);
}

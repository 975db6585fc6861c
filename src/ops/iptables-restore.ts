import type { IptablesBinary, IptablesTable } from '../facts/iptables-save.js';

// iptables tasks do not act with one `iptables` process per command: each says what it does
// as lines of an `iptables-restore --noflush` input for one table, and the executor fuses
// consecutive iptables changes of a host into one restore per family and backend (src/exec/fuse.ts).
// iptables-restore commits each table at its COMMIT in one go (legacy: one table replace;
// nft: one transaction), so policies, flushes and chain deletions land together: there is no
// moment where a flushed chain meets a DROP policy. On the nft backend every `iptables`
// process loads the whole ruleset; one restore instead of up to 18 processes is most of the
// host's work in a reset.

/**
 * Which `-restore` takes the lines: `iptables`/`ip6tables` (the host's own), or a backend by
 * name (`iptables-legacy`, `ip6tables-nft`, …) on a host with both.
 */
export type IptablesFamily = IptablesBinary;

/** What one task changes in one table of one backend, as iptables-restore input lines (without `*table`/COMMIT). */
export interface IptablesRestore {
  family: IptablesFamily;
  table: IptablesTable;
  lines: string[];
}

// The heredoc delimiter: restore input lines start with `*`, `:`, `-` or are COMMIT, so no
// line of it can be this word.
const EOF_WORD = 'KR_RESTORE_EOF';

/**
 * The restore input for some changes, grouped per family and per table (tables in the order
 * they are first touched; each table's lines in task order). `--noflush`: only what the lines
 * say changes, the rest of the table (and other tables) stays as it is.
 */
export function restoreInputs(changes: readonly IptablesRestore[]): Map<IptablesFamily, string> {
  const byFamily = new Map<IptablesFamily, Map<IptablesTable, string[]>>();
  for (const c of changes) {
    const tables = byFamily.get(c.family) ?? new Map<IptablesTable, string[]>();
    byFamily.set(c.family, tables);
    tables.set(c.table, [...(tables.get(c.table) ?? []), ...c.lines]);
  }
  const out = new Map<IptablesFamily, string>();
  for (const [family, tables] of byFamily) {
    out.set(family, [...tables].map(([table, lines]) => [`*${table}`, ...lines, 'COMMIT'].join('\n')).join('\n') + '\n');
  }
  return out;
}

/** Shell commands feeding each family's input to one `<family>-restore --noflush` (a heredoc: no temp file). */
export function restoreCommands(changes: readonly IptablesRestore[]): string[] {
  return [...restoreInputs(changes)].map(([family, input]) => `${family}-restore --noflush <<'${EOF_WORD}'\n${input}${EOF_WORD}`);
}

// The probed table as its save prints it lives with the parser (facts/iptables-save.ts).
export { saveText } from '../facts/iptables-save.js';

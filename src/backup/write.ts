// What a destructive step runs first: it keeps what it destroys under the run's backup
// directory (backup/layout.ts) and records it in MANIFEST (backup/manifest.ts).
import path from 'node:path';
import { saveText, type IptablesBinary, type IptablesRuleset, type IptablesTable } from '../facts/iptables-save.js';
import { linkRecord } from '../facts/links.js';
import { quote } from '../shell/quote.js';
import { manifestLine } from './manifest.js';

/** Where a step keeps its backups: the run's directory, and the step's zero-padded position. */
export interface BackupContext {
  backupDir: string;
  stepId: string;
}


// Each step runs in its own subshell, so the umask is set every time (a builtin); the
// directory is made once per run (the test is a builtin too: no process per step).
function prepare(ctx: Pick<BackupContext, 'backupDir'>): string {
  return `umask 077; [ -d ${quote(ctx.backupDir)} ] || mkdir -p ${quote(ctx.backupDir)}`;
}

/**
 * Every directory of a run's backup in one `mkdir -p`: the first step's line that makes the
 * backup directory (prepare) also makes the directories its own and later steps' backups make for
 * themselves (ensureDir: where moved and copied paths go). Those steps' own `[ -d ]` tests
 * (builtins) then find them. The steps' commands, in order; returned as they are when no step
 * needs a directory of its own.
 */
export function oneMkdir(steps: ReadonlyArray<readonly string[]>, backupDir: string): string[][] {
  const first = prepare({ backupDir });
  const at = steps.findIndex((c) => c.includes(first));
  const dirs = [...new Set(steps.slice(at).flatMap((c) => c.flatMap((l) => ENSURED.exec(l)?.[1] ?? [])))];
  if (at < 0 || dirs.length === 0) return steps.map((c) => [...c]);
  const all = [quote(backupDir), ...dirs.filter((d) => d !== quote(backupDir))];
  const line = `umask 077; ${all.map((d) => `[ -d ${d} ]`).join(' && ')} || mkdir -p ${all.join(' ')}`;
  return steps.map((c, i) => (i === at ? c.map((l) => (l === first ? line : l)) : [...c]));
}

function ensureDir(dir: string): string {
  return `[ -d ${quote(dir)} ] || mkdir -p ${quote(dir)}`;
}
/** An ensureDir line, and the directory in it as quoted (the same word twice). */
const ENSURED = /^\[ -d ((?:'[^']*'|[^\s'])+) \] \|\| mkdir -p \1$/;

const record = (ctx: Pick<BackupContext, 'backupDir'>, ...fields: string[]): string => manifestLine(ctx.backupDir, ...fields);

/**
 * Once per table and family per run: the first save is the state before the run touched that
 * table. It is written from the probed state (the plan was decided from it, and `apply`
 * re-probes and refuses a drifted host first), so the host runs no second iptables-save;
 * `printf` is a builtin.
 */
export function backupIptables(table: IptablesTable, state: IptablesRuleset, ctx: BackupContext, bin: IptablesBinary = 'iptables'): string[] {
  const file = `${bin}-${table}.rules`;
  const q = quote(`${ctx.backupDir}/${file}`);
  return [prepare(ctx), `[ -e ${q} ] || { printf '%s' ${quote(saveText(table, state))} > ${q} && ${record(ctx, bin, table, file)}; }`];
}

/** Whatever `command` prints, kept as the step's own file and recorded as `kind` (undo reads it). */
export function backupOutput(ctx: BackupContext, name: string, command: string, ...manifest: string[]): string[] {
  const file = `${ctx.stepId}-${name}`;
  const q = quote(`${ctx.backupDir}/${file}`);
  const [kind = name, ...rest] = manifest;
  return [prepare(ctx), `${command} > ${q}`, record(ctx, kind, ...rest, file)];
}

/**
 * Text the probe already read, kept as the step's own file and recorded as `kind`: written with
 * `printf` (a builtin), so the host runs no second listing for the backup. The plan was decided
 * from this very text, and `apply` re-probes and refuses a drifted host first.
 */
export function backupText(ctx: BackupContext, name: string, text: string, ...manifest: string[]): string[] {
  const file = `${ctx.stepId}-${name}`;
  const [kind = name, ...rest] = manifest;
  return [prepare(ctx), `printf '%s' ${quote(text)} > ${quote(`${ctx.backupDir}/${file}`)}`, record(ctx, kind, ...rest, file)];
}

/** A line in MANIFEST without a file (a unit's previous state). */
export function backupRecord(ctx: BackupContext, ...fields: string[]): string[] {
  return [prepare(ctx), record(ctx, ...fields)];
}

/**
 * A deleted link, kept as `[record]` in the step's `link-<name>.json`: the fields of
 * `ip -d -j addr show` that undo rebuilds it from, read from the probe's own listing, and that
 * listing's block itself as `probed` (what the plan showed). Written with `printf` (a builtin):
 * the host runs no second listing for the backup. The plan was decided from this very text, and
 * `apply` re-probes and refuses a drifted host first.
 */
export function backupLink(name: string, details: string, ctx: BackupContext): string[] {
  const record = { ...linkRecord(details), probed: details };
  return backupText(ctx, `link-${name}.json`, `${JSON.stringify([record])}\n`, 'link', name);
}

/** Removal by moving: the backup is the original itself, with its owner, mode and content. */
export function moveToBackup(target: string, ctx: BackupContext): { backup: string[]; commands: string[] } {
  const dest = `${ctx.backupDir}/files${target}`;
  return {
    backup: [prepare(ctx), ensureDir(path.posix.dirname(dest)), record(ctx, 'moved', target)],
    commands: [`mv -f ${quote(target)} ${quote(dest)}`],
  };
}

/** For files edited in place (/etc/hosts): keep a copy of the previous content. */
export function copyToBackup(target: string, ctx: BackupContext): string[] {
  const dest = `${ctx.backupDir}/files${target}`;
  return [prepare(ctx), ensureDir(path.posix.dirname(dest)), `cp -p ${quote(target)} ${quote(dest)}`, record(ctx, 'copied', target)];
}

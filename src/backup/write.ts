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
export function prepare(ctx: Pick<BackupContext, 'backupDir'>): string {
  return `umask 077; [ -d ${quote(ctx.backupDir)} ] || mkdir -p ${quote(ctx.backupDir)}`;
}

/**
 * The run's first backup line made to create `dirs` too (where later steps of the run move
 * paths to) with the same one `mkdir -p`: a host makes every directory of a run's backup in one
 * process. The later steps' own `[ -d ]` tests (builtins) then find them. Lines without the
 * plain first line are returned as they are.
 */
export function prepareAlso(lines: readonly string[], backupDir: string, dirs: readonly string[]): string[] {
  const first = prepare({ backupDir });
  const i = lines.indexOf(first);
  if (i < 0 || dirs.length === 0) return [...lines];
  const all = [...new Set([backupDir, ...dirs])].map(quote);
  return [...lines.slice(0, i), `umask 077; ${all.map((d) => `[ -d ${d} ]`).join(' && ')} || mkdir -p ${all.join(' ')}`, ...lines.slice(i + 1)];
}

/** The directory moveToBackup moves a path into. */
export const movedDir = (target: string, backupDir: string): string => path.posix.dirname(`${backupDir}/files${target}`);

function ensureDir(dir: string): string {
  return `[ -d ${quote(dir)} ] || mkdir -p ${quote(dir)}`;
}

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
    backup: [prepare(ctx), ensureDir(movedDir(target, ctx.backupDir)), record(ctx, 'moved', target)],
    commands: [`mv -f ${quote(target)} ${quote(dest)}`],
  };
}

/**
 * Several paths moved in one step, as moveToBackup each: one `mkdir -p` of every directory they
 * go to (none when all exist: `[ -d ]` is a builtin), then each path recorded and moved in turn.
 */
export function moveAllToBackup(targets: readonly string[], ctx: Pick<BackupContext, 'backupDir'>): string[] {
  const dirs = [...new Set(targets.map((t) => movedDir(t, ctx.backupDir)))].map(quote);
  return [
    prepare(ctx),
    `${dirs.map((d) => `[ -d ${d} ]`).join(' && ')} || mkdir -p ${dirs.join(' ')}`,
    ...targets.flatMap((t) => [record(ctx, 'moved', t), `mv -f ${quote(t)} ${quote(`${ctx.backupDir}/files${t}`)}`]),
  ];
}

/** For files edited in place (/etc/hosts): keep a copy of the previous content. */
export function copyToBackup(target: string, ctx: BackupContext): string[] {
  const dest = `${ctx.backupDir}/files${target}`;
  return [prepare(ctx), ensureDir(path.posix.dirname(dest)), `cp -p ${quote(target)} ${quote(dest)}`, record(ctx, 'copied', target)];
}

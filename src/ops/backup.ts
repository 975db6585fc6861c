import path from 'node:path';
import type { IptablesTable } from '../dsl/types.js';
import { quote } from '../shell/quote.js';
import type { DecideContext } from './types.js';

// Every destructive step keeps what it destroys under the run's backup directory and records
// it in MANIFEST, one tab-separated line per item, so `kremedy undo` knows what to put back
// without guessing from the directory layout:
//   iptables <table> <file>     iptables-save -t <table> before the step
//   link <name> <file>          `ip -d -j link show` (+ <file>.addr.json) before deletion
//   moved <abs path>            the path itself now lives at files/<abs path>
//   copied <abs path>           a copy of the file as it was, at files/<abs path> (the file stays)

export const MANIFEST = 'MANIFEST';

function prepare(ctx: DecideContext): string {
  return `umask 077; mkdir -p ${quote(ctx.backupDir)}`;
}

function record(ctx: DecideContext, ...fields: string[]): string {
  return `printf '%s\\n' ${quote(fields.join('\t'))} >> ${quote(`${ctx.backupDir}/${MANIFEST}`)}`;
}

export function backupIptables(table: IptablesTable, ctx: DecideContext): string[] {
  const file = `${ctx.stepId}-iptables-${table}.rules`;
  return [prepare(ctx), `iptables-save -t ${table} > ${quote(`${ctx.backupDir}/${file}`)}`, record(ctx, 'iptables', table, file)];
}

export function backupLink(name: string, ctx: DecideContext): string[] {
  const file = `${ctx.stepId}-link-${name}.json`;
  const base = `${ctx.backupDir}/${file}`;
  return [
    prepare(ctx),
    // JSON where iproute2 supports it (undo recreates from it); text otherwise, for the record.
    `ip -d -j link show dev ${quote(name)} > ${quote(base)} 2>/dev/null || ip -d link show dev ${quote(name)} > ${quote(base)}`,
    `ip -j addr show dev ${quote(name)} > ${quote(base + '.addr.json')} 2>/dev/null || true`,
    record(ctx, 'link', name, file),
  ];
}

/** Removal by moving: the backup is the original itself, with its owner, mode and content. */
export function moveToBackup(target: string, ctx: DecideContext): { backup: string[]; commands: string[] } {
  const dest = `${ctx.backupDir}/files${target}`;
  return {
    backup: [prepare(ctx), `mkdir -p ${quote(path.posix.dirname(dest))}`, record(ctx, 'moved', target)],
    commands: [`mv -f ${quote(target)} ${quote(dest)}`],
  };
}

/** For files edited in place (/etc/hosts): keep a copy of the previous content. */
export function copyToBackup(target: string, ctx: DecideContext): string[] {
  const dest = `${ctx.backupDir}/files${target}`;
  return [prepare(ctx), `mkdir -p ${quote(path.posix.dirname(dest))}`, `cp -p ${quote(target)} ${quote(dest)}`, record(ctx, 'copied', target)];
}

import path from 'node:path';
import type { SpecOf } from '../dsl/types.js';
import { quote } from '../shell/quote.js';
import { copyToBackup } from '../backup/write.js';
import { ProbeError, probeResult, type Operation } from './types.js';

// The file is read whole, followed by a sentinel, so a missing final newline stays visible and
// the content compares byte for byte with what we would write.
export const EOF_SENTINEL = '#KR:EOF';
const ABSENT = '#KR:ABSENT';
const NOT_FILE = '#KR:NOT-A-FILE';

export interface FileState {
  kind: 'absent' | 'file' | 'other';
  content: string;
}

export function fileProbeScript(p: string): string {
  const q = quote(p);
  return (
    `if [ -f ${q} ] && [ ! -L ${q} ]; then cat ${q} && printf '%s\\n' '${EOF_SENTINEL}'; ` +
    `elif [ -e ${q} ] || [ -L ${q} ]; then echo '${NOT_FILE}'; else echo '${ABSENT}'; fi`
  );
}

export function parseFileProbe(p: string, r: { stdout: string; rc: number; stderr: string }): FileState {
  if (r.stdout === ABSENT) return { kind: 'absent', content: '' };
  if (r.stdout === NOT_FILE) return { kind: 'other', content: '' };
  if (r.rc !== 0 || !r.stdout.endsWith(EOF_SENTINEL)) throw new ProbeError(`cannot read ${p}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  return { kind: 'file', content: r.stdout.slice(0, -EOF_SENTINEL.length) };
}

/**
 * Write `producer`'s output to `target` atomically: a temp file in the same directory (same
 * filesystem, so `mv` is a rename) and a rename over the target; a reader never sees half a file.
 */
export function atomicWrite(target: string, producer: string, mode: string): string[] {
  const dir = path.posix.dirname(target);
  return [
    // umask 022 for the directory only: a backup step earlier in this step set umask 077.
    `(umask 022; mkdir -p ${quote(dir)})`,
    `kr_tmp=$(mktemp ${quote(`${dir}/.${path.posix.basename(target)}.kremedy.XXXXXX`)})`,
    `{ ${producer}\n} > "$kr_tmp" || { rm -f "$kr_tmp"; exit 1; }`,
    `chmod ${mode} "$kr_tmp"`,
    `mv -f "$kr_tmp" ${quote(target)}`,
  ];
}

function validLine(spec: SpecOf<'file-present'>, content: string): string | undefined {
  if (!spec.valid) return undefined;
  const re = new RegExp(spec.valid);
  return content.split('\n').find((l) => re.test(l));
}

export const filePresent: Operation<'file-present', FileState> = {
  probes: (spec) => [{ id: `file:${spec.path}`, script: fileProbeScript(spec.path) }],
  state: (spec, results) => parseFileProbe(spec.path, probeResult(results, `file:${spec.path}`)),
  decide(spec, state, ctx) {
    if (state.kind === 'other') return { status: 'failed', message: `${spec.path} exists but is not a regular file: refusing to replace it` };
    if (state.kind === 'file') {
      if (spec.content !== undefined && state.content === spec.content) return { status: 'ok', message: `${spec.path} has the wanted content` };
      const line = validLine(spec, state.content);
      if (spec.content === undefined && line !== undefined) return { status: 'ok', message: `${spec.path} has ${line}` };
    }
    const backup = state.kind === 'file' ? copyToBackup(spec.path, ctx) : [];
    const reload = spec.daemonReload ? ['systemctl daemon-reload'] : [];
    if (spec.content !== undefined) {
      const diff = [
        ...(state.kind === 'file' ? state.content.replace(/\n$/, '').split('\n').map((l) => `- ${l}`) : []),
        ...spec.content.replace(/\n$/, '').split('\n').map((l) => `+ ${l}`),
      ].join('\n');
      return {
        status: 'pending',
        summary: `${state.kind === 'file' ? 'rewrite' : 'create'} ${spec.path}`,
        diff,
        backup,
        commands: [...atomicWrite(spec.path, `printf '%s' ${quote(spec.content)}`, spec.mode), ...reload],
      };
    }
    if (!spec.valid || !spec.generator) return { status: 'failed', message: `file task for ${spec.path} has neither content nor a generator` };
    // Re-checked on the host: an earlier step of this run (a package's postinst) may have
    // created a valid file since the probe, and that one must be kept.
    const generate = atomicWrite(spec.path, spec.generator, spec.mode);
    return {
      status: 'pending',
      summary: `${state.kind === 'file' ? 'replace' : 'create'} ${spec.path} (no line matching /${spec.valid}/)`,
      diff: [
        ...(state.kind === 'file' ? state.content.replace(/\n$/, '').split('\n').map((l) => `- ${l}`) : []),
        `+ ${spec.preview ?? '(generated on the host)'}`,
      ].join('\n'),
      backup,
      commands: [
        `if grep -Eq ${quote(spec.valid)} ${quote(spec.path)} 2>/dev/null; then echo ${quote(`${spec.path} became valid since the probe (created by an earlier step): kept`)}; else`,
        ...generate,
        ...reload,
        'fi',
      ],
    };
  },
};

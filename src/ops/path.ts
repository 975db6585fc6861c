import path from 'node:path';
import { quote } from '../shell/quote.js';
import { moveToBackup } from '../backup/write.js';
import { probeResult, type Decision, type Operation } from './types.js';


export interface PathState {
  kind: 'absent' | 'file' | 'directory' | 'symlink' | 'other';
  /** For directories, the entries directly in it, so the plan shows what goes. */
  entries: string[];
}

export function pathProbeScript(p: string): string {
  const q = quote(p);
  return (
    // Entries one level down, listed with a glob (a builtin) rather than find: enough for a
    // person to see what goes, without a process per probe.
    `if [ -L ${q} ]; then echo symlink; elif [ -d ${q} ]; then echo directory; ` +
    `for e in ${q}/* ${q}/.[!.]* ${q}/..?*; do if [ -e "$e" ] || [ -L "$e" ]; then printf '%s\\n' "$e"; fi; done; ` +
    `elif [ -f ${q} ]; then echo file; elif [ -e ${q} ]; then echo other; else echo absent; fi`
  );
}

export function parsePathState(stdout: string): PathState {
  const [first = 'absent', ...rest] = stdout.split('\n');
  const kind = (['absent', 'file', 'directory', 'symlink', 'other'] as const).find((k) => k === first.trim()) ?? 'other';
  return { kind, entries: rest.filter(Boolean) };
}

export const pathAbsent: Operation<'path-absent', PathState> = {
  probes: (spec) => [{ id: `path:${spec.path}`, script: pathProbeScript(spec.path) }],
  state: (spec, results) => parsePathState(probeResult(results, `path:${spec.path}`).stdout),
  decide(spec, state, ctx): Decision {
    if (state.kind === 'absent') return { status: 'ok', message: `${spec.path} is absent` };
    const move = moveToBackup(spec.path, ctx);
    return {
      status: 'pending',
      summary: `remove ${state.kind} ${spec.path}${state.entries.length ? ` (${state.entries.length} entries)` : ''}`,
      diff: [`- ${spec.path}${state.kind === 'directory' ? '/' : ''}`, ...state.entries.map((e) => `- ${e}`)].join('\n'),
      ...move,
    };
  },
};

export interface GlobState {
  matches: string[];
}

export const globAbsent: Operation<'glob-absent', GlobState> = {
  probes: (spec) => [
    {
      id: `glob:${spec.dir}/${spec.glob}`,
      // The glob is validated by the builder (no quoting possible where it must expand).
      script: `for f in ${quote(spec.dir)}/${spec.glob}; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\\n' "$f"; fi; done`,
    },
  ],
  state: (spec, results) => ({
    matches: probeResult(results, `glob:${spec.dir}/${spec.glob}`).stdout.split('\n').filter(Boolean),
  }),
  decide(spec, state, ctx): Decision {
    const keep = new Set(spec.keep ?? []);
    const doomed = state.matches.filter((f) => !keep.has(path.posix.basename(f)));
    if (doomed.length === 0) return { status: 'ok', message: `nothing matches ${spec.dir}/${spec.glob}` };
    // Files of one directory share its mkdir (the same backup line, kept once).
    const moves = doomed.map((f) => moveToBackup(f, ctx));
    return {
      status: 'pending',
      summary: `remove ${doomed.length} file(s) matching ${spec.dir}/${spec.glob}`,
      diff: doomed.map((f) => `- ${f}`).join('\n'),
      backup: [...new Set(moves.flatMap((m) => m.backup))],
      commands: moves.flatMap((m) => m.commands),
    };
  },
};

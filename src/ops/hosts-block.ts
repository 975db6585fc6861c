import type { SpecOf } from '../dsl/types.js';
import { quote } from '../shell/quote.js';
import { copyToBackup } from '../backup/write.js';
import { EOF_SENTINEL } from './file.js';
import { ProbeError, probeResult, type Decision, type Operation } from './types.js';

// A managed block in a text file, after Ansible's blockinfile: the new content is computed in
// memory from what the probe read, compared, and written only when it differs; every line
// outside the markers is kept byte for byte.

const ABSENT = '#KR:ABSENT';
const NO_SHA = '#KR:NO-SHA256SUM';

export interface HostsBlockState {
  exists: boolean;
  /** sha256 of the file as probed: the write refuses to clobber a file that changed since. */
  sha256: string;
  content: string;
}

export const beginMarker = (marker: string) => `# BEGIN ${marker}`;
export const endMarker = (marker: string) => `# END ${marker}`;

/** The file with the block set (present) or removed (absent); an Error when the markers are broken. */
export function applyBlock(content: string, spec: Pick<SpecOf<'hosts-block'>, 'marker' | 'lines' | 'state'>): string {
  const begin = beginMarker(spec.marker);
  const end = endMarker(spec.marker);
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const starts = lines.flatMap((l, i) => (l.trim() === begin ? [i] : []));
  const ends = lines.flatMap((l, i) => (l.trim() === end ? [i] : []));
  if (starts.length > 1 || ends.length > 1) throw new Error(`"${begin}" appears ${starts.length} times and "${end}" ${ends.length} times: fix the file by hand`);
  if (starts.length !== ends.length || (starts.length === 1 && ends[0]! < starts[0]!)) {
    throw new Error(`unbalanced markers ("${begin}" at line ${starts[0] !== undefined ? starts[0] + 1 : '-'}, "${end}" at line ${ends[0] !== undefined ? ends[0] + 1 : '-'}): fix the file by hand`);
  }
  const block = spec.state === 'present' ? [begin, ...spec.lines, end] : [];
  let out: string[];
  if (starts.length === 1) out = [...lines.slice(0, starts[0]!), ...block, ...lines.slice(ends[0]! + 1)];
  else out = [...lines, ...block];
  if (out.length === 0) return '';
  // A file without a final newline keeps that ending only while its last line stays last.
  const lastLineKept = lines.length > 0 && (starts.length === 0 ? block.length === 0 : ends[0]! < lines.length - 1);
  return out.join('\n') + (content.endsWith('\n') || !lastLineKept ? '\n' : '');
}

/** A unified diff with one hunk: blockinfile changes one contiguous region. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const from = Math.max(0, pre - context);
  const aEnd = Math.min(a.length, a.length - suf + context);
  const bEnd = Math.min(b.length, b.length - suf + context);
  const range = (start: number, len: number) => `${len === 0 ? start : start + 1},${len}`;
  return [
    `--- ${path}`,
    `+++ ${path}`,
    `@@ -${range(from, aEnd - from)} +${range(from, bEnd - from)} @@`,
    ...a.slice(from, pre).map((l) => ` ${l}`),
    ...a.slice(pre, a.length - suf).map((l) => `-${l}`),
    ...b.slice(pre, b.length - suf).map((l) => `+${l}`),
    ...a.slice(a.length - suf, aEnd).map((l) => ` ${l}`),
  ].join('\n');
}

/** Names the block maps that a line outside it maps too: the resolver takes the first match. */
function shadowing(content: string, spec: SpecOf<'hosts-block'>): string[] {
  const names = new Set(spec.lines.flatMap((l) => l.split(/\s+/).slice(1)));
  const out: string[] = [];
  let inBlock = false;
  content.split('\n').forEach((line, i) => {
    if (line.trim() === beginMarker(spec.marker)) inBlock = true;
    else if (line.trim() === endMarker(spec.marker)) inBlock = false;
    else if (!inBlock) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      for (const w of words.slice(1)) if (names.has(w)) out.push(`${w} (line ${i + 1}: ${line.trim()})`);
    }
  });
  return out;
}

export const hostsBlock: Operation<'hosts-block', HostsBlockState> = {
  probes: (spec) => [
    {
      id: `hosts-block:${spec.path}`,
      script:
        `[ -f ${quote(spec.path)} ] || { echo '${ABSENT}'; exit 0; }; ` +
        `command -v sha256sum >/dev/null 2>&1 || { echo '${NO_SHA}'; exit 0; }; ` +
        `sha256sum < ${quote(spec.path)} | cut -c1-64 && cat ${quote(spec.path)} && printf '%s\\n' '${EOF_SENTINEL}'`,
    },
  ],
  state(spec, results) {
    const r = probeResult(results, `hosts-block:${spec.path}`);
    if (r.stdout === ABSENT) return { exists: false, sha256: '', content: '' };
    if (r.stdout === NO_SHA) throw new ProbeError('sha256sum is not on this host: cannot guard the write against concurrent edits');
    const nl = r.stdout.indexOf('\n');
    const sha = r.stdout.slice(0, nl);
    if (r.rc !== 0 || nl < 0 || !/^[0-9a-f]{64}$/.test(sha) || !r.stdout.endsWith(EOF_SENTINEL)) {
      throw new ProbeError(`cannot read ${spec.path}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    }
    return { exists: true, sha256: sha, content: r.stdout.slice(nl + 1, -EOF_SENTINEL.length) };
  },
  decide(spec, state, ctx): Decision {
    if (!state.exists && spec.state === 'absent') return { status: 'ok', message: `${spec.path} does not exist: no block to remove` };
    if (!state.exists) return { status: 'failed', message: `${spec.path} does not exist: refusing to create it with only kremedy's block` };
    let next: string;
    try {
      next = applyBlock(state.content, spec);
    } catch (err) {
      return { status: 'failed', message: `${spec.path}: ${(err as Error).message}` };
    }
    const shadowed = spec.state === 'present' ? shadowing(state.content, spec) : [];
    const warning = shadowed.length ? `; WARNING: earlier lines outside the block win for ${shadowed.join(', ')}` : '';
    if (next === state.content) {
      return {
        status: 'ok',
        message: spec.state === 'present' ? `${spec.path} has the ${spec.marker} block (${spec.lines.length} line(s))${warning}` : `${spec.path} has no ${spec.marker} block`,
      };
    }
    const target = quote(spec.path);
    return {
      status: 'pending',
      summary: (spec.state === 'present' ? `set the ${spec.marker} block in ${spec.path} (${spec.lines.length} line(s))` : `remove the ${spec.marker} block from ${spec.path}`) + warning,
      diff: unifiedDiff(spec.path, state.content, next),
      backup: copyToBackup(spec.path, ctx),
      commands: [
        `if [ "$(sha256sum < ${target} | cut -c1-64)" != ${quote(state.sha256)} ]; then echo ${quote(`${spec.path} changed since it was probed: not overwriting it; run kremedy again`)}; exit 1; fi`,
        `kr_tmp=$(mktemp ${quote(`${spec.path}.kremedy.XXXXXX`)})`,
        // cp -p first so the new file keeps the owner and mode of the old one.
        `cp -p ${target} "$kr_tmp"`,
        `printf '%s' ${quote(next)} > "$kr_tmp"`,
        // rename(2) is atomic, but in a container /etc/hosts is often a bind mount and renaming
        // onto a mount point fails with EBUSY. Then the only way is to rewrite the file in place
        // (same inode, one small write): the bind mount keeps working and readers see the file
        // either before or after, except for the instant of the truncate.
        `if mv -f "$kr_tmp" ${target} 2>/dev/null; then :; else cat "$kr_tmp" > ${target}; rm -f "$kr_tmp"; fi`,
      ],
    };
  },
};

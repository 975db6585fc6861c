import { quote } from '../shell/quote.js';
import { ProbeError, probeResult, type Operation } from './types.js';

const MISSING = '#KR:MISSING';
const WRITABLE = '#KR:W';
const READ_ONLY = '#KR:RO';

export interface SysfsState {
  exists: boolean;
  /** The selected value: the bracketed word of a choice list (`always madvise [never]`), else the content. */
  current: string;
  /** What access(W_OK) says: false on a read-only /sys (containers). */
  writable: boolean;
}

/** `always madvise [never]` → `never`; a plain value is returned trimmed. */
export function selectedValue(raw: string): string {
  const m = /\[([^\]]+)\]/.exec(raw);
  return (m ? m[1]! : raw).trim();
}

export const sysfsValue: Operation<'sysfs-value', SysfsState> = {
  probes: (spec) => [
    {
      id: `sysfs:${spec.path}`,
      script:
        `if [ -r ${quote(spec.path)} ]; then cat ${quote(spec.path)}; ` +
        `if [ -w ${quote(spec.path)} ]; then echo '${WRITABLE}'; else echo '${READ_ONLY}'; fi; else echo '${MISSING}'; fi`,
    },
  ],
  state(spec, results) {
    const r = probeResult(results, `sysfs:${spec.path}`);
    const lines = r.stdout.trim().split('\n');
    const flag = lines.pop();
    if (flag === MISSING) return { exists: false, current: '', writable: false };
    if (flag !== WRITABLE && flag !== READ_ONLY) throw new ProbeError(`cannot read ${spec.path}: ${r.stderr.trim() || r.stdout.trim()}`);
    return { exists: true, current: selectedValue(lines.join('\n')), writable: flag === WRITABLE };
  },
  decide(spec, state) {
    if (!state.exists) return { status: 'failed', message: `${spec.path} does not exist: this kernel does not offer the setting` };
    if (state.current === spec.value) return { status: 'ok', message: `${spec.path} is ${spec.value}` };
    const p = quote(spec.path);
    return {
      status: 'pending',
      summary:
        `set ${spec.path} to ${spec.value} (now ${state.current})` +
        (state.writable ? '' : ': WARNING it is not writable here (read-only /sys, as in a container), this step will fail'),
      diff: `- ${state.current}\n+ ${spec.value}`,
      backup: [],
      // The shell's own error ("Read-only file system") is kept and printed with the mount
      // options of /sys, so the failure says why rather than just "exit 1".
      commands: [
        `if kr_err=$( { printf '%s\\n' ${quote(spec.value)} > ${p}; } 2>&1 ); then :; else`,
        `  echo "cannot write ${spec.value} to ${spec.path}: \${kr_err##*: }$(awk '$2=="/sys"{print " (/sys is mounted "$4")"; exit}' /proc/mounts)"`,
        '  exit 1',
        'fi',
      ],
    };
  },
};

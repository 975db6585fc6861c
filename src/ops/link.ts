import { quote } from '../shell/quote.js';
import { ProbeError, probeResult, type Operation } from './types.js';

export interface LinkState {
  present: boolean;
  /** `ip -d link show` and its IPv4 addresses: what the plan shows and the backup keeps. */
  details: string;
}

const ABSENT = '#KR:ABSENT';
const NO_IP = '#KR:NO-IP';

export const linkAbsent: Operation<'link-absent', LinkState> = {
  probes: (spec) => [
    {
      id: `link:${spec.name}`,
      script:
        `command -v ip >/dev/null 2>&1 || { echo '${NO_IP}'; exit 0; }; ` +
        `if ip link show dev ${quote(spec.name)} >/dev/null 2>&1; then ip -d link show dev ${quote(spec.name)}; ` +
        `ip -4 -o addr show dev ${quote(spec.name)}; else echo '${ABSENT}'; fi`,
    },
  ],
  state(spec, results) {
    const out = probeResult(results, `link:${spec.name}`).stdout.trim();
    if (out === NO_IP) throw new ProbeError('iproute2 (`ip`) is not installed: cannot see network links');
    if (out === ABSENT) return { present: false, details: '' };
    return { present: true, details: out };
  },
  decide(spec, state, ctx) {
    if (!state.present) return { status: 'ok', message: `link ${spec.name} is absent` };
    const base = `${ctx.backupDir}/${ctx.stepId}-link-${spec.name}`;
    return {
      status: 'change',
      summary: `delete link ${spec.name}`,
      diff: state.details.split('\n').map((l) => `- ${l}`).join('\n'),
      backup: [
        `umask 077; mkdir -p ${quote(ctx.backupDir)}`,
        // JSON where iproute2 supports it (undo recreates from it); text otherwise for the record.
        `ip -d -j link show dev ${quote(spec.name)} > ${quote(base + '.json')} 2>/dev/null || ip -d link show dev ${quote(spec.name)} > ${quote(base + '.txt')}`,
        `ip -j addr show dev ${quote(spec.name)} > ${quote(base + '.addr.json')} 2>/dev/null || true`,
      ],
      commands: [`ip link set dev ${quote(spec.name)} down`, `ip link delete dev ${quote(spec.name)}`],
    };
  },
};

// kube-router learns the other nodes' pod subnets over BGP and installs them as `proto zebra`
// routes; after a reset they point at the old peers, so they go too (kube-router's own
// --cleanup-config does not remove them; a reboot would).
import { quote } from '../shell/quote.js';
import { backupOutput } from '../backup/write.js';
import { ProbeError, probeResult, type Operation } from './types.js';

const NO_IP = '#KR:NO-IP';

export const routesAbsent: Operation<'routes-absent', { routes: string[] }> = {
  probes: (spec) => [{ id: `routes:${spec.proto}`, script: `command -v ip >/dev/null 2>&1 || { echo '${NO_IP}'; exit 0; }; ip -4 route show proto ${quote(spec.proto)}` }],
  state(spec, results) {
    const out = probeResult(results, `routes:${spec.proto}`).stdout;
    if (out.trim() === NO_IP) throw new ProbeError('iproute2 (`ip`) is not installed: cannot see routes');
    return { routes: out.split('\n').map((l) => l.trim()).filter(Boolean) };
  },
  decide(spec, state, ctx) {
    if (state.routes.length === 0) return { status: 'ok', message: `no proto ${spec.proto} routes` };
    const p = quote(spec.proto);
    return {
      status: 'pending',
      summary: `flush ${state.routes.length} proto ${spec.proto} route(s)`,
      diff: state.routes.map((r) => `- ${r} proto ${spec.proto}`).join('\n'),
      backup: backupOutput(ctx, `routes-${spec.proto}.txt`, `ip -4 route show proto ${p}`, 'routes', spec.proto),
      commands: [`ip -4 route flush proto ${p}`],
    };
  },
};

// After a flush Docker's own chains (DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-*, its
// MASQUERADE) stay gone until dockerd starts again: containers lose their NAT and port maps.
// reset-node -e restart_docker=true restarts it after the flush; Docker then makes them anew
// (which also replaces a broken DOCKER-ISOLATION with Docker's own, field note 无法ping同节点的容器地址).
import type { IptablesTable } from '../dsl/types.js';
import { IPTABLES_SAVE_PROBE, readIptablesState, type IptablesTableState } from './iptables.js';
import { probeResult, type Decision, type Operation } from './types.js';

/** A chain Docker makes. */
export const isDockerChain = (name: string): boolean => /^DOCKER(-|$)/.test(name);
/** A rule Docker makes: in its chains, jumping to them, or about its bridge. */
export function isDockerRule(rule: string): boolean {
  const chain = /^-A (\S+)/.exec(rule)?.[1] ?? '';
  return isDockerChain(chain) || /\s-j DOCKER(-\S+)?(\s|$)/.test(rule) || /\s!? ?-[io] docker0(\s|$)/.test(rule) || /-s 172\.17\.0\.0\/16 ! -o docker0 -j MASQUERADE/.test(rule);
}

/** The table without what Docker makes: what a flush must still remove when Docker restarts after it. */
export function withoutDocker(state: IptablesTableState): IptablesTableState {
  return {
    ...state,
    backends: state.backends.map((b) => ({
      ...b,
      chains: b.chains.filter((c) => (c.policy !== null ? true : !isDockerChain(c.name))),
      rules: b.rules.filter((r) => !isDockerRule(r)),
    })),
  };
}

/** Wrap the flush: with `exceptDocker`, Docker's own chains alone are no reason to flush (they come back with the restart). */
export function exceptDocker<S extends IptablesTableState>(op: Operation<'iptables-flush', S>): Operation<'iptables-flush', S> {
  return {
    probes: (spec) => op.probes(spec),
    state: (spec, results) => op.state(spec, results),
    decide(spec, state, ctx): Decision {
      const d = op.decide(spec, state, ctx);
      if (!spec.exceptDocker || d.status !== 'pending') return d;
      const rest = op.decide(spec, withoutDocker(state) as S, ctx);
      if (rest.status === 'ok') return { status: 'ok', message: `${spec.table}: only Docker's own chains (Docker makes them again when it restarts)` };
      return { ...d, summary: `${d.summary}; Docker's own chains come back when Docker restarts` };
    },
  };
}

const DOCKER_UNIT_PROBE = { id: 'docker-unit', script: `command -v systemctl >/dev/null 2>&1 && systemctl is-active docker.service 2>/dev/null; true` };

export interface DockerChainsState {
  active: string;
  tables: Array<{ table: IptablesTable; state: IptablesTableState }>;
}

export const dockerChains: Operation<'docker-chains', DockerChainsState> = {
  probes: () => [DOCKER_UNIT_PROBE, IPTABLES_SAVE_PROBE],
  state: (spec, results) => ({
    // No systemctl: no docker.service to restart.
    active: probeResult(results, DOCKER_UNIT_PROBE.id).stdout.trim() || 'not installed (no systemctl)',
    tables: spec.tables.map((table) => ({ table, state: readIptablesState(table, results) })),
  }),
  decide(spec, state): Decision {
    if (state.active !== 'active') return { status: 'ok', message: `docker.service is ${state.active}: nothing to restart` };
    // Docker writes with the host's `iptables`; on a host with two backends either may hold its chains.
    const missing = state.tables.filter((t) => !t.state.backends.some((b) => b.chains.some((c) => c.name === 'DOCKER'))).map((t) => t.table);
    const foreign = state.tables.filter((t) =>
      withoutDocker(t.state).backends.some((b) => b.rules.length > 0 || b.chains.some((c) => c.policy === null)),
    ).map((t) => t.table);
    if (missing.length === 0 && foreign.length === 0) return { status: 'ok', message: `Docker's chains are in place in ${spec.tables.join(', ')}` };
    return {
      status: 'pending',
      summary: `restart docker.service so that it makes its chains again (${[
        ...(foreign.length ? [`the flush of ${foreign.join(', ')} removes them`] : []),
        ...(missing.length ? [`no DOCKER chain in ${missing.join(', ')}`] : []),
      ].join('; ')})`,
      diff: `- DOCKER chains: ${missing.length ? `missing in ${missing.join(', ')}` : 'flushed with the tables'}\n+ DOCKER chains: made again by dockerd`,
      backup: [],
      commands: ['timeout 120 systemctl restart docker.service', 'echo restarted docker.service'],
    };
  },
};

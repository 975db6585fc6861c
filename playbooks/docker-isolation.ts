import { iptables, playbook } from '../src/index.js';

// Docker ≤17.06 used DOCKER-ISOLATION; newer releases split it into two stages. Each should end
// in RETURN; one that drops unconditionally (the field note's 12 DROPs, left by repeated
// daemon restarts) cuts every forwarded packet. Only these chains are touched, never FORWARD
// or Docker's own DOCKER chain, and a chain with conditional drops (real isolation between
// Docker networks) is left alone.
export const ISOLATION_CHAINS = ['DOCKER-ISOLATION', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2'] as const;

export default playbook({
  name: 'docker-isolation',
  description:
    'Repair Docker isolation chains (DOCKER-ISOLATION, -STAGE-1, -STAGE-2) that drop everything: each goes back to a single RETURN rule; other chains are not touched.',
  source: '无法ping同节点的容器地址',
  tasks: () => ISOLATION_CHAINS.map((c) => iptables.chainReturn('filter', c)),
});

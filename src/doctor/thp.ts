// Field note BUG: soft lockup: "soft lockup - CPU#1 stuck for 21s! [khugepaged:32]" — with
// transparent hugepages on "always", khugepaged compacts memory behind every process.
import type { HostCheck } from './types.js';
import { out } from './probes.js';

const PROBE = { id: 'doctor:thp', script: 'cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; true' };

export const thp: HostCheck = {
  id: 'THP-ALWAYS',
  describe: 'transparent hugepages enabled = [always]',
  probes: [PROBE],
  run({ results }) {
    const value = out(results, PROBE.id).trim();
    if (!/\[always\]/.test(value)) return [];
    return [
      {
        severity: 'warning',
        title: 'transparent hugepages are always on (khugepaged soft lockups under load)',
        evidence: [`/sys/kernel/mm/transparent_hugepage/enabled: ${value}`],
        fix: 'disable-thp',
      },
    ];
  },
};

import { quote } from '../shell/quote.js';
import { ProbeError, probeResult, type Operation } from './types.js';

// The package database is read directly (dpkg-query / rpm -q) rather than guessed from a binary
// on PATH: a half-removed package ("deinstall ok config-files") leaves config but no tools.

const NONE = '#KR:NONE';

export interface PackageState {
  /** dpkg's Status field for the debian name, null when dpkg-query is not on the host. */
  dpkg: string | null;
  /** rpm -q verdict for the rhel name, null when rpm is not on the host. */
  rpm: 'installed' | 'absent' | null;
}

const probeId = (spec: { packages: { debian: string; rhel: string } }) => `package:${spec.packages.debian}:${spec.packages.rhel}`;

export const packagePresent: Operation<'package-present', PackageState> = {
  probes: (spec) => [
    {
      id: probeId(spec),
      script:
        `if command -v dpkg-query >/dev/null 2>&1; then printf 'dpkg\\t%s\\n' "$(dpkg-query -W -f='\${Status}' ${quote(spec.packages.debian)} 2>/dev/null)"; ` +
        `else printf 'dpkg\\t%s\\n' '${NONE}'; fi; ` +
        `if command -v rpm >/dev/null 2>&1; then if rpm -q ${quote(spec.packages.rhel)} >/dev/null 2>&1; then printf 'rpm\\tinstalled\\n'; else printf 'rpm\\tabsent\\n'; fi; ` +
        `else printf 'rpm\\t%s\\n' '${NONE}'; fi`,
    },
  ],
  state(spec, results) {
    const fields = new Map<string, string>();
    for (const line of probeResult(results, probeId(spec)).stdout.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) fields.set(line.slice(0, tab), line.slice(tab + 1).trim());
    }
    if (!fields.has('dpkg') || !fields.has('rpm')) throw new ProbeError('the package probe printed nothing readable');
    const dpkg = fields.get('dpkg')!;
    const rpm = fields.get('rpm')!;
    return { dpkg: dpkg === NONE ? null : dpkg, rpm: rpm === NONE ? null : rpm === 'installed' ? 'installed' : 'absent' };
  },
  decide(spec, state, ctx) {
    const { family, pretty } = ctx.facts.os;
    const bin = (name: string) => ctx.facts.binaries[name] ?? null;
    if (family === 'debian') {
      const pkg = spec.packages.debian;
      if (state.dpkg === null) return { status: 'failed', message: `dpkg-query is not on this debian-family host (${pretty}): cannot tell whether ${pkg} is installed` };
      if (state.dpkg === 'install ok installed') return { status: 'ok', message: `${pkg} is installed` };
      if (!bin('apt-get')) return { status: 'failed', message: `${pkg} is not installed and apt-get is not on PATH: install it by hand` };
      const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${quote(pkg)}`;
      return {
        status: 'pending',
        summary: `install ${pkg} with apt-get${state.dpkg ? ` (dpkg status now: ${state.dpkg})` : ''}`,
        diff: `+ package ${pkg}`,
        backup: [],
        // Stale package lists are the usual reason "Unable to locate package": refresh once, retry.
        commands: [`${install} || { DEBIAN_FRONTEND=noninteractive apt-get update && ${install}; }`],
      };
    }
    if (family === 'rhel') {
      const pkg = spec.packages.rhel;
      if (state.rpm === null) return { status: 'failed', message: `rpm is not on this rhel-family host (${pretty}): cannot tell whether ${pkg} is installed` };
      if (state.rpm === 'installed') return { status: 'ok', message: `${pkg} is installed` };
      const manager = bin('dnf') ? 'dnf' : bin('yum') ? 'yum' : null;
      if (!manager) return { status: 'failed', message: `${pkg} is not installed and neither dnf nor yum is on PATH: install it by hand` };
      return {
        status: 'pending',
        summary: `install ${pkg} with ${manager}`,
        diff: `+ package ${pkg}`,
        backup: [],
        commands: [`${manager} install -y ${quote(pkg)}`],
      };
    }
    return {
      status: 'failed',
      message: `unsupported OS family for ${pretty} (ID=${ctx.facts.os.id}): kremedy installs ${spec.packages.debian} with apt-get (debian family) or ${spec.packages.rhel} with yum/dnf (rhel family) only; install it by hand`,
    };
  },
};

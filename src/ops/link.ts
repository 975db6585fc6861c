import { quote } from '../shell/quote.js';
import { backupLink } from '../backup/write.js';
import { groupInUse, LINKS_NO_IP, LINKS_PROBE, linkFromListing, linkNames } from '../facts/links.js';
import { ProbeError, probeResult, type Operation } from './types.js';

export interface LinkState {
  present: boolean;
  /** `ip -d link show` and its IPv4 addresses: what the plan shows and the backup keeps. */
  details: string;
  /**
   * Whether some link of the listing is in kremedy's link group (LINK_DELETE_GROUP) already:
   * then the links are deleted one by one (deleteLinks). Read from the probe, in the same shell
   * the deletion runs in, so the host runs no second listing for it.
   */
  groupInUse?: boolean;
}


export const linkAbsent: Operation<'link-absent', LinkState> = {
  probes: () => [LINKS_PROBE],
  state(spec, results) {
    const out = probeResult(results, LINKS_PROBE.id).stdout;
    if (out.trim() === LINKS_NO_IP) throw new ProbeError('iproute2 (`ip`) is not installed: cannot see network links');
    const details = linkFromListing(out, spec.name);
    if (details === undefined) return { present: false, details: '' };
    // Bridge timers tick every second: left in, they would make every plan look drifted.
    return { present: true, details: details.replace(/\s\w+_timer\s+[\d.]+/g, ''), groupInUse: groupInUse(out, LINK_DELETE_GROUP) };
  },
  decide(spec, state, ctx) {
    if (!state.present) return { status: 'ok', message: `link ${spec.name} is absent` };
    return {
      status: 'pending',
      summary: `delete link ${spec.name}`,
      diff: summariseLink(spec.name, state.details).map((l) => `- ${l}`).join('\n'),
      backup: backupLink(spec.name, state.details, ctx),
      // No `set down` first: deleting a link takes it down, and a separate down waits for its own
      // RCU grace period under the kernel's global RTNL lock (~10-30 ms per link, every host's
      // link deletions queue on that lock).
      commands: [deleteLinks([spec.name])],
      fuse: { group: 'link-delete', link: spec.name, ...(state.groupInUse === undefined ? {} : { groupInUse: state.groupInUse }) },
    };
  },
};

// The words of `ip -d link show` worth reviewing; the full record goes to the backup.
const KIND_WORDS: Record<string, string[]> = {
  vxlan: ['id', 'local', 'dev', 'dstport', 'group', 'remote'],
  ipip: ['remote', 'local', 'dev'],
  tun: ['type'],
  bridge: [],
  veth: [],
  dummy: [],
};

/** A few readable lines per link: kind and identity, MTU and state, addresses. */
export function summariseLink(name: string, details: string): string[] {
  const lines = details.split('\n').map((l) => l.trim());
  const head = lines[0] ?? '';
  const flags = /<([^>]*)>/.exec(head)?.[1] ?? '';
  const mtu = /\bmtu (\d+)/.exec(head)?.[1];
  const kindLine = lines.find((l) => Object.keys(KIND_WORDS).some((k) => l.startsWith(`${k} `) || l === k));
  const kind = kindLine?.split(/\s+/)[0];
  const words = kindLine?.split(/\s+/) ?? [];
  const wanted = kind ? KIND_WORDS[kind] ?? [] : [];
  const attrs = wanted.flatMap((w) => {
    const i = words.indexOf(w);
    return i >= 0 && words[i + 1] ? [`${w} ${words[i + 1]}`] : [];
  });
  const addrs = lines.flatMap((l) => {
    const m = /\binet6? (\S+)/.exec(l);
    return m && !l.startsWith('link/') ? [`address ${m[1]}`] : [];
  });
  return [`link ${name}: ${kind ?? 'unknown kind'}${attrs.length ? ` (${attrs.join(', ')})` : ''}, mtu ${mtu ?? '?'}, ${flags.includes('UP') ? 'up' : 'down'}`, ...addrs];
}

/**
 * The group kremedy puts links in to delete them at once ("kr" in ASCII). Group numbers are the
 * host's own labels (`ip link set group`); nothing in Kubernetes or the CNIs uses them.
 */
export const LINK_DELETE_GROUP = 27506;

/** Names `ip -batch` reads as one word as they are: its tokenizer gives quotes a meaning. */
const PLAIN_LINK_NAME = /^[A-Za-z0-9_.@-]+$/;

/**
 * One command that deletes these links. The kernel waits for RCU grace periods to unregister a
 * link, under its RTNL lock; `ip link delete group N` unregisters every link of the group in one
 * pass, so two links cost one wait instead of two (measured on one fleet host: 41-71 ms against
 * 68-88 ms for flannel.1 and cni0; every host of a machine queues on the same lock). The links
 * join kremedy's group only if nothing is in it already: a link left there by a run that
 * stopped half-way, or put there by someone else, would be deleted with them. Then the links are
 * deleted one by one, as they are when one link is deleted or a name is not plain.
 * `groupInUse`: what the probe's listing said (its headers name each link's group), so no `ip`
 * runs to ask again; unknown (a plan from before the field), the host lists the group first
 * (one by one where `ip` cannot list a group).
 */
export function deleteLinks(names: readonly string[], groupInUse?: boolean): string {
  if (names.length === 1 || !names.every((n) => PLAIN_LINK_NAME.test(n))) return names.map((n) => `ip link delete dev ${quote(n)}`).join('\n');
  const group = LINK_DELETE_GROUP;
  const oneByOne = names.map((n) => `link delete dev ${n}`);
  const together = [...names.map((n) => `link set dev ${n} group ${group}`), `link delete group ${group}`];
  const batch = (lines: string[]) => `ip -batch - <<'KR_IP_EOF'\n${lines.join('\n')}\nKR_IP_EOF`;
  if (groupInUse !== undefined) return batch(groupInUse ? oneByOne : together);
  return `if kr_group=$(ip -o link show group ${group} 2>/dev/null) && [ -z "$kr_group" ]; then\n${batch(together)}\nelse\n${batch(oneByOne)}\nfi`;
}

/** A glob of link names (`tun-*`) as a regular expression; the builder allows only [A-Za-z0-9_.-*?]. */
export function linkGlobRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * Every link whose name matches a glob (kube-router's IPIP tunnels `tun-*`), each backed up
 * like a single link-absent, then deleted.
 */
export const linkGlobAbsent: Operation<'link-glob-absent', { links: Array<{ name: string; details: string }>; groupInUse?: boolean }> = {
  probes: () => [LINKS_PROBE],
  state(spec, results) {
    const out = probeResult(results, LINKS_PROBE.id).stdout;
    if (out.trim() === LINKS_NO_IP) throw new ProbeError('iproute2 (`ip`) is not installed: cannot see network links');
    const re = linkGlobRegex(spec.glob);
    const links = linkNames(out).filter((n) => re.test(n)).map((name) => ({ name, details: linkFromListing(out, name) ?? '' }));
    return links.length ? { links, groupInUse: groupInUse(out, LINK_DELETE_GROUP) } : { links };
  },
  decide(spec, state, ctx) {
    if (state.links.length === 0) return { status: 'ok', message: `no link matches ${spec.glob}` };
    return {
      status: 'pending',
      summary: `delete ${state.links.length} link(s) matching ${spec.glob}: ${state.links.map((l) => l.name).join(', ')}`,
      diff: state.links.flatMap((l) => summariseLink(l.name, l.details)).map((l) => `- ${l}`).join('\n'),
      backup: [...new Set(state.links.flatMap((l) => backupLink(l.name, l.details, ctx)))],
      commands: [deleteLinks(state.links.map((l) => l.name), state.groupInUse)],
    };
  },
};

import type { HostRecord, TaskRecord } from './collect.js';

// Fleet-scale review: hosts whose plans are the same are shown once. "The same" is decided on
// the plan's text with only the host's *own* values replaced by placeholders: its name, its
// inventory address, the addresses and MACs the plan itself says are on the host's links, and
// the run id. Any other value is compared as it is, so two hosts whose plans differ in one
// real line (another rule, another address in a rule, another count) never share a group.

/** What the CLI knows of a host beyond its name: the address it is reached at. */
export type HostAddresses = ReadonlyMap<string, readonly string[]>;

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}`;
const MAC = String.raw`[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}`;
/** Where a plan names an address or MAC of the host's own links (ops/link.ts's summaries, ip's words). */
const OWN_WORDS = new RegExp(String.raw`\b(?:address|local|inet6?|link/ether|ether|mac)\s+(${MAC}|${IPV4}|${IPV6})(?=[/\s,)]|$)`, 'g');

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The host's own values, longest first so that 10.0.0.10 is replaced before 10.0.0.1 could be. */
function ownValues(host: HostRecord, runId: string | undefined, addresses: readonly string[]): Array<{ value: string; kind: string }> {
  const found = new Map<string, string>();
  if (runId) found.set(runId, 'run');
  found.set(host.name, 'host');
  for (const a of addresses) if (!found.has(a)) found.set(a, /^[\d.]+$|:/.test(a) ? 'ip' : 'host');
  for (const t of host.tasks) {
    for (const text of [t.diff, t.message, t.summary]) {
      for (const m of (text ?? '').matchAll(OWN_WORDS)) {
        const v = m[1]!;
        if (!found.has(v)) found.set(v, new RegExp(`^${MAC}$`).test(v) ? 'mac' : 'ip');
      }
    }
  }
  return [...found].map(([value, kind]) => ({ value, kind })).sort((a, b) => b.value.length - a.value.length);
}

/**
 * Replaces the host's own values in a plan's texts by `<host>`, `<ip>`, `<ip2>`, `<mac>`, `<run>`,
 * numbered in order of first appearance across the whole plan: two plans are equal after this
 * exactly when they are equal up to a one-to-one renaming of their own values.
 */
export function normaliser(host: HostRecord, runId: string | undefined, addresses: readonly string[] = []): (text: string) => string {
  const values = ownValues(host, runId, addresses);
  if (values.length === 0) return (t) => t;
  // Whole tokens only: 10.0.0.1 inside 10.0.0.10, or w1 inside w10, is not the value.
  // A colon may follow an IPv4 address or a name (a port, a label), not an IPv6 address or MAC.
  const token = (v: string) => `(?<![\\w.:-])${escapeRe(v)}(?![\\w-]|\\.\\w${v.includes(':') ? '|:' : ''})`;
  const pattern = new RegExp(values.map((v) => token(v.value)).join('|'), 'g');
  const kindOf = new Map(values.map((v) => [v.value, v.kind]));
  const names = new Map<string, string>();
  const counts = new Map<string, number>();
  return (text) =>
    text.replace(pattern, (v) => {
      let name = names.get(v);
      if (!name) {
        const kind = kindOf.get(v)!;
        const n = (counts.get(kind) ?? 0) + 1;
        counts.set(kind, n);
        name = n === 1 ? `<${kind}>` : `<${kind}${n}>`;
        names.set(v, name);
      }
      return name;
    });
}

export interface HostPlanText {
  name: string;
  /** The host's tasks with their own values replaced (see normaliser). */
  tasks: TaskRecord[];
  /** How the host ended, normalised: `ok`, or `unreachable: <its message>`. */
  outcome: string;
  original: HostRecord;
}

/** A host's plan as compared: every text normalised, in one pass so placeholders number alike. */
export function normalisePlan(host: HostRecord, runId?: string, addresses: readonly string[] = []): HostPlanText {
  const norm = normaliser(host, runId, addresses);
  const tasks = host.tasks.map((t) => {
    const out: TaskRecord = { index: t.index, title: norm(t.title), status: t.status };
    if (t.message !== undefined) out.message = norm(t.message);
    if (t.summary !== undefined) out.summary = norm(t.summary);
    if (t.diff !== undefined) out.diff = norm(t.diff);
    return out;
  });
  const result = host.result ?? 'failed';
  const outcome = result === 'ok' ? 'ok' : `${result}: ${norm(host.message ?? '')}`;
  return { name: host.name, tasks, outcome, original: host };
}

/** What makes one task's line in the review (durations are measurements, not the plan). */
const taskKey = (t: TaskRecord) => JSON.stringify([t.index, t.title, t.status, t.message ?? null, t.summary ?? null, t.diff ?? null]);
const planKey = (p: HostPlanText) => JSON.stringify([p.outcome, p.tasks.map(taskKey)]);

/** Hosts with exactly the same (normalised) plan. */
export interface SamePlan {
  hosts: string[];
  /** The plan, normalised; for a single host, its own texts. */
  plan: HostPlanText;
}

/**
 * A group of hosts in the review: one common plan, and when its hosts' plans are only almost the
 * same, the tasks that vary (`varies`) and each set of hosts' own version of them.
 */
export interface ReviewGroup {
  hosts: string[];
  outcome: string;
  tasks: Array<TaskRecord & { varies?: boolean }>;
  /** Empty when every host has exactly this plan. */
  variants: Array<{ hosts: string[]; tasks: TaskRecord[] }>;
  /** Distinct exact plans in the group (1 + variants beyond the first, or 1). */
  distinct: number;
}

/** Exact groups, largest first (then by first host name, for a stable order). */
export function samePlans(plans: HostPlanText[]): SamePlan[] {
  const byKey = new Map<string, HostPlanText[]>();
  for (const p of plans) byKey.set(planKey(p), [...(byKey.get(planKey(p)) ?? []), p]);
  const groups = [...byKey.values()].map((ps) => ({
    hosts: ps.map((p) => p.name),
    // A lone host is shown with its real values: nothing was merged, so nothing needs a placeholder.
    plan: ps.length === 1 ? { ...ps[0]!, tasks: ps[0]!.original.tasks, outcome: rawOutcome(ps[0]!.original) } : ps[0]!,
  }));
  return groups.sort((a, b) => b.hosts.length - a.hosts.length || (a.hosts[0]! < b.hosts[0]! ? -1 : 1));
}

const rawOutcome = (h: HostRecord) => ((h.result ?? 'failed') === 'ok' ? 'ok' : `${h.result ?? 'failed'}: ${h.message ?? ''}`);

/** Plans are "almost the same" when they run the same tasks and differ in at most this many of them. */
function nearLimit(taskCount: number): number {
  return Math.max(2, Math.floor(taskCount / 5));
}

function differing(a: HostPlanText, b: HostPlanText): number[] | undefined {
  if (a.outcome !== b.outcome || a.tasks.length !== b.tasks.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < a.tasks.length; i++) {
    const x = a.tasks[i]!;
    const y = b.tasks[i]!;
    if (x.index !== y.index || x.title !== y.title) return undefined;
    if (taskKey(x) !== taskKey(y)) out.push(i);
  }
  return out;
}

/**
 * The review's groups: exact groups first joined into families of near-identical plans (the
 * largest exact group is each family's base), so 19 hosts that differ in one step's diff read as
 * one plan and that step per host.
 */
export function reviewGroups(plans: HostPlanText[]): ReviewGroup[] {
  const exact = samePlans(plans);
  const families: Array<{ base: SamePlan; members: SamePlan[] }> = [];
  for (const g of exact) {
    const fam = families.find((f) => {
      if (f.base.plan.tasks.length === 0) return false;
      const d = differing(f.base.plan, g.plan);
      return d !== undefined && d.length > 0 && d.length <= nearLimit(f.base.plan.tasks.length) && f.members.every((m) => differing(m.plan, g.plan) !== undefined);
    });
    if (fam) fam.members.push(g);
    else families.push({ base: g, members: [g] });
  }
  return families.map(({ base, members }) => {
    const hosts = members.flatMap((m) => m.hosts);
    if (members.length === 1) return { hosts, outcome: base.plan.outcome, tasks: base.plan.tasks, variants: [], distinct: 1 };
    // Compared normalised, shown normalised: members' lone hosts carry real values, so compare keys anew.
    const normal = members.map((m) => (m.hosts.length === 1 ? plans.find((p) => p.name === m.hosts[0])! : m.plan));
    const varies = new Set<number>();
    for (const n of normal.slice(1)) for (const i of differing(normal[0]!, n) ?? []) varies.add(i);
    const tasks = normal[0]!.tasks.map((t, i) => (varies.has(i) ? { ...t, varies: true } : t));
    const variants = members.map((m) => ({ hosts: m.hosts, tasks: m.plan.tasks.filter((_, i) => varies.has(i)) }));
    return { hosts, outcome: base.plan.outcome, tasks, variants, distinct: members.length };
  });
}

/** Number of distinct plans among these hosts (what the confirmation prompt names). */
export function distinctPlans(plans: HostPlanText[]): number {
  return new Set(plans.map(planKey)).size;
}

/** The same, from the collected run: the named hosts' plans, each normalised with its address. */
export function distinctPlansOf(hosts: HostRecord[], names: ReadonlySet<string>, runId: string, addresses: HostAddresses): number {
  return distinctPlans(hosts.filter((h) => names.has(h.name)).map((h) => normalisePlan(h, runId, addresses.get(h.name))));
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileInputError, InputError } from '../errors.js';
import type { ParamValues, Task } from '../dsl/types.js';
import type { Host, Inventory } from '../inventory/types.js';
import { VERSION } from '../version.js';
import type { HostPlan } from './types.js';

// 2: task statuses use the report's words (pending / failed / skipped, were change / fail / skip).
// 3: iptables states hold one entry per backend, and a change's restore is a list (issue 19).
// 4: a link's planned state says whether kremedy's link group is in use, read from the probe (issue 21).
export const PLAN_FORMAT = 'kremedy-plan/4';

export interface PlanFile {
  format: typeof PLAN_FORMAT;
  kremedyVersion: string;
  createdAt: string;
  runId: string;
  playbook: { name: string; digest: string };
  params: Record<string, unknown>;
  pattern: string;
  /** `sources`: every -i source (paths made absolute), when there were several or a host list: `file` alone cannot say it. */
  inventory: { file: string; sources?: string[]; digest: string; hosts: Array<{ name: string; address: string; port: number; user: string }> };
  hosts: HostPlan[];
  unreachable: Array<{ host: string; message: string }>;
  /** HMAC-SHA256 over everything above, with the plan key: an edited plan is refused. */
  signature: string;
}

export class PlanRefusedError extends InputError {}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The signing key: $KREMEDY_PLAN_KEY (pipelines: a masked secret shared by the plan and apply
 * jobs), else ~/.config/kremedy/plan.key, created on first use (same machine plan and apply).
 */
export function planKey(): Buffer {
  const env = process.env['KREMEDY_PLAN_KEY'];
  if (env) return Buffer.from(env, 'utf8');
  const file = path.join(process.env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'), 'kremedy', 'plan.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, randomBytes(32).toString('hex'), { mode: 0o600 });
    renameSync(tmp, file);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

/** Stable JSON (sorted keys) so the signature does not depend on property order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).filter((k) => obj[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sign(body: Omit<PlanFile, 'signature'>, key: Buffer): string {
  return createHmac('sha256', key).update(canonical(body)).digest('hex');
}

export function inventorySummary(inv: Inventory, text: string): PlanFile['inventory'] {
  const sources = inv.sources ?? [inv.file];
  const several = sources.length > 1 || sources.some((s) => s.includes(','));
  return {
    file: path.resolve(sources[0]!),
    ...(several ? { sources: sources.map((s) => (s.includes(',') ? s : path.resolve(s))) } : {}),
    digest: sha256(text),
    hosts: [...inv.hosts.values()].map((h) => ({ name: h.name, address: h.address, port: h.port, user: h.user })),
  };
}

export interface PlanInput {
  runId: string;
  playbook: { name: string; tasks: readonly Task[] };
  params: ParamValues;
  /** The host pattern in effect (apply's default selection). */
  pattern: string;
  inventory: Inventory;
  /** The inventory file's text, whose digest the plan records. */
  inventoryText: string;
  /** The selected hosts, in order; those without a plan (unreachable, not started) are left out. */
  hosts: readonly Host[];
  plans: ReadonlyMap<string, HostPlan>;
  unreachable: Array<{ host: string; message: string }>;
  now?: Date;
}

/** What a plan file says, before it is signed: the dry run's plans and everything apply checks them against. */
export function planFileBody(input: PlanInput): Omit<PlanFile, 'signature'> {
  return {
    format: PLAN_FORMAT,
    kremedyVersion: VERSION,
    createdAt: (input.now ?? new Date()).toISOString(),
    runId: input.runId,
    playbook: { name: input.playbook.name, digest: sha256(canonical(input.playbook.tasks.map((t) => ({ title: t.title, spec: t.spec })))) },
    params: input.params,
    pattern: input.pattern,
    inventory: inventorySummary(input.inventory, input.inventoryText),
    hosts: input.hosts.flatMap((h) => (input.plans.has(h.name) ? [input.plans.get(h.name)!] : [])),
    unreachable: input.unreachable,
  };
}

/** Pending steps and the hosts that have any: what plan, apply and the confirmation prompt report. */
export function countChanges(plans: Iterable<HostPlan>): { steps: number; hosts: number } {
  let steps = 0;
  let hosts = 0;
  for (const p of plans) {
    steps += p.tasks.filter((t) => t.status === 'pending').length;
    if (p.verdict === 'changes') hosts++;
  }
  return { steps, hosts };
}

export function writePlanFile(file: string, body: Omit<PlanFile, 'signature'>): PlanFile {
  const plan: PlanFile = { ...body, signature: sign(body, planKey()) };
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(plan, null, 2) + '\n');
  renameSync(tmp, file);
  return plan;
}

export function readPlanFile(file: string, opts: { maxAgeSeconds: number; now?: Date }): PlanFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileInputError(file, undefined, undefined, `cannot read plan: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let plan: PlanFile;
  try {
    plan = JSON.parse(text) as PlanFile;
  } catch (err) {
    throw new FileInputError(file, undefined, undefined, `not a plan file (invalid JSON: ${(err as Error).message})`);
  }
  if (typeof plan?.format === 'string' && /^kremedy-plan\/\d+$/.test(plan.format) && plan.format !== PLAN_FORMAT) {
    // A plan is a reviewed snapshot that expires within hours: make it again rather than translate it.
    throw new PlanRefusedError(`${file}: made by another kremedy version (format ${plan.format}, this one reads ${PLAN_FORMAT}); make the plan again with \`kremedy plan\``);
  }
  if (plan?.format !== PLAN_FORMAT) throw new PlanRefusedError(`${file}: not a kremedy plan (format ${JSON.stringify(plan?.format)}, expected ${PLAN_FORMAT})`);
  const { signature, ...body } = plan;
  const expected = Buffer.from(sign(body, planKey()), 'hex');
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new PlanRefusedError(
      `${file}: signature does not match: the plan was edited after it was made, or signed with another key (set the same KREMEDY_PLAN_KEY for plan and apply)`,
    );
  }
  const age = ((opts.now ?? new Date()).getTime() - Date.parse(plan.createdAt)) / 1000;
  if (!(age <= opts.maxAgeSeconds)) {
    throw new PlanRefusedError(`${file}: plan is ${Math.round(age)} s old, older than --max-age ${opts.maxAgeSeconds} s: make a new plan`);
  }
  return plan;
}

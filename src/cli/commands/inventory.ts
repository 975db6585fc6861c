import type { Host } from '../../inventory/types.js';
import { openInventory, resolveHosts, type InventoryOption } from '../common.js';
import { EXIT } from '../exit.js';

const SECRET = /pass(word)?$|_pass$|secret|token/i;

/** Inventory variables with anything that looks like a secret masked. */
export function redact(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, SECRET.test(k) ? '********' : v]));
}

/** The connection settings kremedy will use for a host, each with where it came from. */
function settings(h: Host) {
  const o = h.origins ?? {};
  const s = (value: unknown, origin: string | undefined) => ({ value, from: origin ?? 'default' });
  return {
    address: s(h.address, o.address),
    port: s(h.port, o.port),
    user: s(h.user, o.user),
    privateKeyFile: s(h.privateKeyFile ?? null, o.privateKeyFile),
    password: s(h.password === undefined ? null : '********', o.password),
    become: s(h.become, o.become),
    becomeUser: s(h.becomeUser ?? 'root', o.becomeUser),
    becomeMethod: s(h.becomeMethod ?? 'sudo', o.becomeMethod),
    becomePassword: s(h.becomePassword === undefined ? null : '********', o.becomePassword),
    connection: s(h.connection ?? 'ssh', o.connection),
    sshArgs: s(h.sshArgs?.map((a) => a.text) ?? [], h.sshArgs?.map((a) => a.origin).join('; ')),
  };
}

function writeSettings(h: Host): void {
  for (const [k, v] of Object.entries(settings(h))) {
    if (v.value === null || (Array.isArray(v.value) && v.value.length === 0)) continue;
    process.stdout.write(`    ${k}: ${JSON.stringify(v.value)}  (${v.from})\n`);
  }
  for (const r of h.refused ?? []) process.stdout.write(`    REFUSED: ${r}\n`);
}

export async function inventoryCommand(args: { inventory?: InventoryOption; hosts?: string; graph: boolean; json: boolean }): Promise<number> {
  if (args.graph) {
    const inv = await openInventory(args.inventory);
    const { renderGraph } = await import('../../inventory/index.js');
    // Like `ansible-inventory --graph GROUP`: --hosts names the group to start from (default: all).
    process.stdout.write(renderGraph(inv, args.hosts) + '\n');
    // The tree above is ansible-inventory's; after a blank line, what kremedy adds.
    const { matchHosts } = await import('../../inventory/index.js');
    process.stdout.write('\n# connection settings, and where each came from\n');
    for (const h of matchHosts(inv, args.hosts ?? 'all').hosts) {
      process.stdout.write(`  ${h.name}\n`);
      writeSettings(h);
    }
    return EXIT.ok;
  }
  const { hosts } = await resolveHosts({ ...args, listing: true });
  const view = hosts.map((h) => ({
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    become: h.become,
    groups: h.groups,
    settings: settings(h),
    ...(h.refused ? { refused: h.refused } : {}),
    vars: redact(h.vars),
  }));
  if (args.json) {
    process.stdout.write(JSON.stringify(view, null, 2) + '\n');
    return EXIT.ok;
  }
  for (const [i, h] of view.entries()) {
    process.stdout.write(`${h.name}  ${h.user}@${h.address}:${h.port}${h.become ? ' (become)' : ''}  groups: ${h.groups.join(', ')}\n`);
    writeSettings(hosts[i]!);
    for (const [k, v] of Object.entries(h.vars)) process.stdout.write(`    ${k}: ${JSON.stringify(v)}\n`);
  }
  process.stdout.write(`${view.length} host(s)\n`);
  return EXIT.ok;
}

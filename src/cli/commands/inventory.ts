import { openInventory, resolveHosts, type InventoryOption } from '../common.js';
import { EXIT } from '../exit.js';

const SECRET = /pass(word)?$|_pass$|secret|token/i;

/** Inventory variables with anything that looks like a secret masked. */
export function redact(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, SECRET.test(k) ? '********' : v]));
}

export async function inventoryCommand(args: { inventory?: InventoryOption; hosts?: string; graph: boolean; json: boolean }): Promise<number> {
  if (args.graph) {
    const inv = await openInventory(args.inventory);
    const { renderGraph } = await import('../../inventory/index.js');
    // Like `ansible-inventory --graph GROUP`: --hosts names the group to start from (default: all).
    process.stdout.write(renderGraph(inv, args.hosts) + '\n');
    return EXIT.ok;
  }
  const { hosts } = await resolveHosts(args);
  const view = hosts.map((h) => ({
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    become: h.become,
    groups: h.groups,
    vars: redact(h.vars),
  }));
  if (args.json) {
    process.stdout.write(JSON.stringify(view, null, 2) + '\n');
    return EXIT.ok;
  }
  for (const h of view) {
    process.stdout.write(`${h.name}  ${h.user}@${h.address}:${h.port}${h.become ? ' (become)' : ''}  groups: ${h.groups.join(', ')}\n`);
    for (const [k, v] of Object.entries(h.vars)) process.stdout.write(`    ${k}: ${JSON.stringify(v)}\n`);
  }
  process.stdout.write(`${view.length} host(s)\n`);
  return EXIT.ok;
}

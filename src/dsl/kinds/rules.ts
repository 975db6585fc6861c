import path from 'node:path';
import { InputError } from '../../errors.js';
import type { IptablesTable } from '../task.js';
import { IPTABLES_TABLES } from '../task.js';
import type { JsonSchema } from './form.js';

// Rules more than one kind validates by. Builders validate at construction, so a bad name from a
// parameter is refused before any host is touched, and every value that reaches a shell is known
// to be a plain name or gets quoted. Link and chain names follow the one rule for names in remote
// commands (shell/quote.ts SAFE_NAME_RULES: no leading "-", which a tool would read as an option).

export const BUILTIN_CHAINS: Record<IptablesTable, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

export function assertTable(table: string): asserts table is IptablesTable {
  if (!(IPTABLES_TABLES as readonly string[]).includes(table)) throw new InputError(`unknown iptables table "${table}"`);
}

export const tableSchema: JsonSchema = { enum: [...IPTABLES_TABLES], description: 'iptables table' };

export function assertAbsolutePath(p: string): void {
  if (!p.startsWith('/') || p.includes('\0') || p.includes('\n') || path.posix.normalize(p) !== p || p === '/') {
    throw new InputError(`path must be absolute and normalised (and not /): ${JSON.stringify(p)}`);
  }
}

const OCTET = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
/** A dotted-quad IPv4 address, nothing else (no leading zeros, no CIDR): for parameters and pins. */
export const IPV4_ADDRESS = new RegExp(String.raw`^${OCTET}(\.${OCTET}){3}$`);
/** The same, with an optional `:PORT` (a DNS server to ask). */
export const IPV4_ADDRESS_PORT = new RegExp(String.raw`^${OCTET}(\.${OCTET}){3}(:\d{1,5})?$`);

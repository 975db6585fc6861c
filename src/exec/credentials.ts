import { readFileSync } from 'node:fs';
import { FileInputError } from '../errors.js';
import type { Host } from '../inventory/types.js';

/**
 * Key files are read up front, once per path: an unreadable key is bad input (exit 1) found
 * before any host is touched, not a failure discovered on host 57.
 */
export function loadPrivateKeys(hosts: readonly Host[]): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const h of hosts) {
    const file = h.privateKeyFile;
    if (!file || keys.has(file)) continue;
    try {
      keys.set(file, readFileSync(file));
    } catch (err) {
      throw new FileInputError(file, undefined, undefined, `cannot read private key for host ${h.name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return keys;
}

import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { FileInputError } from '../errors.js';
import type { Host } from '../inventory/types.js';

/**
 * Key files are read up front, once per path: an unreadable key is bad input (exit 1) found
 * before any host is touched, not a failure discovered on host 57.
 */
export function loadPrivateKeys(hosts: ReadonlyArray<Pick<Host, 'name' | 'privateKeyFile'>>): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const h of hosts) {
    const file = h.privateKeyFile;
    if (!file || keys.has(file)) continue;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw new FileInputError(file, undefined, undefined, `cannot read private key for host ${h.name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // A file that is not a usable key (a public key, junk, passphrase-protected) is bad input
    // too: otherwise every host using it would be reported unreachable, one by one.
    const parsed = ssh2.utils.parseKey(data);
    if (parsed instanceof Error) {
      const why = /passphrase/i.test(parsed.message) ? 'it is protected by a passphrase; load it into ssh-agent (SSH_AUTH_SOCK) instead' : parsed.message;
      throw new FileInputError(file, undefined, undefined, `not a usable private key for host ${h.name}: ${why}`);
    }
    keys.set(file, data);
  }
  return keys;
}

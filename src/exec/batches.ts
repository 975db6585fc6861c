import { InputError } from '../errors.js';

/** `N` or `N%` of `total`; percentages round down but never below 1 (as Ansible's serial). */
export function resolveCount(flag: string, value: string, total: number, opts: { allowZero: boolean }): number {
  const m = /^(\d+)(%?)$/.exec(value.trim());
  if (!m) throw new InputError(`${flag} takes a number or a percentage (N or N%), got ${JSON.stringify(value)}`);
  const n = Number(m[1]);
  if (m[2]) {
    if (n > 100) throw new InputError(`${flag} percentage must be at most 100%, got ${value}`);
    const count = Math.floor((total * n) / 100);
    return opts.allowZero ? count : Math.max(1, count);
  }
  if (n === 0 && !opts.allowZero) throw new InputError(`${flag} must be at least 1`);
  return n;
}

export function splitBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

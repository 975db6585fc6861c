// `--shard i/n`: one inventory spread over the parallel jobs of a CI system (GitLab
// `parallel: N` with CI_NODE_INDEX/CI_NODE_TOTAL, a GitHub Actions matrix).
//
// A host's shard is a function of its name alone: the first 48 bits of SHA-256(name) mod n.
// Not sorted-order slicing: slicing moves hosts between shards whenever one is added or
// removed, so the job that fixed a host yesterday would not be the one that sees it today;
// with the hash, adding or removing hosts leaves every other host where it was. SHA-256, not a
// hand-rolled hash: the split can be reproduced outside kremedy
// (`printf %s NAME | sha256sum | cut -c1-12`, then mod n), and is the same on every platform and
// version. The price is balance: shards are even only on average (binomially), so a tiny
// inventory can leave a shard empty, which is "nothing to do", not an error.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

export interface Shard {
  /** 1-based, as CI_NODE_INDEX. */
  index: number;
  total: number;
}

/** `i/n` with 1 ≤ i ≤ n, as the user wrote it; anything else is bad input, said plainly. */
export function parseShard(spec: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new InputError(`--shard must be i/n (e.g. --shard 2/4, or --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"), got "${spec}"`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (!Number.isSafeInteger(total) || total < 1) throw new InputError(`--shard ${spec}: the number of shards must be at least 1`);
  if (!Number.isSafeInteger(index) || index < 1 || index > total) {
    throw new InputError(`--shard ${spec}: the shard must be between 1 and ${total} (shards are numbered from 1, as CI_NODE_INDEX)`);
  }
  return { index, total };
}

/** The 1-based shard of a host name among `total`. */
export function shardOf(name: string, total: number): number {
  const h = createHash('sha256').update(name, 'utf8').digest();
  return (h.readUIntBE(0, 6) % total) + 1;
}

/** The selected items in shard `shard`, in their original (inventory) order. */
export function inShard<T extends { name: string }>(items: readonly T[], shard: Shard): T[] {
  return items.filter((x) => shardOf(x.name, shard.total) === shard.index);
}

/** Run `work` over items with at most `limit` in flight; stops starting new items once `shouldStop()` is true. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<T[]> {
  const notStarted: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      if (shouldStop()) {
        notStarted.push(item);
        continue;
      }
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return notStarted;
}

/** A counting semaphore: `limit(fn)` runs fn once fewer than `n` limited calls are in flight. */
export function limiter(n: number): <R>(fn: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    // A finishing call hands its slot straight to the next waiter, so a newcomer arriving in
    // between cannot take it too and push the count past n.
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

import test from 'ava';
import { limiter } from '../../src/exec/pool.js';

// The limiter (src/exec/pool.ts; src/exec/connector.ts bounds SSH handshakes with it): never more than n in flight, everyone gets a turn,
// and a failing call frees its slot.
test('limiter: at most n calls in flight, all complete, a rejection frees its slot', async (t) => {
  const limit = limiter(3);
  let active = 0;
  let peak = 0;
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5 + (i % 4)));
        active--;
        if (i % 5 === 0) throw new Error(`boom ${i}`);
        return i;
      }),
    ),
  );
  t.is(peak, 3);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 16);
  t.is(results.filter((r) => r.status === 'rejected').length, 4);
});

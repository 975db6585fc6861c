import test from 'ava';
import { probeEach } from '../../src/exec/probe-each.js';
import type { Host } from '../../src/inventory/types.js';
import type { HostConnection } from '../../src/ssh/connection.js';

const host = (name: string): Host => ({ name, address: name, port: 22, user: 'root', become: false, groups: [], vars: {} }) as unknown as Host;

test('every host gets a result in inventory order: a value, or the error of connect or of fn; every opened session is closed', async (t) => {
  const closed: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const connect = async (h: Host) => {
    if (h.name === 'down') throw new Error('connect ECONNREFUSED');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, h.name === 'a' ? 30 : 1)); // a finishes last
    return { close: () => { inFlight--; closed.push(h.name); } } as unknown as HostConnection;
  };
  const results = await probeEach([host('a'), host('down'), host('boom'), host('b')], { connect, forks: 2 }, async (_conn, h) => {
    if (h.name === 'boom') throw new Error('probe failed');
    return h.name.toUpperCase();
  });
  t.deepEqual(
    results.map((r) => ('value' in r ? [r.host.name, r.value] : [r.host.name, r.error])),
    [['a', 'A'], ['down', 'connect ECONNREFUSED'], ['boom', 'probe failed'], ['b', 'B']],
  );
  t.deepEqual(closed.sort(), ['a', 'b', 'boom'], 'closed after a value and after a failed fn');
  t.true(maxInFlight <= 2, `at most --forks sessions at once, saw ${maxInFlight}`);
});

import test from 'ava';
import net from 'node:net';
import { DEFAULT_MAX_HANDSHAKES, HANDSHAKES_PER_CORE, handshakeLimit, hostConnector } from '../../src/exec/connector.js';
import { parseKnownHosts } from '../../src/ssh/known-hosts.js';
import type { Host } from '../../src/inventory/types.js';

// A local listener that hangs up on every connection: a handshake that breaks before anything
// runs on the host, which kremedy tries once more before it reports the host unreachable.
async function hangUpServer(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, connections: () => n, close: () => server.close() };
}

const hostKeys = { knownHosts: parseKnownHosts('', 'kh'), knownHostsFile: 'kh', trustNewHosts: false };
// ansible_port set: the port counts only when the inventory gives it (otherwise 22 or ssh_config's).
const host = (port: number): Host => ({ name: 'h', address: '127.0.0.1', port, user: 'root', become: false, password: 'x', groups: [], vars: { ansible_port: port } }) as unknown as Host;

test.serial('a broken handshake is tried twice, then reported with the number of attempts', async (t) => {
  const srv = await hangUpServer();
  try {
    const connect = hostConnector([host(srv.port)], { hostKeys, connectTimeoutMs: 5000 });
    const err = await t.throwsAsync(connect(host(srv.port)));
    t.regex(err!.message, /; 2 attempts$/);
    t.is(srv.connections(), 2);
  } finally {
    srv.close();
  }
});

test.serial('KREMEDY_CONNECT_ATTEMPTS=1 turns the retry off', async (t) => {
  const srv = await hangUpServer();
  process.env['KREMEDY_CONNECT_ATTEMPTS'] = '1';
  try {
    const connect = hostConnector([host(srv.port)], { hostKeys, connectTimeoutMs: 5000 });
    const err = await t.throwsAsync(connect(host(srv.port)));
    t.notRegex(err!.message, /attempts/);
    t.is(srv.connections(), 1);
  } finally {
    delete process.env['KREMEDY_CONNECT_ATTEMPTS'];
    srv.close();
  }
});

test('handshake limit: four per core for a fleet on local subnets, the default otherwise; KREMEDY_MAX_HANDSHAKES fixes it', (t) => {
  t.is(handshakeLimit(undefined, 2, true), 2 * HANDSHAKES_PER_CORE);
  t.is(handshakeLimit(undefined, 64, true), DEFAULT_MAX_HANDSHAKES, 'never more than the default');
  t.is(handshakeLimit(undefined, 2, false), DEFAULT_MAX_HANDSHAKES);
  t.is(handshakeLimit('6', 2, false), 6);
  t.is(handshakeLimit('6', 2, true), 6);
  t.is(handshakeLimit('nonsense', 2, true), 2 * HANDSHAKES_PER_CORE);
  t.is(handshakeLimit('0', 2, false), DEFAULT_MAX_HANDSHAKES);
});

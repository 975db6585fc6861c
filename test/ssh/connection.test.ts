import test from 'ava';
import { Client } from 'ssh2';
import { HOSTKEYS_PROOF_SKIPPED, skipHostKeysProof } from '../../src/ssh/connection.js';

type Handler = (proto: { requestSuccess(): void }, name: string, wantReply: boolean, data: unknown) => void;

function wrappedClient(): { handler: Handler; seen: string[]; replies: () => number } {
  const seen: string[] = [];
  const client = new Client() as unknown as { _protocol: { _handlers: Record<string, Handler> } };
  client._protocol = { _handlers: { GLOBAL_REQUEST: (_p, name) => void seen.push(name) } };
  skipHostKeysProof(client as unknown as Client);
  let n = 0;
  const handler = client._protocol._handlers['GLOBAL_REQUEST']!;
  return { handler: (p, ...rest) => handler({ requestSuccess: () => void (n++, p.requestSuccess()) }, ...rest), seen, replies: () => n };
}

test('the host-key announcement is dropped (no proof asked for); other global requests still reach ssh2', (t) => {
  const { handler, seen, replies } = wrappedClient();
  handler({ requestSuccess() {} }, 'hostkeys-00@openssh.com', false, []);
  t.deepEqual(seen, [], 'ssh2 never saw the announcement, so it sent no hostkeys-prove-00');
  t.is(replies(), 0, 'OpenSSH sends it without want-reply: nothing is answered');
  handler({ requestSuccess() {} }, 'hostkeys-00@openssh.com', true, []);
  t.is(replies(), 1, 'a peer that wants a reply gets success');
  handler({ requestSuccess() {} }, 'keepalive@openssh.com', true, undefined);
  t.deepEqual(seen, ['keepalive@openssh.com']);
});

test('ssh2 keeps its handlers where the wrapper expects them (a new ssh2 that moved them fails here)', (t) => {
  const client = new Client();
  client.on('error', () => {});
  client.connect({ host: '127.0.0.1', port: 9, username: 'x', readyTimeout: 1000 });
  skipHostKeysProof(client);
  const handler = (client as unknown as { _protocol?: { _handlers?: Record<string, unknown> } })._protocol?._handlers?.['GLOBAL_REQUEST'] as Record<symbol, unknown> | undefined;
  t.true(handler?.[HOSTKEYS_PROOF_SKIPPED]);
  client.destroy();
});

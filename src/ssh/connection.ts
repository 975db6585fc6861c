import type { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Host } from '../inventory/types.js';
import { quote } from '../shell/quote.js';
import { appendKnownHost, checkHostKey, fingerprint, hostKeyAlgorithmsFor, keyTypeOf, type KnownHosts } from './known-hosts.js';

/** Why a session could not be established. All of them mean: nothing ran on the host. */
export type UnreachableReason = 'network' | 'timeout' | 'auth' | 'host-key';

export class HostUnreachableError extends Error {
  constructor(readonly reason: UnreachableReason, message: string) {
    super(message);
  }
}

type GlobalRequestHandler = (proto: { requestSuccess(): void }, name: string, wantReply: boolean, data: unknown) => void;

/**
 * After login OpenSSH's sshd announces all its host keys (hostkeys-00@openssh.com, for the
 * client's UpdateHostKeys), and ssh2 answers by asking the host to prove it holds each one
 * (hostkeys-prove-00): the host signs with every key, an RSA one among them, and ssh2 verifies
 * each signature. kremedy never learns keys from that announcement (a new host's key is the one
 * the key exchange verified, recorded only with --trust-new-hosts), as OpenSSH's own client
 * never does when known_hosts is not its default file. The proof was ~5 ms of our CPU per host
 * (a fifth of a run's client CPU) plus the host's signatures, for nothing. ssh2 has no option
 * for it, so its handler is wrapped: the announcement is acknowledged and dropped, every other
 * global request goes to ssh2 as before. If ssh2's internals change, this does nothing.
 */
export function skipHostKeysProof(client: Client): void {
  const handlers = (client as unknown as { _protocol?: { _handlers?: Record<string, unknown> } })._protocol?._handlers;
  const original = handlers?.['GLOBAL_REQUEST'];
  if (!handlers || typeof original !== 'function') return;
  const wrapped: GlobalRequestHandler = (proto, name, wantReply, data) => {
    if (name !== 'hostkeys-00@openssh.com') return (original as GlobalRequestHandler)(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess();
  };
  handlers['GLOBAL_REQUEST'] = Object.assign(wrapped, { [HOSTKEYS_PROOF_SKIPPED]: true });
}

/** Marks the wrapped handler (tests check that ssh2 still calls it). */
export const HOSTKEYS_PROOF_SKIPPED = Symbol('hostkeys proof skipped');

/** A command that did not finish: the connection dropped or it ran past its timeout. */
export class CommandAbortedError extends Error {}

export interface HostKeyPolicy {
  knownHosts: KnownHosts;
  /** Where newly trusted keys are recorded (with --trust-new-hosts). */
  knownHostsFile: string;
  trustNewHosts: boolean;
}

/**
 * How every connection is checked and bounded, direct or through a jump host: the one
 * connection-options type, which ssh/access.ts's HostAccess and the CLI's settings extend.
 */
export interface SshAccess {
  hostKeys: HostKeyPolicy;
  connectTimeoutMs: number;
}

/** One connection: the host and its credentials, under the shared access policy. */
export interface ConnectOptions extends SshAccess {
  host: Host;
  privateKey?: Buffer;
  agent?: string;
  /** A stream to speak SSH over instead of a TCP connection: a channel forwarded by a jump host. */
  sock?: Duplex;
}

export interface ExecOptions {
  timeoutMs: number;
  /** Called with each stdout chunk as it arrives (for streamed step markers). */
  onStdout?: (chunk: string, channel: ClientChannel) => void;
  /** Keep stdin open after the sudo password (step scripts read go/stop from it). */
  keepStdinOpen?: boolean;
}

/** One `sh -s` on the host, fed script after script (see HostConnection.shell). */
export interface ShellSession {
  /** From now on: where stdout chunks go, and the deadline (from now) for the shell to exit. */
  phase(opts: ExecOptions): void;
  /** Sends a script; the shell runs it once it has read all of it. */
  send(script: string): void;
  /** Closes stdin: the shell exits once it has run what it was sent. */
  end(): void;
  /** Never rejects: the shell's output once it exited, or why it did not (deadline, connection lost). */
  readonly ended: Promise<ExecResult | Error>;
  readonly stderr: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal?: string;
  durationMs: number;
}

const isPrivileged = (h: Host) => h.user === 'root' || !h.become;

/**
 * Test instrumentation: the most channels any one connection had open at once. kremedy opens
 * one at a time per connection (OpenSSH's MaxSessions defaults to 10); test/e2e/load.test.ts
 * proves it by setting KREMEDY_DEBUG_CHANNELS=1, which prints this figure when the process exits.
 */
export const channelStats = { maxPerConnection: 0, execs: 0 };
if (process.env['KREMEDY_DEBUG_CHANNELS'] === '1') {
  process.on('exit', () => {
    process.stderr.write(`kremedy-debug: execs=${channelStats.execs} max-concurrent-channels-per-connection=${channelStats.maxPerConnection}\n`);
  });
}

export class HostConnection {
  private closed = false;
  private closeReason: string | undefined;
  private openChannels = 0;

  private constructor(private readonly client: Client, readonly host: Host) {
    client.on('close', () => {
      this.closed = true;
    });
    client.on('error', (err) => {
      this.closeReason = err.message;
    });
  }

  static async open(opts: ConnectOptions): Promise<HostConnection> {
    return new HostConnection(await HostConnection.openClient(opts), opts.host);
  }

  /**
   * An authenticated ssh2 client whose host key passed the known_hosts check; for a target
   * host and for a jump host alike. The key is looked up under the host's own address and
   * port even when the connection runs through a jump host, as OpenSSH does.
   */
  static openClient(opts: ConnectOptions): Promise<Client> {
    const { host } = opts;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let keyVerdict: string | undefined;
      let settled = false;
      const settle = (fn: () => void) => {
        if (!settled) {
          settled = true;
          fn();
        }
      };
      const config: ConnectConfig = {
        host: host.address,
        port: host.port,
        username: host.user,
        readyTimeout: opts.connectTimeoutMs,
        // Dead peers (host powered off mid-run) are noticed within ~15 s instead of TCP's minutes.
        keepaliveInterval: 5000,
        keepaliveCountMax: 3,
        ...(opts.privateKey ? { privateKey: opts.privateKey } : {}),
        ...(opts.agent ? { agent: opts.agent } : {}),
        ...(host.password ? { password: host.password } : {}),
        ...(opts.sock ? { sock: opts.sock } : {}),
        // Ask for the key types we already know for this host first, as OpenSSH does; otherwise a
        // host known only by its RSA key would look "changed" when it offers ed25519.
        algorithms: { serverHostKey: hostKeyAlgorithmsFor(opts.hostKeys.knownHosts, host.address, host.port) as never },
        // ssh2 accepts every host key unless told otherwise: this is the only gate.
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          const lookupName = host.address;
          const verdict = checkHostKey(opts.hostKeys.knownHosts, lookupName, host.port, key);
          switch (verdict.kind) {
            case 'match':
              return verify(true);
            case 'revoked':
              keyVerdict = `host key ${fingerprint(key)} for ${lookupName} is marked @revoked in ${opts.hostKeys.knownHostsFile}:${verdict.line}`;
              return verify(false);
            case 'changed':
              keyVerdict =
                `HOST KEY CHANGED for ${lookupName}:${host.port}: it offered ${keyTypeOf(key)} ${fingerprint(key)}, ` +
                `but ${opts.hostKeys.knownHostsFile}:${verdict.line} expects ${verdict.expectedFingerprints.join(' or ')}. ` +
                `Someone may be intercepting the connection, or the host was reinstalled; remove the old key only once you know which.`;
              return verify(false);
            case 'unknown':
              if (!opts.hostKeys.trustNewHosts) {
                keyVerdict =
                  `host ${lookupName}:${host.port} is not in ${opts.hostKeys.knownHostsFile} (it offered ${keyTypeOf(key)} ${fingerprint(key)}); ` +
                  `verify the fingerprint and pass --trust-new-hosts to record it`;
                return verify(false);
              }
              appendKnownHost(opts.hostKeys.knownHostsFile, lookupName, host.port, key).then(
                () => verify(true),
                (err: Error) => {
                  keyVerdict = `cannot record the new host key in ${opts.hostKeys.knownHostsFile}: ${err.message}`;
                  verify(false);
                },
              );
          }
        },
      };
      // How far the handshake got, for a timeout's message: a host whose sshd never answered
      // (a loaded machine) reads differently from one that stalled in authentication.
      let stage = 'no TCP connection';
      client.on('connect', () => (stage = 'TCP connected, sshd did not finish the key exchange'));
      client.on('handshake', () => (stage = 'key exchange done, authentication did not finish'));
      client.on('ready', () => settle(() => resolve(client)));
      // A stream we were given (a jump host's channel) lives and dies with this connection:
      // ssh2 only ends it, and the jump host counts it as open until it is closed.
      if (opts.sock) client.once('close', () => opts.sock!.destroy());
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        settle(() => {
          client.destroy();
          if (keyVerdict) return reject(new HostUnreachableError('host-key', keyVerdict));
          if (err.level === 'client-authentication') {
            return reject(
              new HostUnreachableError('auth', `authentication failed for ${host.user}@${host.address}:${host.port} (tried: ${describeAuth(opts)})`),
            );
          }
          if (/timed out/i.test(err.message)) {
            return reject(new HostUnreachableError('timeout', `connection to ${host.address}:${host.port} timed out after ${opts.connectTimeoutMs} ms (${stage})`));
          }
          reject(new HostUnreachableError('network', `cannot connect to ${host.address}:${host.port}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' ')));
        });
      });
      client.on('close', () =>
        settle(() => reject(new HostUnreachableError('network', keyVerdict ?? `connection to ${host.address}:${host.port} closed during handshake`))),
      );
      client.connect(config);
      skipHostKeysProof(client);
    });
  }

  /**
   * Runs a shell script on the host with `/bin/sh -s` and waits for the shell to exit. See
   * {@link HostConnection.shell}.
   */
  async exec(script: string, opts: ExecOptions): Promise<ExecResult> {
    const session = await this.shell();
    session.phase(opts);
    session.send(script);
    if (!opts.keepStdinOpen) session.end();
    const r = await session.ended;
    if (r instanceof Error) throw r;
    return r;
  }

  /**
   * Starts `/bin/sh -s` on the host (through sudo when the inventory asks to become root) and
   * keeps it: scripts are sent to its stdin one after the other, each framed so that it is
   * parsed whole before it runs ({@link stdinScript}). A run sends the probe script, reads the
   * output, plans, and sends the step script to the same shell: one channel, one shell per
   * host. On stdin, not on the command line: no ARG_MAX limit (a backup of a large iptables
   * table is part of the step script), nothing of it in `ps`.
   */
  shell(): Promise<ShellSession> {
    const started = Date.now();
    const privileged = isPrivileged(this.host);
    const sentinel = `@@KR-SCRIPT-${Math.random().toString(36).slice(2, 10)}`;
    const command = privileged ? '/bin/sh -s' : `sudo -S -p '' /bin/sh -c ${quote(becomeBootstrap(sentinel))}`;
    return new Promise((resolveShell, rejectShell) => {
      if (this.closed) return rejectShell(new CommandAbortedError(`connection to ${this.host.name} is closed${this.closeReason ? `: ${this.closeReason}` : ''}`));
      this.openChannels++;
      channelStats.execs++;
      channelStats.maxPerConnection = Math.max(channelStats.maxPerConnection, this.openChannels);
      this.client.exec(command, (err, channel) => {
        if (err) {
          this.openChannels--;
          return rejectShell(new CommandAbortedError(`cannot start a command on ${this.host.name}: ${err.message}`));
        }
        let stdout = '';
        let stderr = '';
        let done = false;
        let timer: NodeJS.Timeout | undefined;
        let onStdout: ExecOptions['onStdout'];
        let settle: (r: ExecResult | Error) => void = () => {};
        const ended = new Promise<ExecResult | Error>((resolve) => (settle = resolve));
        const finish = (r: ExecResult | Error) => {
          if (done) return;
          done = true;
          this.openChannels--;
          if (timer) clearTimeout(timer);
          this.client.off('close', onClientClose);
          settle(r);
        };
        const onClientClose = () =>
          finish(new CommandAbortedError(`connection to ${this.host.name} was lost while a command was running${this.closeReason ? ` (${this.closeReason})` : ''}`));
        this.client.once('close', onClientClose);
        channel.setEncoding('utf8');
        channel.stderr.setEncoding('utf8');
        channel.on('data', (chunk: string) => {
          stdout += chunk;
          onStdout?.(chunk, channel);
        });
        channel.stderr.on('data', (chunk: string) => {
          stderr += chunk;
        });
        channel.on('close', (code: number | null, signal?: string) =>
          finish({ stdout, stderr, code, ...(signal ? { signal } : {}), durationMs: Date.now() - started }),
        );
        if (!privileged && this.host.becomePassword !== undefined) channel.write(`${this.host.becomePassword}\n`);
        if (!privileged) channel.write(`${sentinel}\n`);
        resolveShell({
          ended,
          get stderr() {
            return stderr;
          },
          phase: (opts) => {
            onStdout = opts.onStdout;
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
              channel.close();
              finish(new CommandAbortedError(`command on ${this.host.name} did not finish within ${opts.timeoutMs} ms`));
            }, opts.timeoutMs);
          },
          send: (script) => {
            if (!done) channel.write(stdinScript(script));
          },
          end: () => {
            if (!done) channel.end();
          },
        });
      });
    });
  }

  close(): void {
    if (!this.closed) this.client.end();
    this.closed = true;
  }
}

/**
 * The script as `sh -s` reads it: one brace group, so the shell parses all of it before it
 * runs any of it. Without that, a command of the script that reads stdin (the step script's
 * go-ahead `read`) could swallow the rest of the script, and a go-ahead could be parsed as a
 * command.
 */
export function stdinScript(script: string): string {
  return `{\n${script}\n}\n`;
}

/**
 * With sudo, stdin first carries the password when sudo asks for one, and nothing when it does
 * not (NOPASSWD, cached credentials); kremedy cannot know which. The shell sudo starts skips
 * lines up to a sentinel (a password line, if sudo left it, is read and dropped, never run),
 * then becomes `sh -s` on the rest. `read` takes one byte at a time: nothing past the sentinel
 * is consumed.
 */
export function becomeBootstrap(sentinel: string): string {
  return `while IFS= read -r kr_l; do [ "$kr_l" = '${sentinel}' ] && exec /bin/sh -s; done; exit 126`;
}

function describeAuth(opts: ConnectOptions): string {
  const tried = [];
  if (opts.privateKey) tried.push(`key ${opts.host.privateKeyFile ?? ''}`.trim());
  if (opts.agent) tried.push('ssh-agent');
  if (opts.host.password) tried.push('password');
  return tried.length ? tried.join(', ') : 'no credentials: set ansible_ssh_private_key_file, ansible_password or SSH_AUTH_SOCK';
}

// Jump hosts (bastions): one SSH connection per jump host, shared by every host behind it.
// Each target gets a forwarded channel ("direct-tcpip", what `ssh -J` uses) and speaks SSH to
// the target over it; a chain of jump hosts is the same thing repeated (the second jump host's
// connection runs over a channel of the first).
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type { Host } from '../inventory/types.js';
import { HostConnection, HostUnreachableError, type SshAccess } from './connection.js';
import type { Endpoint } from './route.js';

/**
 * Forwarded channels open at once on one jump host connection. OpenSSH's sshd allows 10
 * sessions per connection (MaxSessions) and some bastions apply such limits to forwarded
 * channels too; a channel stays open as long as the host behind it is worked on, so the 11th
 * host waits for a slot (its connect timeout starts once it has one). KREMEDY_JUMP_CHANNELS
 * overrides it.
 */
export const DEFAULT_JUMP_CHANNELS = 10;

export interface JumpAuth extends SshAccess {
  keys: ReadonlyMap<string, Buffer>;
  agent?: string;
  /** The handshake limiter shared with direct connections. */
  handshake: <R>(fn: () => Promise<R>) => Promise<R>;
}

/** A stream to the destination through the jump chain; closing it frees its channel slot. */
export interface Tunnel {
  stream: Duplex;
}

interface JumpConnection {
  client: Client;
  endpoint: Endpoint;
  /** Channels open or being opened (slots taken). */
  open: number;
  waiting: Array<() => void>;
  /** Drops it from the pool (it is closing: a later tunnel opens a new connection). */
  forget: () => void;
  /** The channel of the jump host before it that this connection runs over, if any. */
  sock?: Duplex;
}

/**
 * A jump host itself could not be reached. It stays failed for the run (every host behind it
 * gets this error at once), so the connector does not try a host behind it again.
 */
export class JumpHostUnreachableError extends HostUnreachableError {}

export const endpointId = (e: Endpoint) => `${e.user}@${e.address}:${e.port}${e.keyFile ? `#${e.keyFile}` : ''}`;
export const describeJump = (e: Endpoint) => `jump host ${e.label}${e.label !== e.address ? ` (${e.address}:${e.port})` : e.port !== 22 ? `:${e.port}` : ''}`;

export class JumpPool {
  /** Per jump chain: its connection, or the reason it could not be made (reported for every host behind it). */
  private readonly conns = new Map<string, Promise<JumpConnection>>();
  private readonly channelLimit = Number(process.env['KREMEDY_JUMP_CHANNELS']) || DEFAULT_JUMP_CHANNELS;

  constructor(private readonly auth: JumpAuth) {}

  /** Opens a channel to `to` through `chain` (jump hosts in order), waiting for a free slot. */
  async tunnel(chain: readonly Endpoint[], to: { address: string; port: number }): Promise<Tunnel> {
    const conn = await this.connection(chain);
    await this.acquire(conn);
    let stream: Duplex;
    try {
      stream = await new Promise<Duplex>((resolve, reject) => {
        // The jump host's own connect attempt may take the OS's minutes (a dead address behind
        // it): bounded by the connect timeout, and a channel that opens too late is closed.
        let late = false;
        const timer = setTimeout(() => {
          late = true;
          reject(new Error(`timed out after ${this.auth.connectTimeoutMs} ms`));
        }, this.auth.connectTimeoutMs);
        conn.client.forwardOut('127.0.0.1', 0, to.address, to.port, (err, ch) => {
          clearTimeout(timer);
          if (late) ch?.destroy();
          else if (err) reject(err);
          else resolve(ch);
        });
      });
    } catch (err) {
      this.release(conn);
      const why = (err as Error).message;
      throw new HostUnreachableError(/timed out/i.test(why) ? 'timeout' : 'network', `${describeJump(conn.endpoint)} cannot connect to ${to.address}:${to.port}: ${why}`);
    }
    let released = false;
    const free = () => {
      if (!released) {
        released = true;
        this.release(conn);
      }
    };
    stream.once('close', free);
    stream.once('error', free);
    return { stream };
  }

  private connection(chain: readonly Endpoint[]): Promise<JumpConnection> {
    const key = chain.map(endpointId).join(' > ');
    const known = this.conns.get(key);
    if (known) return known;
    const forget = () => {
      if (this.conns.get(key) === made) this.conns.delete(key);
    };
    const made = this.connect(chain, forget);
    this.conns.set(key, made);
    // A failed jump host stays failed for this run: every host behind it is told at once.
    made.then((conn) => conn.client.once('close', forget), () => undefined);
    return made;
  }

  private async connect(chain: readonly Endpoint[], forget: () => void): Promise<JumpConnection> {
    const endpoint = chain[chain.length - 1]!;
    const before = chain.slice(0, -1);
    let sock: Duplex | undefined;
    if (before.length) sock = (await this.tunnel(before, endpoint)).stream;
    const host: Host = {
      name: endpoint.label,
      address: endpoint.address,
      port: endpoint.port,
      user: endpoint.user,
      become: false,
      groups: [],
      vars: {},
      ...(endpoint.keyFile ? { privateKeyFile: endpoint.keyFile } : {}),
    };
    try {
      const client = await this.auth.handshake(() =>
        HostConnection.openClient({
          host,
          ...(endpoint.keyFile ? { privateKey: this.auth.keys.get(endpoint.keyFile)! } : {}),
          ...(this.auth.agent ? { agent: this.auth.agent } : {}),
          hostKeys: this.auth.hostKeys,
          connectTimeoutMs: this.auth.connectTimeoutMs,
          ...(sock ? { sock } : {}),
        }),
      );
      return { client, endpoint, open: 0, waiting: [], forget, ...(sock ? { sock } : {}) };
    } catch (err) {
      sock?.destroy();
      if (err instanceof HostUnreachableError) throw new JumpHostUnreachableError(err.reason, `${describeJump(endpoint)} is unreachable: ${err.message}`);
      throw err;
    }
  }

  private acquire(conn: JumpConnection): Promise<void> {
    if (conn.open < this.channelLimit) {
      conn.open++;
      return Promise.resolve();
    }
    return new Promise((resolve) => conn.waiting.push(resolve));
  }

  /** Hands the slot to the next waiter; the last channel closing ends the jump connection. */
  private release(conn: JumpConnection): void {
    const next = conn.waiting.shift();
    if (next) return next();
    conn.open--;
    if (conn.open === 0) {
      // Ended at once: nothing queues on it any more, and a later host opens a fresh one.
      conn.forget();
      conn.client.end();
      // ssh2 only half-closes the stream it runs over; close the channel it was given, so the
      // jump host before this one frees its slot (and, if it was the last, closes in turn).
      conn.sock?.destroy();
    }
  }
}

// OpenSSH known_hosts support, used to build the ssh2 `hostVerifier`.
//
// Parsing and matching follow OpenSSH (hostfile.c, match.c; sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT") and were checked against OpenSSH 9.2's `ssh` and `ssh-keygen -F`:
//
// - one entry per line: `[marker] hostpatterns keytype base64-key [comment]`; blank lines and
//   lines whose first non-blank character is `#` are skipped; lines OpenSSH would reject are
//   skipped too, and recorded in `warnings` instead of failing the whole file;
// - the lookup name is `host` for port 22 and `[host]:port` otherwise, lower-cased;
// - hostpatterns is a comma-separated list of patterns with `*` and `?` wildcards, compared
//   case-insensitively; a matching `!pattern` makes the whole line not match, whatever else
//   matches; or it is one hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, lookup name))`;
// - `@revoked` marks a key revoked for the hosts it matches; `@cert-authority` lines are parsed
//   but ignored by checkHostKey (kremedy does not support host certificates);
// - verdict, as check_key_in_hostkeys(): revoked beats everything; else an unmarked entry for
//   the host with exactly this key is a match; else ANY unmarked entry for the host, whatever
//   its key type, makes it "changed" (OpenSSH prints "Offending RSA key in …" when the server
//   presents an ED25519 key and only an RSA key is known; it does not treat that as new);
//   else unknown.
//
// OpenSSH avoids most cross-type "changed" verdicts by offering the key types it already knows
// for the host first in its HostKeyAlgorithms; `hostKeyAlgorithmsFor()` gives the connection
// code the list to do the same with ssh2's `algorithms.serverHostKey`.

import { createHash, createHmac, createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { ServerHostKeyAlgorithm } from 'ssh2';

import { FileInputError, InputError } from '../errors.js';

export interface KnownHostEntry {
  marker?: '@cert-authority' | '@revoked';
  /** Raw host patterns as written (split on commas), or [] when the name is hashed. */
  patterns: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  /** The decoded base64 key blob (SSH wire format). */
  key: Buffer;
  comment?: string;
  /** 1-based line number in the file. */
  line: number;
}

export interface KnownHostsWarning {
  line: number;
  reason: string;
}

export interface KnownHosts {
  file: string;
  entries: KnownHostEntry[];
  /** Lines that were skipped because OpenSSH would not accept them either. */
  warnings: KnownHostsWarning[];
}

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'unknown' }
  | { kind: 'changed'; expectedFingerprints: string[]; line: number }
  | { kind: 'revoked'; line: number };

const HASH_MAGIC = '|1|';
const SHA1_LEN = 20;

// ---------------------------------------------------------------------------------------------
// Key blobs

/** `SHA256:` + unpadded base64 of SHA-256(blob), exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type name: the first SSH `string` of the blob (e.g. `ssh-ed25519`). */
export function keyTypeOf(keyBlob: Buffer): string {
  const type = tryKeyTypeOf(keyBlob);
  if (type === undefined) throw new InputError('malformed SSH public key blob: no key type string');
  return type;
}

function tryKeyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  const type = blob.toString('latin1', 4, 4 + len);
  // Key type names are printable ASCII without whitespace (RFC 4250 §4.6.1).
  if (!/^[\x21-\x7e]+$/.test(type)) return undefined;
  // The type alone is not a key.
  if (blob.length === 4 + len) return undefined;
  return type;
}

/** Reads SSH wire-format fields (RFC 4251 §5) from a blob. */
class WireReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer | undefined {
    if (this.buf.length - this.pos < 4) return undefined;
    const len = this.buf.readUInt32BE(this.pos);
    if (this.buf.length - this.pos - 4 < len) return undefined;
    const out = this.buf.subarray(this.pos + 4, this.pos + 4 + len);
    this.pos += 4 + len;
    return out;
  }
  /** A non-negative mpint of at most 16384 bits (OpenSSH's SSHBUF_MAX_BIGNUM). */
  mpint(): Buffer | undefined {
    const b = this.string();
    if (b === undefined || b.length > 2049 || (b.length > 0 && (b[0] as number) & 0x80)) return undefined;
    return b;
  }
  get done(): boolean {
    return this.pos === this.buf.length;
  }
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i] as number));
}

const ECDSA_CURVES: Readonly<Record<string, { jwk: string; coord: number }>> = {
  nistp256: { jwk: 'P-256', coord: 32 },
  nistp384: { jwk: 'P-384', coord: 48 },
  nistp521: { jwk: 'P-521', coord: 66 },
};

function ecdsaPointError(curveName: string, expectedCurve: string, q: Buffer | undefined): string | undefined {
  const curve = ECDSA_CURVES[expectedCurve];
  if (curve === undefined || curveName !== expectedCurve) return 'ECDSA curve does not match the key type';
  if (q === undefined || q.length !== 1 + 2 * curve.coord || q[0] !== 0x04) return 'ECDSA public point is malformed';
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        x: q.subarray(1, 1 + curve.coord).toString('base64url'),
        y: q.subarray(1 + curve.coord).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch {
    return 'ECDSA public point is not on the curve';
  }
  return undefined;
}

/**
 * Why OpenSSH would refuse this blob as a public key, or undefined when it is well formed:
 * a known plain key type, every field present and sane, nothing left over.
 */
function keyBlobError(blob: Buffer): string | undefined {
  const r = new WireReader(blob);
  const type = r.string()?.toString('latin1');
  if (type === undefined || !/^[\x21-\x7e]{1,64}$/.test(type)) return 'key data is not an SSH public key blob';
  let err: string | undefined;
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.string();
      if (pk?.length !== 32) err = 'Ed25519 public key must be 32 bytes';
      else if (type.startsWith('sk-') && r.string() === undefined) err = 'security key application is missing';
      break;
    }
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      if (e === undefined || n === undefined) err = 'RSA key fields are malformed';
      else if (bitLength(n) < 1024) err = 'RSA modulus is shorter than 1024 bits';
      break;
    }
    case 'ssh-dss':
      if ([r.mpint(), r.mpint(), r.mpint(), r.mpint()].includes(undefined)) err = 'DSA key fields are malformed';
      break;
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const expected = type.startsWith('sk-') ? 'nistp256' : type.slice('ecdsa-sha2-'.length);
      const curveName = r.string()?.toString('latin1') ?? '';
      err = ecdsaPointError(curveName, expected, r.string());
      if (err === undefined && type.startsWith('sk-') && r.string() === undefined) err = 'security key application is missing';
      break;
    }
    default:
      return `unsupported key type ${JSON.stringify(type)}`;
  }
  if (err === undefined && !r.done) err = 'key data has trailing bytes';
  return err;
}

/** Strict base64 (canonical padding, no stray characters), like OpenSSH's b64_pton. */
function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  return buf.toString('base64') === text ? buf : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parse known_hosts text. Never throws for any input: lines OpenSSH would ignore (bad marker,
 * missing key, bad base64, key type not matching the blob, bad hashed name, SSH1 keys) are
 * skipped and recorded in `warnings` with the reason.
 */
export function parseKnownHosts(text: string, file: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  const warnings: KnownHostsWarning[] = [];
  const lines = String(text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i] ?? '';
    // OpenSSH handles each line as a C string: it ends at the first NUL.
    const nul = raw.indexOf('\0');
    if (nul >= 0) raw = raw.slice(0, nul);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const result = parseLine(raw, lineNo);
    if (result === undefined) continue;
    if (typeof result === 'string') warnings.push({ line: lineNo, reason: result });
    else entries.push(result);
  }
  return { file, entries, warnings };
}

/** OpenSSH also accepts an RSA key written with a signature algorithm name as its type. */
const RSA_SIGNATURE_NAMES = new Set(['rsa-sha2-256', 'rsa-sha2-512']);

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Returns an entry, a warning reason, or undefined for blank/comment lines. */
function parseLine(line: string, lineNo: number): KnownHostEntry | string | undefined {
  let pos = 0;
  const skipBlanks = (): void => {
    while (isBlank(line[pos])) pos++;
  };
  const token = (): string => {
    const start = pos;
    while (pos < line.length && !isBlank(line[pos])) pos++;
    return line.slice(start, pos);
  };

  skipBlanks();
  if (pos >= line.length || line[pos] === '#') return undefined;

  // A marker ends at a space or tab. (OpenSSH 9.2's check_markers() looks for the first space
  // on the whole line before looking for a tab, so it drops `@revoked<TAB>host key` lines that
  // contain a space later on; we accept them, which only ever honours a revocation more.)
  let marker: KnownHostEntry['marker'];
  while (line[pos] === '@') {
    const start = pos;
    const m = token();
    if (marker !== undefined) return 'more than one marker';
    if (pos >= line.length) return `marker ${JSON.stringify(m)} is not followed by host patterns`;
    if (m === '@cert-authority' || m === '@revoked') marker = m;
    else return `unknown marker ${JSON.stringify(line.slice(start, pos))}`;
    skipBlanks();
  }

  const hosts = token();
  skipBlanks();
  if (hosts === '' || pos >= line.length || line[pos] === '#') return 'no key after the host patterns';

  const keyType = token();
  skipBlanks();
  if (/^\d+$/.test(keyType)) return 'SSH protocol 1 RSA keys are not supported';
  const keyText = token();
  skipBlanks();
  if (keyText === '') return `no key data after key type ${JSON.stringify(keyType)}`;
  const key = decodeBase64Strict(keyText);
  if (key === undefined) return 'key data is not valid base64';
  const blobError = keyBlobError(key);
  if (blobError !== undefined) return blobError;
  const blobType = keyTypeOf(key);
  if (blobType !== keyType && !(blobType === 'ssh-rsa' && RSA_SIGNATURE_NAMES.has(keyType))) {
    return `key type ${JSON.stringify(keyType)} does not match the key data (${JSON.stringify(blobType)})`;
  }
  const comment = line.slice(pos).trimEnd();

  const entry: KnownHostEntry = { patterns: [], keyType: blobType, key, line: lineNo };
  if (marker !== undefined) entry.marker = marker;
  if (comment !== '') entry.comment = comment;
  if (hosts.startsWith('|')) {
    const hashed = parseHashedName(hosts);
    if (typeof hashed === 'string') return hashed;
    entry.hashed = hashed;
  } else {
    entry.patterns = hosts.split(',');
  }
  return entry;
}

function parseHashedName(name: string): { salt: Buffer; hash: Buffer } | string {
  if (!name.startsWith(HASH_MAGIC)) return `unsupported hashed host name ${JSON.stringify(name.slice(0, 8))}`;
  const rest = name.slice(HASH_MAGIC.length);
  const bar = rest.indexOf('|');
  if (bar < 0) return 'hashed host name has no hash';
  const salt = decodeBase64Strict(rest.slice(0, bar));
  const hash = decodeBase64Strict(rest.slice(bar + 1));
  if (salt === undefined || salt.length !== SHA1_LEN) return 'hashed host name has a bad salt';
  if (hash === undefined || hash.length !== SHA1_LEN) return 'hashed host name has a bad hash';
  return { salt, hash };
}

// ---------------------------------------------------------------------------------------------
// Loading and writing

/**
 * Read and parse a known_hosts file. A missing file is an empty list (as for OpenSSH); any
 * other read failure (EACCES, EISDIR, …) is a FileInputError.
 */
export async function loadKnownHosts(file: string): Promise<KnownHosts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { file, entries: [], warnings: [] };
    throw new FileInputError(file, undefined, undefined, `cannot read known_hosts file: ${errorText(err)}`);
  }
  return parseKnownHosts(text, file);
}

/**
 * One known_hosts line (without newline) for `host`: `host keytype base64` for port 22,
 * `[host]:port keytype base64` otherwise, the name lower-cased like OpenSSH writes it; with
 * `hash: true` the name is written hashed (`|1|salt|hmac`, fresh random salt) as with
 * `HashKnownHosts yes`. Throws InputError for a host that cannot be written as a single literal
 * name (empty, or containing whitespace, `,`, `*`, `?`, `!`, `#`, `|`, brackets, leading `@`).
 */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer, opts?: { hash?: boolean }): string {
  assertWritableHost(host);
  const name = hostLookupName(host, port);
  const blobError = keyBlobError(keyBlob);
  if (blobError !== undefined) throw new InputError(`cannot write host key to known_hosts: ${blobError}`);
  const type = keyTypeOf(keyBlob);
  const hostField = opts?.hash ? hashHostName(name) : name;
  return `${hostField} ${type} ${keyBlob.toString('base64')}`;
}

/**
 * Append the key for `host` to `file`, creating the parent directory (mode 0700) and the file
 * (mode 0600) if needed. The line goes out in one write on an O_APPEND descriptor, so
 * concurrent appenders do not interleave within a line; a missing final newline in the existing
 * file is supplied first so the new entry never glues onto the previous line.
 */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  keyBlob: Buffer,
  opts?: { hash?: boolean },
): Promise<void> {
  const line = formatKnownHostsLine(host, port, keyBlob, opts);
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const fh = await open(file, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    try {
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await fh.write(`${prefix}${line}\n`);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new FileInputError(file, undefined, undefined, `cannot add host key to known_hosts file: ${errorText(err)}`);
  }
}

function assertWritableHost(host: string): void {
  if (typeof host !== 'string' || host === '' || /[\s,*?!#|[\]\0]/.test(host) || host.startsWith('@')) {
    throw new InputError(`cannot write host name ${JSON.stringify(host)} to known_hosts`);
  }
}

function hashHostName(name: string, salt: Buffer = randomBytes(SHA1_LEN)): string {
  const mac = createHmac('sha1', salt).update(name, 'utf8').digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${mac.toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** The name OpenSSH looks up: lower-cased `host` for port 22 (or 0), `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`invalid SSH port ${port}`);
  const lower = asciiLower(host);
  return port === 22 || port === 0 ? lower : `[${lower}]:${port}`;
}

/** Whether the entry's host field selects `lookupName` (see hostLookupName). */
export function entryMatchesName(entry: KnownHostEntry, lookupName: string): boolean {
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(lookupName, 'utf8').digest();
    return mac.length === entry.hashed.hash.length && timingSafeEqual(mac, entry.hashed.hash);
  }
  return matchPatternList(lookupName, entry.patterns) === 1;
}

/**
 * OpenSSH's match_pattern_list() with case folding: 1 if some pattern matches and no negated
 * pattern matches, -1 if a negated pattern matches, 0 otherwise.
 */
function matchPatternList(name: string, patterns: readonly string[]): -1 | 0 | 1 {
  const subject = asciiLower(name);
  let positive = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const sub = negated ? p.slice(1) : p;
    // OpenSSH copies each sub-pattern into a 1024-byte buffer and gives up on longer ones.
    if (Buffer.byteLength(sub, 'utf8') >= 1023) return 0;
    if (globMatch(subject, asciiLower(sub))) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** `*` matches any run of characters, `?` exactly one; everything else is literal. */
function globMatch(s: string, p: string): boolean {
  // Iterative matcher with single-star backtracking: O(len(s) * len(p)), no recursion blow-up.
  let si = 0;
  let pi = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const pc = p[pi];
    if (pc === '*') {
      starP = pi++;
      starS = si;
    } else if (pc !== undefined && (pc === '?' || pc === s[si])) {
      pi++;
      si++;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Entries (any marker) whose host field selects `host` on `port`. */
export function entriesForHost(kh: KnownHosts, host: string, port: number): KnownHostEntry[] {
  const name = hostLookupName(host, port);
  return kh.entries.filter((e) => entryMatchesName(e, name));
}

/**
 * Check the key a server presented (`keyBlob`, as ssh2's hostVerifier receives it) against the
 * known hosts, with OpenSSH's verdict rules (see the top of this file).
 *
 * - `revoked`: an `@revoked` entry for this host has exactly this key (line of that entry);
 * - `match`: an unmarked entry for this host has exactly this key;
 * - `changed`: unmarked entries exist for this host, none with this key, of any key type;
 *   `expectedFingerprints` lists their keys, `line` is the last one (OpenSSH's "Offending key");
 * - `unknown`: no unmarked entry for this host.
 */
export function checkHostKey(kh: KnownHosts, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const candidates = entriesForHost(kh, host, port);
  const revoked = candidates.find((e) => e.marker === '@revoked' && e.key.equals(keyBlob));
  if (revoked) return { kind: 'revoked', line: revoked.line };

  const plain = candidates.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.key.equals(keyBlob))) return { kind: 'match' };
  const last = plain.at(-1);
  if (last === undefined) return { kind: 'unknown' };
  const expectedFingerprints = [...new Set(plain.map((e) => fingerprint(e.key)))];
  return { kind: 'changed', expectedFingerprints, line: last.line };
}

/**
 * Key types (e.g. `ssh-ed25519`, `ssh-rsa`) of the unmarked entries for this host, in file
 * order without duplicates. Offer these first in ssh2's `algorithms.serverHostKey` (for
 * `ssh-rsa` that means `rsa-sha2-512`, `rsa-sha2-256`, `ssh-rsa`) to get OpenSSH's behaviour of
 * negotiating a key type that is already known instead of reporting "changed".
 */
export function knownKeyTypes(kh: KnownHosts, host: string, port: number): string[] {
  const types = entriesForHost(kh, host, port)
    .filter((e) => e.marker === undefined)
    .map((e) => e.keyType);
  return [...new Set(types)];
}

// ---------------------------------------------------------------------------------------------

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** ssh2's default server host key algorithm order (ssh2 1.x, Node with Ed25519 support). */
const SSH2_DEFAULT_HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host key algorithms that produce a key of the given key type. */
function algorithmsForKeyType(keyType: string): ServerHostKeyAlgorithm[] {
  return keyType === 'ssh-rsa'
    ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
    : SSH2_DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => a === keyType);
}

/**
 * ssh2's default host key algorithm list, reordered so that the key types already known for
 * this host come first, as OpenSSH's ssh does (order_hostkeyalgs). Pass it as ssh2's
 * `algorithms.serverHostKey`: a server that still has the known key then presents it and
 * checkHostKey says "match", instead of presenting a newer type and getting "changed".
 */
export function hostKeyAlgorithmsFor(kh: KnownHosts, host: string, port: number): ServerHostKeyAlgorithm[] {
  const preferred = new Set(knownKeyTypes(kh, host, port).flatMap(algorithmsForKeyType));
  return [
    ...SSH2_DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => preferred.has(a)),
    ...SSH2_DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.has(a)),
  ];
}

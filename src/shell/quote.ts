// Shell safety, in one place: POSIX sh quoting for commands kremedy sends to remote hosts, and
// the rule for names (links, chains, units) that reach remote commands.
//
// In the spirit of zx's `quote()`: every value interpolated into a command is quoted, so a
// value is always exactly one shell word and nothing in it is ever expanded, substituted or
// executed by the remote shell. Unlike zx we emit plain POSIX single quotes (no bash `$'...'`),
// because the remote /bin/sh may be dash or busybox. Operations build commands with `quote`;
// builders refuse names with `assertSafeName` (a zx-style `sh` tagged template was here, used
// by nothing, and went in issue 13: one way to quote, not two).

import { InputError } from '../errors.js';

/**
 * Characters that never need quoting in POSIX sh (the same set as Python's `shlex.quote`).
 * None of them is special anywhere in a word: no globbing, expansion, tilde, brace, comment,
 * redirection, separator or quoting meaning.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one value as a single POSIX sh word.
 *
 * - `''` (two single quotes) for the empty string, so it survives as an empty argument;
 * - the value unchanged when it consists only of `[A-Za-z0-9_@%+=:,./-]`;
 * - otherwise the value in single quotes, each `'` written as `'\''`.
 *
 * Inside single quotes nothing is special in POSIX sh (not `$`, backquote, `\`, newline), so the
 * shell reads back exactly `value`. A NUL byte cannot be part of a shell word or an argv string
 * at all, so it is rejected with an InputError rather than silently truncating the command.
 */
export function quote(value: string): string {
  if (typeof value !== 'string') {
    throw new InputError(`cannot shell-quote a value of type ${describeType(value)}`);
  }
  if (value.includes('\0')) {
    throw new InputError(`cannot shell-quote a value containing a NUL byte: ${JSON.stringify(value)}`);
  }
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// ---------------------------------------------------------------------------------------------
// Plain names

export interface SafeNameRule {
  /** The value must match this pattern in full. */
  readonly pattern: RegExp;
  /** Human description used in the error message. */
  readonly description: string;
}

/**
 * What counts as a "plain name" for each kind of name kremedy puts into remote commands. A
 * plain name is quoted anyway when interpolated; these rules exist so that a name can also be
 * used where quoting does not help: as an argument that must not look like an option, in a
 * file path, in a log line, or as an identifier for another tool. Common to every kind:
 * non-empty, only ASCII, no whitespace, quote, `$`, backquote, `\`, `/`, `*`, `?`, `;`, `|`,
 * `&`, `<`, `>`, brackets or braces, never starting with `-` (would be parsed as an option),
 * and never `.` or `..`.
 *
 * - `link`: a Linux network interface name. The kernel limit is IFNAMSIZ-1 = 15 bytes and it
 *   forbids `/`, `:` and whitespace; we also forbid `@` (iproute2 prints `veth0@if3`, so a name
 *   containing `@` is ambiguous). `[A-Za-z0-9_.-]{1,15}`.
 * - `chain`: an iptables/nftables chain name. iptables limits chain names to 28 characters
 *   (XT_EXTENSION_MAXNAMELEN-1); kube-proxy style names such as `KUBE-SVC-ABCDEF` fit.
 *   `[A-Za-z0-9_.:+-]{1,28}`.
 * - `table`: an iptables table (`filter`, `nat`, …) or nftables table name. Must start with a
 *   letter or `_` (nft identifier syntax). `[A-Za-z_][A-Za-z0-9_.-]{0,63}`.
 * - `unit`: a systemd unit name such as `kubelet.service` or `getty@tty1.service` (systemd's
 *   character set minus the `\` escape). `[A-Za-z0-9_.:@-]{1,255}`.
 * - anything else: a generic name. `[A-Za-z0-9_.@:+-]{1,64}`.
 */
export const SAFE_NAME_RULES: Readonly<Record<string, SafeNameRule>> = Object.freeze({
  link: {
    pattern: /^(?!-)[A-Za-z0-9_.-]{1,15}$/,
    description: '1-15 characters from [A-Za-z0-9_.-], not starting with "-"',
  },
  chain: {
    pattern: /^(?!-)[A-Za-z0-9_.:+-]{1,28}$/,
    description: '1-28 characters from [A-Za-z0-9_.:+-], not starting with "-"',
  },
  table: {
    pattern: /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
    description: '1-64 characters from [A-Za-z0-9_.-], starting with a letter or "_"',
  },
  unit: {
    pattern: /^(?!-)[A-Za-z0-9_.:@-]{1,255}$/,
    description: '1-255 characters from [A-Za-z0-9_.:@-], not starting with "-"',
  },
});

const GENERIC_NAME_RULE: SafeNameRule = {
  pattern: /^(?!-)[A-Za-z0-9_.@:+-]{1,64}$/,
  description: '1-64 characters from [A-Za-z0-9_.@:+-], not starting with "-"',
};

/** The rule `assertSafeName` applies for `kind` (the generic rule for unknown kinds). */
export function safeNameRule(kind: string): SafeNameRule {
  return Object.hasOwn(SAFE_NAME_RULES, kind) ? (SAFE_NAME_RULES[kind] as SafeNameRule) : GENERIC_NAME_RULE;
}

/**
 * Throw an InputError unless `value` is a plain name of the given kind (see SAFE_NAME_RULES),
 * e.g. `assertSafeName('link', params.iface)`. `kind` also names the value in the message.
 */
export function assertSafeName(kind: string, value: string): void {
  const rule = safeNameRule(kind);
  if (typeof value !== 'string') {
    throw new InputError(`invalid ${kind} name: expected a string, got ${describeType(value)}`);
  }
  if (!rule.pattern.test(value) || value === '.' || value === '..') {
    throw new InputError(`invalid ${kind} name ${JSON.stringify(value)}: must be ${rule.description}`);
  }
}

// Host and group names, and host entries as inventories write them (`node1:2222`,
// `node[01:20]`): what every inventory source validates before a name reaches the builder.

import { isIP } from 'node:net';

/** A place in an inventory file; either part may be unknown. */
export interface Loc {
  line?: number | undefined;
  column?: number | undefined;
}

/** Throws a FileInputError for the given detail; parsers hand one of these to the shared helpers. */
export type Fail = (detail: string) => never;

// ---------------------------------------------------------------------------------------------
// Names

// Host and group names end up in logs, in SSH command lines and in shell snippets: anything a
// shell or a pattern would interpret is refused outright rather than quoted.
const FORBIDDEN_CHAR = /[\s'"$`;|&<>()\\,\p{Cc}]/u;
const FORBIDDEN_LEADING = /^[-!&~@]/;

function describeChar(c: string): string {
  if (c === '\n') return 'a newline';
  if (c === '\r') return 'a carriage return';
  if (c === '\t') return 'a tab';
  if (/\s/u.test(c)) return 'whitespace';
  if (/\p{Cc}/u.test(c)) return `control character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(c);
}

function nameProblem(name: string, extraForbidden?: RegExp): string | undefined {
  if (name === '') return 'it is empty';
  const bad = FORBIDDEN_CHAR.exec(name) ?? extraForbidden?.exec(name);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  if (FORBIDDEN_LEADING.test(name)) return `it starts with ${JSON.stringify(name[0])}`;
  return undefined;
}

/** Why a host name is refused, or undefined when it is acceptable. */
export function hostNameProblem(name: string): string | undefined {
  const why = nameProblem(name);
  return why && `host name ${JSON.stringify(name)} is not allowed: ${why} (names must not contain whitespace, quotes, $, \`, ;, |, &, <, >, (, ), \\, commas or control characters)`;
}

/** Why a group name is refused, or undefined when it is acceptable. */
export function groupNameProblem(name: string): string | undefined {
  const why = nameProblem(name, /:/);
  return why && `group name ${JSON.stringify(name)} is not allowed: ${why} (names must not contain whitespace, quotes, $, \`, ;, |, &, <, >, (, ), \\, commas, colons or control characters)`;
}

// ---------------------------------------------------------------------------------------------
// Host patterns in inventories: `name`, `name:port`, `[v6addr]:port`, ranges `node[01:20]`,
// `node[a:c]`, `node[0:10:2]` (Ansible's expand_hostname_range).

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MAX_EXPANDED_HOSTS = 100_000;

function expandRanges(pattern: string, fail: Fail, warn: (detail: string) => void): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) fail(`invalid host range in "${pattern}": "[" without a matching "]"`);
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tails = expandRanges(pattern.slice(close + 1), fail, warn);
  const bounds = body.split(':');
  if (bounds.length < 2 || bounds.length > 3) {
    fail(`invalid host range "[${body}]" in "${pattern}": a host range must be [begin:end] or [begin:end:step]`);
  }
  let [beg = '', end = '', stepText = '1'] = bounds;
  if (beg === '') beg = '0';
  if (end === '') fail(`invalid host range "[${body}]" in "${pattern}": a host range must specify an end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
    fail(`invalid host range "[${body}]" in "${pattern}": the step must be a positive integer`);
  }
  const step = Number(stepText);
  const seq: string[] = [];
  if (/^[a-zA-Z]$/.test(beg) && /^[a-zA-Z]$/.test(end)) {
    const b = LETTERS.indexOf(beg);
    const e = LETTERS.indexOf(end);
    if (b > e) fail(`invalid host range "[${body}]" in "${pattern}": begin must be <= end`);
    for (let i = b; i <= e; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
      fail(`invalid host range "[${body}]" in "${pattern}": begin and end must both be numbers or both be single letters`);
    }
    let width = 0;
    if (beg.length > 1 && beg.startsWith('0')) {
      width = beg.length;
      if (end.length !== width) {
        fail(`invalid host range "[${body}]" in "${pattern}": zero-padded begin and end must have the same length`);
      }
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) {
      // Ansible's range() of a reversed numeric range is empty: the line adds no host.
      warn(`host range "[${body}]" in "${pattern}" is reversed and expands to no host (as in Ansible); write [${end}:${beg}]`);
      return [];
    }
    if ((e - b) / step + 1 > MAX_EXPANDED_HOSTS) fail(`host range "[${body}]" in "${pattern}" expands to too many hosts`);
    for (let i = b; i <= e; i += step) seq.push(String(i).padStart(width, '0'));
  }
  if (seq.length * tails.length > MAX_EXPANDED_HOSTS) fail(`host range in "${pattern}" expands to too many hosts`);
  const out: string[] = [];
  for (const s of seq) for (const t of tails) out.push(head + s + t);
  return out;
}

/**
 * Parses a host entry as written in an inventory (`node1`, `node1:2222`, `[2001:db8::1]:2222`,
 * `node[01:03]`) into validated host names and an optional port.
 */
export function parseHostEntry(spec: string, fail: Fail, warn: (detail: string) => void = () => {}): { names: string[]; port?: number } {
  if (spec.endsWith(':')) fail(`invalid host "${spec}": ending in ":" is not allowed (write IPv6 addresses with a port as [address]:port)`);
  let base = spec;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(spec);
  if (bracketed && isIP(bracketed[1]!) === 6) {
    base = bracketed[1]!;
    portText = bracketed[2];
  } else if (isIP(spec) === 0) {
    const withPort = /^(.+):(\d+)$/.exec(spec);
    if (withPort && !withPort[1]!.replace(/\[[^\]]*\]/g, '').includes(':')) {
      base = withPort[1]!;
      portText = withPort[2];
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`invalid port in host "${spec}": expected an integer 1-65535`);
  }
  const names = isIP(base) ? [base] : expandRanges(base, fail, warn);
  for (const n of names) {
    const why = hostNameProblem(n);
    if (why) fail(why);
  }
  return port === undefined ? { names } : { names, port };
}


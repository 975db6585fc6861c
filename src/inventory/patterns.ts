// Host patterns with Ansible's semantics, ported from ansible/inventory/manager.py
// (split_host_pattern, order_patterns, _evaluate_patterns, _match_one_pattern, _split_subscript,
// _apply_subscript, _enumerate_matches): `all`/`*`, names, globs, `~regex` (Python dialect),
// `!exclude`, `&intersect`, `group[0]`/`group[-1]`/`group[1:3]` subscripts, and `@file`
// (Ansible's `--limit @file`). `kremedy --hosts P` selects what `ansible P --list-hosts` lists,
// in the same order; test/inventory/differential.test.ts checks it against ansible-core.

import { readFileSync } from 'node:fs';
import { FileInputError, InputError, NoHostsMatchedError } from '../errors.js';
import { isAnsibleAddress } from './address.js';
import { globToRegExp } from './fnmatch.js';
import { compilePythonRegex, PyRegexError } from './pyregex.js';
import type { Host, Inventory } from './types.js';

export interface HostSelection {
  /** Selected hosts, in Ansible's order (the order of the terms, each in its group's order). */
  hosts: Host[];
  /** Terms that matched nothing, and other things Ansible warns about. */
  warnings: string[];
}

/** Names Ansible turns into an implicit local connection when the inventory lacks them. */
const LOCALHOST = new Set(['localhost', '127.0.0.1', '::1']);

// ---------------------------------------------------------------------------------------------
// Splitting

/**
 * Ansible's split_host_pattern: with a comma, commas alone separate (a colon inside a term is
 * part of it: `web:db,x` is the terms `web:db` and `x`); without one, a pattern that is a
 * single address (`node1`, `node1:22`, `fe80::1`, `node[1:3]`) is one term, and anything else
 * is split on colons and whitespace outside brackets (`web:!db`). Terms are trimmed; empty ones
 * are dropped.
 */
export function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isAnsibleAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/gu) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Ansible's order_patterns: plain terms first, then `&` intersections, then `!` exclusions. */
function orderTerms(terms: string[]): string[] {
  const regular = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const intersect = terms.filter((t) => t.startsWith('&'));
  const exclude = terms.filter((t) => t.startsWith('!'));
  return [...(regular.length ? regular : ['all']), ...intersect, ...exclude];
}

// ---------------------------------------------------------------------------------------------
// Group host order

/**
 * Ansible's Group.get_hosts(): the group's own hosts, then those of its descendants,
 * breadth-first (children in declaration order), each host once. Ansible walks the levels
 * below the children through a Python set, so where two groups at one level both have child
 * groups its order there is arbitrary; kremedy keeps declaration order (the differential test
 * knows these cases).
 */
export function groupHostOrder(inv: Inventory, name: string): string[] {
  const children = (g: string): string[] => inv.groups.get(g)?.children ?? [];
  const ordered = [name, ...children(name)];
  const seen = new Set<string>();
  let level = [name, ...children(name)];
  while (level.length) {
    for (const g of level) seen.add(g);
    const next: string[] = [];
    for (const g of level) {
      for (const c of children(g)) {
        if (!next.includes(c)) next.push(c);
        if (!seen.has(c)) ordered.push(c);
      }
    }
    level = next.filter((c) => !seen.has(c));
  }
  const hosts: string[] = [];
  const taken = new Set<string>();
  for (const g of ordered) {
    for (const h of inv.groups.get(g)?.hosts ?? []) {
      if (!taken.has(h)) {
        taken.add(h);
        hosts.push(h);
      }
    }
  }
  return hosts;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Ctx {
  inv: Inventory;
  pattern: string;
  warnings: string[];
  groupHosts: Map<string, string[]>;
}

// A pattern ending in [N], [-N], [N:], [N:M] or the old [N-M] is a subscript of what the rest
// matches; other brackets are glob character classes (`node[12]x`).
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/su;

type Subscript = { index: number } | { start: number; end: number };

function splitSubscript(ctx: Ctx, term: string): { expr: string; sub?: Subscript } {
  if (term.startsWith('~')) return { expr: term };
  const m = SUBSCRIPT.exec(term);
  if (!m) return { expr: term };
  if (m[2] !== undefined) return { expr: m[1]!, sub: { index: Number(m[2]) } };
  if (m[4] === '-') ctx.warnings.push(`host pattern "${term}": use [x:y] inclusive subscripts instead of [x-y] (Ansible warns the same and still reads it as [x:y])`);
  return { expr: m[1]!, sub: { start: Number(m[3]), end: m[5] === '' ? -1 : Number(m[5]) } };
}

/** Ansible's _apply_subscript, quirks included (an end of 0 means "just the start"). */
function applySubscript(hosts: string[], sub: Subscript | undefined, term: string): string[] {
  if (hosts.length === 0 || sub === undefined) return hosts;
  const at = (i: number): string => {
    const h = hosts[i < 0 ? hosts.length + i : i];
    if (h === undefined) throw new InputError(`no hosts matched the subscripted pattern "${term}" (it has ${hosts.length} host(s); Ansible refuses it too)`);
    return h;
  };
  if ('index' in sub) return [at(sub.index)];
  if (sub.end === 0) return [at(sub.start)];
  const end = sub.end === -1 ? hosts.length - 1 : sub.end;
  return hosts.slice(sub.start, end + 1);
}

function compileTerm(ctx: Ctx, expr: string): RegExp {
  try {
    return expr.startsWith('~') ? compilePythonRegex(expr.slice(1)) : globToRegExp(expr);
  } catch (e) {
    const why = e instanceof PyRegexError ? e.message : (e as Error).message;
    const comma = expr.startsWith('~') && ctx.pattern.includes(',') ? ' (a comma always separates host patterns, even inside a regular expression)' : '';
    throw new InputError(`invalid host pattern "${expr}" in "${ctx.pattern}": ${why}${comma}`);
  }
}

function hostsOfGroup(ctx: Ctx, group: string): string[] {
  let hosts = ctx.groupHosts.get(group);
  if (!hosts) {
    hosts = groupHostOrder(ctx.inv, group);
    ctx.groupHosts.set(group, hosts);
  }
  return hosts;
}

/** Ansible's _enumerate_matches: every matching group's hosts, then matching hosts (duplicates kept, as Ansible keeps them before a subscript). */
function enumerate(ctx: Ctx, expr: string): string[] {
  const re = compileTerm(ctx, expr);
  const results: string[] = [];
  const groups = [...ctx.inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...hostsOfGroup(ctx, g));
  if (groups.length === 0 || expr.startsWith('~') || /[.?*[]/.test(expr)) {
    for (const h of ctx.inv.hosts.keys()) if (re.test(h)) results.push(h);
  }
  return results;
}

/** Ansible's _match_one_pattern (the modifier already removed). */
function matchTerm(ctx: Ctx, term: string, regular: boolean): string[] {
  const { expr, sub } = splitSubscript(ctx, term);
  const found = enumerate(ctx, expr);
  if (found.length === 0 && LOCALHOST.has(expr) && regular) {
    throw new InputError(
      `host pattern "${term}": "${expr}" is not in the inventory; Ansible would run on the control machine through an implicit local connection, which kremedy never does (add the host to the inventory to reach it over SSH)`,
    );
  }
  if (found.length === 0) {
    const colon = ctx.pattern.includes(',') && expr.includes(':') ? ` (in a comma-separated pattern a colon does not separate: Ansible reads "${expr}" as one name)` : '';
    const port = /^[^:]+:\d+$/.test(expr) ? ` (Ansible reads "${expr}" as one name, not host:port)` : '';
    ctx.warnings.push(`could not match supplied host pattern, ignoring: ${term}${colon || port}`);
  }
  return applySubscript(found, sub, term);
}

/** Expands `@FILE` terms into the file's lines, each one pattern, as Ansible's --limit @FILE does. */
function expandFiles(terms: string[]): string[] {
  return terms.flatMap((t) => (t.startsWith('@') ? readHostListFile(t.slice(1)) : [t]));
}

/** Evaluates a pattern and reports the terms that matched nothing. Throws InputError for an empty, invalid or refused pattern. */
export function matchHosts(inv: Inventory, pattern: string): HostSelection {
  const terms = expandFiles(splitPattern(pattern));
  if (terms.length === 0) {
    // Ansible reads an empty pattern (``, `,`) as `all`; kremedy refuses it, as it refuses a
    // run without --hosts, rather than select every host by accident.
    throw new InputError(`empty host pattern ${JSON.stringify(pattern)} (Ansible would read it as "all"; write all if that is what you mean)`);
  }
  const ctx: Ctx = { inv, pattern, warnings: [], groupHosts: new Map() };
  let selected: string[] = [];
  for (const t of orderTerms(terms)) {
    const modifier = t[0] === '!' || t[0] === '&' ? t[0] : '';
    const term = t.slice(modifier.length);
    if (term === '') throw new InputError(`invalid host pattern "${pattern}": "${t}" needs a name after it`);
    if (!modifier && inv.hosts.has(term)) {
      // A plain term that names a host is that host (Ansible checks this before anything else).
      selected.push(term);
      continue;
    }
    const that = matchTerm(ctx, term, !modifier);
    if (modifier === '!') {
      const drop = new Set(that);
      selected = selected.filter((h) => !drop.has(h));
    } else if (modifier === '&') {
      const keep = new Set(that);
      selected = selected.filter((h) => keep.has(h));
    } else {
      const existing = new Set(selected);
      selected.push(...that.filter((h) => !existing.has(h)));
    }
  }
  const hosts = [...new Set(selected)].map((h) => inv.hosts.get(h)!);
  return { hosts, warnings: ctx.warnings };
}

/**
 * The hosts a pattern selects, in Ansible's order; throws NoHostsMatchedError when there are
 * none. Warnings (terms that matched nothing, as Ansible's "Could not match supplied host
 * pattern") go to `warn`.
 */
export function selectHosts(inv: Inventory, pattern: string, warn: (message: string) => void = () => {}): Host[] {
  const { hosts, warnings } = matchHosts(inv, pattern);
  for (const w of warnings) warn(w);
  if (hosts.length === 0) throw new NoHostsMatchedError(pattern, [...inv.hosts.keys()]);
  return hosts;
}

/**
 * Reads a `--hosts @FILE` list: one pattern per line (usually a host name, as in a retry
 * file), as Ansible's `--limit @FILE` reads it. Blank lines and lines starting with `#` are
 * skipped; a line with whitespace inside is refused, since Ansible would take the whole line
 * (a trailing comment included) as one pattern that matches nothing, and so is one with a
 * control character.
 */
export function readHostListFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory, not a file' : err.message;
    throw new FileInputError(path, undefined, undefined, `cannot read host list: ${why}`);
  }
  const lines: string[] = [];
  text.replace(/^\uFEFF/, '').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/\s/u.test(line)) {
      throw new FileInputError(path, i + 1, undefined, `${JSON.stringify(line)}: one host or pattern per line, without spaces or trailing comments (Ansible would read the whole line as one pattern)`);
    }
    // No inventory name holds a control character, and warnings would print the line raw.
    if (/\p{Cc}/u.test(line)) throw new FileInputError(path, i + 1, undefined, `${JSON.stringify(line)}: control characters are not allowed in a host list`);
    lines.push(line);
  });
  return lines;
}

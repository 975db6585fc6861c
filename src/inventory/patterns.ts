// Host patterns with Ansible's semantics (ansible/inventory/manager.py): `all`/`*`, names,
// globs, `~regex`, `!exclude`, `&intersect`, `group[0]`/`group[1:3]` subscripts and `@file`.

import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { FileInputError, InputError, NoHostsMatchedError } from '../errors.js';
import { hostNameProblem } from './load.js';
import type { Host, Inventory } from './types.js';

export interface HostSelection {
  /** Selected hosts, in inventory order. */
  hosts: Host[];
  /** Terms that matched nothing and @file names not in the inventory (Ansible warns about these). */
  warnings: string[];
}

/**
 * Splits a pattern into terms. Commas always separate; `:` separates too (the old Ansible
 * syntax `web:!db`) except inside `[...]`, in a term that is an IPv6 address, and in `~regex`
 * and `@file` terms (use commas to combine those). Whitespace around terms is ignored.
 */
export function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  for (const piece of pattern.split(',')) {
    const term = piece.trim();
    if (term === '') continue;
    const bare = term.replace(/^[!&]/, '');
    if (isIP(bare) === 6 || bare.startsWith('~') || bare.startsWith('@')) {
      out.push(term);
      continue;
    }
    const parts = term.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
    out.push(...parts);
  }
  return out;
}

/** Ansible's order_patterns: plain terms first, then `&` intersections, then `!` exclusions. */
function orderTerms(terms: string[]): string[] {
  const regular = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const intersect = terms.filter((t) => t.startsWith('&'));
  const exclude = terms.filter((t) => t.startsWith('!'));
  return [...(regular.length ? regular : ['all']), ...intersect, ...exclude];
}

/** fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`, whole-name match, case-sensitive. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        re += '\\[';
      } else {
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

interface Ctx {
  inv: Inventory;
  hostNames: string[];
  warnings: string[];
}

function hostsOfGroup(ctx: Ctx, group: string): string[] {
  return ctx.hostNames.filter((h) => ctx.inv.hosts.get(h)!.groups.includes(group));
}

function compile(term: string, pattern: string): RegExp {
  if (term.startsWith('~')) {
    try {
      // Python's re.match: anchored at the start only.
      return new RegExp(`^(?:${term.slice(1)})`);
    } catch (e) {
      throw new InputError(`invalid regular expression in host pattern "${pattern}": ${term}: ${(e as Error).message}`);
    }
  }
  return globToRegExp(term);
}

/** Ansible's _enumerate_matches: groups first; hosts when no group matched or the term is a glob/regex/has a dot. */
function enumerate(ctx: Ctx, term: string, pattern: string): Set<string> {
  const out = new Set<string>();
  if (term === 'all' || term === '*') return new Set(ctx.hostNames);
  const re = compile(term, pattern);
  const groups = [...ctx.inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) for (const h of hostsOfGroup(ctx, g)) out.add(h);
  if (groups.length === 0 || term.startsWith('~') || /[.?*[]/.test(term)) {
    for (const h of ctx.hostNames) if (re.test(h)) out.add(h);
  }
  return out;
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/;

function matchTerm(ctx: Ctx, term: string, pattern: string): Set<string> {
  if (term.startsWith('@')) return matchFile(ctx, term.slice(1));
  if (!term.startsWith('~')) {
    // `group[0]`, `group[-1]`, `group[1:3]` (inclusive), `group[2:]`, when `group` matches
    // something; otherwise the brackets are a glob character class (`node[12]`).
    const sub = SUBSCRIPT.exec(term);
    if (sub) {
      const base = enumerate(ctx, sub[1]!, pattern);
      if (base.size) {
        const ordered = ctx.hostNames.filter((h) => base.has(h));
        if (sub[2] !== undefined) {
          let idx = Number(sub[2]);
          if (idx < 0) idx += ordered.length;
          const one = ordered[idx];
          return new Set(one === undefined ? [] : [one]);
        }
        const start = Number(sub[3]);
        const end = sub[4] === '' ? ordered.length - 1 : Number(sub[4]);
        return new Set(ordered.slice(start, end + 1));
      }
    }
  }
  return enumerate(ctx, term, pattern);
}

function matchFile(ctx: Ctx, path: string): Set<string> {
  const out = new Set<string>();
  for (const name of readHostListFile(path)) {
    if (ctx.inv.hosts.has(name)) out.add(name);
    else ctx.warnings.push(`${path}: host "${name}" is not in the inventory; ignored`);
  }
  return out;
}

/** Evaluates a pattern and reports the terms that matched nothing. Throws InputError for an empty or invalid pattern. */
export function matchHosts(inv: Inventory, pattern: string): HostSelection {
  const terms = splitPattern(pattern);
  if (terms.length === 0) throw new InputError(`empty host pattern ${JSON.stringify(pattern)}`);
  const ctx: Ctx = { inv, hostNames: [...inv.hosts.keys()], warnings: [] };
  let selected = new Set<string>();
  for (const t of orderTerms(terms)) {
    const modifier = t[0] === '!' || t[0] === '&' ? t[0] : '';
    const term = t.slice(modifier.length);
    if (term === '') throw new InputError(`invalid host pattern "${pattern}": "${t}" needs a name after it`);
    // A regular term that names a host is that host (Ansible checks this before groups).
    const that = !modifier && inv.hosts.has(term) ? new Set([term]) : matchTerm(ctx, term, pattern);
    if (that.size === 0 && !term.startsWith('@')) {
      ctx.warnings.push(`host pattern term "${t}" matches no host or group; ignored`);
    }
    if (modifier === '!') selected = new Set([...selected].filter((h) => !that.has(h)));
    else if (modifier === '&') selected = new Set([...selected].filter((h) => that.has(h)));
    else for (const h of that) selected.add(h);
  }
  return { hosts: ctx.hostNames.filter((h) => selected.has(h)).map((h) => inv.hosts.get(h)!), warnings: ctx.warnings };
}

/** The hosts a pattern selects, in inventory order; throws NoHostsMatchedError when there are none. */
export function selectHosts(inv: Inventory, pattern: string): Host[] {
  const { hosts } = matchHosts(inv, pattern);
  if (hosts.length === 0) throw new NoHostsMatchedError(pattern, [...inv.hosts.keys()]);
  return hosts;
}

/** Reads a `--hosts @FILE` list: one host per line; `#` comments and blank lines are ignored. */
export function readHostListFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FileInputError(path, undefined, undefined, `cannot read host list: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  const names: string[] = [];
  text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const why = hostNameProblem(line);
    if (why) throw new FileInputError(path, i + 1, undefined, why);
    names.push(line);
  });
  return names;
}

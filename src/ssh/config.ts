// OpenSSH client configuration (ssh_config(5)), the part that decides where and as whom to
// connect: Host blocks, HostName, User, Port, IdentityFile, ProxyJump, ProxyCommand, Include.
// Semantics follow OpenSSH's readconf.c: the file is read top to bottom, a Host line turns
// the following lines on or off for the name being looked up, and for each directive the
// FIRST value obtained wins (IdentityFile accumulates). Everything else in the file is
// ignored; `Match` blocks are skipped with a warning (their conditions need a connection).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileInputError } from '../errors.js';

interface Where {
  file: string;
  line: number;
}

/** One meaningful line of a config file, after Include expansion. */
export type ConfigLine =
  | ({ kind: 'host'; patterns: string[] } & Where)
  | ({ kind: 'match' } & Where)
  | ({ kind: 'option'; key: string; args: string[] } & Where)
  // Include boundaries: OpenSSH restores the including block's on/off state after the file.
  | { kind: 'include-start' }
  | { kind: 'include-end' };

/** Directives kremedy acts on, lower-cased as ssh does (keywords are case-insensitive). */
export const HONOURED = ['hostname', 'user', 'port', 'identityfile', 'proxyjump', 'proxycommand'] as const;
export type Honoured = (typeof HONOURED)[number];

/** Directives that would weaken host key checking; kremedy always checks strictly, and says so. */
const WEAKENING: Record<string, (v: string) => boolean> = {
  stricthostkeychecking: (v) => !/^(yes|ask)$/i.test(v),
  userknownhostsfile: (v) => v === '/dev/null' || v.toLowerCase() === 'none',
  checkhostip: () => false,
};

/** What a lookup found for one name: the first value of each directive, with where it came from. */
export interface HostSettings {
  values: Partial<Record<Exclude<Honoured, 'identityfile'>, { value: string } & Where>>;
  identityFiles: Array<{ value: string } & Where>;
  /** Lines that applied but are not honoured in a way that matters (weaker host key checking, Match). */
  warnings: string[];
}

const MAX_INCLUDE_DEPTH = 16;

export class SshConfig {
  constructor(
    readonly file: string,
    readonly lines: readonly ConfigLine[],
  ) {}

  /** Reads FILE (and what it includes); a missing FILE is an error, as with `ssh -F`. */
  static load(file: string): SshConfig {
    return new SshConfig(file, readConfigLines(file, 0));
  }

  static parse(text: string, file: string): SshConfig {
    return new SshConfig(file, parseConfigText(text, file, 0));
  }

  /** The settings that apply to `name` (the name given to ssh: the inventory's address, or a jump host). */
  lookup(name: string): HostSettings {
    const out: HostSettings = { values: {}, identityFiles: [], warnings: [] };
    let active = true;
    const saved: boolean[] = [];
    for (const l of this.lines) {
      switch (l.kind) {
        case 'include-start':
          saved.push(active);
          break;
        case 'include-end':
          active = saved.pop() ?? true;
          break;
        case 'host':
          active = hostMatches(l.patterns, name);
          break;
        case 'match':
          active = false;
          out.warnings.push(`${l.file}:${l.line}: Match blocks are not supported; the lines under it are ignored`);
          break;
        case 'option': {
          if (!active) break;
          const value = l.args.join(' ');
          if (l.key === 'identityfile') out.identityFiles.push({ value, file: l.file, line: l.line });
          else if ((HONOURED as readonly string[]).includes(l.key)) {
            const key = l.key as Exclude<Honoured, 'identityfile'>;
            // ProxyJump and ProxyCommand compete: whichever comes first prevents the other.
            const proxyTaken = (key === 'proxyjump' || key === 'proxycommand') && (out.values.proxyjump || out.values.proxycommand);
            if (!out.values[key] && !proxyTaken) out.values[key] = { value, file: l.file, line: l.line };
          } else if (WEAKENING[l.key]?.(value)) {
            out.warnings.push(`${l.file}:${l.line}: ${l.key} ${value} is not honoured: host keys are always checked against kremedy's known_hosts (--known-hosts)`);
          }
        }
      }
    }
    return out;
  }
}

/** `Host` patterns: any positive pattern matches and no negated (`!`) one does. */
export function hostMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

/** ssh's match_pattern: `*` any run, `?` one character, case-insensitive for host names. */
export function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'is').test(name);
}

function readConfigLines(file: string, depth: number): ConfigLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileInputError(file, undefined, undefined, `cannot read ssh config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfigText(text, file, depth);
}

function parseConfigText(text: string, file: string, depth: number): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const words = splitConfigLine(raw, (msg) => {
      throw new FileInputError(file, line, undefined, msg);
    });
    if (words.length === 0) return;
    const key = words[0]!.toLowerCase();
    const args = words.slice(1);
    if (args.length === 0) throw new FileInputError(file, line, undefined, `${words[0]} needs a value`);
    if (key === 'host') out.push({ kind: 'host', patterns: args, file, line });
    else if (key === 'match') out.push({ kind: 'match', file, line });
    else if (key === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) throw new FileInputError(file, line, undefined, `Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`);
      for (const arg of args) {
        for (const inc of expandInclude(arg, file)) {
          out.push({ kind: 'include-start' }, ...readConfigLines(inc, depth + 1), { kind: 'include-end' });
        }
      }
    } else out.push({ kind: 'option', key, args, file, line });
  });
  return out;
}

/**
 * ssh_config's tokenizer: `Key value`, `Key=value`, double-quoted arguments, `#` comments.
 * (OpenSSH's argv_split; single quotes are not special in ssh_config.)
 */
export function splitConfigLine(raw: string, fail: (msg: string) => never): string[] {
  let s = raw.trim();
  if (s === '' || s.startsWith('#')) return [];
  // The keyword may be separated from its value by `=` (with optional spaces around it).
  const kw = /^([^\s=]+)\s*(?:=\s*|\s+)?/.exec(s)!;
  const words = [kw[1]!];
  s = s.slice(kw[0].length);
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quoted) fail('unterminated quote');
  if (inWord) words.push(cur);
  return words;
}

/** Include paths: `~` expanded, relative ones against ~/.ssh (user config), `*`/`?` in the file name part. */
function expandInclude(arg: string, from: string): string[] {
  let p = arg.startsWith('~/') ? path.join(os.homedir(), arg.slice(2)) : arg;
  if (!path.isAbsolute(p)) p = path.join(os.homedir(), '.ssh', p);
  const dir = path.dirname(p);
  const base = path.basename(p);
  if (/[*?]/.test(dir)) throw new FileInputError(from, undefined, undefined, `Include ${arg}: wildcards are supported only in the file name`);
  if (!/[*?]/.test(base)) return exists(p) ? [p] : []; // ssh skips a missing include silently
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => globMatch(base, n) && exists(path.join(dir, n)))
    .sort()
    .map((n) => path.join(dir, n));
}

function exists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The config in effect, as `ssh -F`: FILE, `none` for no config, and by default ~/.ssh/config
 * when it exists. (/etc/ssh/ssh_config is not read: it holds client-wide settings, not hosts.)
 */
export function loadSshConfig(option: string | undefined): SshConfig | undefined {
  if (option === 'none') return undefined;
  if (option !== undefined) return SshConfig.load(option);
  const user = path.join(os.homedir(), '.ssh', 'config');
  return exists(user) ? SshConfig.load(user) : undefined;
}

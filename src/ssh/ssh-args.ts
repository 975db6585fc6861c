// `ansible_ssh_common_args` / `ansible_ssh_extra_args`: ssh command-line words, as Ansible
// passes them to ssh (split with Python's shlex, POSIX mode). kremedy reads the options that
// decide where to connect (-o Key=Value, -J, -p, -l, -i, -F) and a ProxyCommand of the usual
// `ssh -W %h:%p [user@]bastion` form (turned into a jump host). Options that would only tune
// the transport are ignored; options that would weaken host key checking are not honoured
// (kremedy always checks), with a warning; anything that cannot be done safely is refused.
import { InputError } from '../errors.js';

/** One `-o`-style setting, keyword lower-cased. */
export interface SshOption {
  key: string;
  value: string;
  /** The keyword as written, for messages. */
  name?: string;
}

export interface ParsedSshArgs {
  /** Settings in command-line order (for ssh, the first value of a keyword wins). */
  options: SshOption[];
  /** `-F FILE`: another ssh_config for this host. */
  configFile?: string;
  /** Only in a ProxyCommand's ssh: the host it logs into, and its `-W` target. */
  destination?: string;
  stdioForward?: string;
  warnings: string[];
}

/** Python's shlex.split (POSIX mode, comments off as Ansible uses it): quotes, backslashes, whitespace. */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1]!)) cur += text[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new InputError('no escaped character after the final backslash');
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError('no closing quotation');
  if (inWord) words.push(cur);
  return words;
}

/** Keywords kremedy acts on. */
const HONOURED = new Set(['hostname', 'user', 'port', 'identityfile', 'proxyjump', 'proxycommand']);

/** Transport tuning and client-side conveniences: safe to leave to kremedy's own defaults. */
const HARMLESS = new Set([
  'batchmode', 'connecttimeout', 'connectionattempts', 'controlmaster', 'controlpath', 'controlpersist',
  'serveraliveinterval', 'serveralivecountmax', 'tcpkeepalive', 'compression', 'loglevel', 'identitiesonly',
  'passwordauthentication', 'pubkeyauthentication', 'kbdinteractiveauthentication', 'preferredauthentications',
  'gssapiauthentication', 'gssapidelegatecredentials', 'forwardagent', 'forwardx11', 'requesttty', 'sendenv', 'setenv',
  'addressfamily', 'ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'pubkeyacceptedkeytypes', 'pubkeyacceptedalgorithms',
  'ipqos', 'numberofpasswordprompts', 'addkeystoagent', 'hashknownhosts', 'updatehostkeys', 'visualhostkey', 'escapechar',
  'exitonforwardfailure', 'clearallforwardings', 'userknownhostsfile', 'globalknownhostsfile', 'stricthostkeychecking',
]);

/** Settings that would change host key checking; kremedy's own --known-hosts / --trust-new-hosts decide. */
const HOST_KEY_SETTINGS = new Set(['userknownhostsfile', 'globalknownhostsfile', 'stricthostkeychecking', 'hostkeyalias', 'checkhostip', 'verifyhostkeydns']);

/** ssh flags without an argument. */
const FLAGS = new Set('46AaCfGgKkMNnqsTtVvXxYy'.split(''));
/** ssh flags with an argument that kremedy has no use for (forwardings, ciphers, control sockets, ...). */
const FLAGS_WITH_ARG = new Set('BbcDEeILmOQRSWw'.split(''));

/**
 * Parses ssh command-line words. `what` names the source in messages (e.g.
 * "ansible_ssh_common_args of host node1").
 */
export function parseSshArgs(words: readonly string[], what: string, mode: 'options' | 'proxy-command' = 'options'): ParsedSshArgs {
  const out: ParsedSshArgs = { options: [], warnings: [] };
  const take = (i: number, flag: string): string => {
    const w = words[i];
    if (w === undefined) throw new InputError(`${what}: ${flag} needs a value`);
    return w;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-') || w === '-') {
      if (mode === 'proxy-command' && out.destination === undefined) {
        out.destination = w;
        continue;
      }
      throw new InputError(`${what}: unexpected word "${w}" (only ssh options are allowed here)`);
    }
    // ssh takes bundled flags (-qT) and an argument glued to its flag (-oKey=v, -p2222).
    for (let j = 1; j < w.length; j++) {
      const f = w[j]!;
      const glued = w.slice(j + 1);
      const arg = () => (glued !== '' ? glued : take(++i, `-${f}`));
      if (FLAGS.has(f)) {
        if (f === 'f' || f === 'N' || f === 'G' || f === 's') throw new InputError(`${what}: -${f} changes what ssh does (not a remote command); it cannot be used with kremedy`);
        continue;
      }
      if (f === 'o') addOption(out, parseOptionWord(arg(), what), what);
      else if (f === 'J') addOption(out, { key: 'proxyjump', value: arg() }, what);
      else if (f === 'p') addOption(out, { key: 'port', value: arg() }, what);
      else if (f === 'l') addOption(out, { key: 'user', value: arg() }, what);
      else if (f === 'i') addOption(out, { key: 'identityfile', value: arg() }, what);
      else if (f === 'F') out.configFile ??= arg();
      else if (f === 'W' && mode === 'proxy-command') out.stdioForward = arg();
      else if (FLAGS_WITH_ARG.has(f)) {
        const a = arg();
        if ('DLRW'.includes(f)) out.warnings.push(`${what}: -${f} ${a} is ignored (kremedy opens no forwardings)`);
      } else throw new InputError(`${what}: unknown ssh option -${f}`);
      if (!FLAGS.has(f)) break; // the rest of the word was the argument
    }
  }
  return out;
}

/** `-o Key=Value`, `-o Key Value`, `-o "Key=Value"`. */
export function parseOptionWord(word: string, what: string): SshOption {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/s.exec(word);
  if (!m || m[2] === '') throw new InputError(`${what}: cannot read ssh option "-o ${word}" (want -o Key=Value)`);
  let value = m[2]!;
  // ssh_config's own quoting inside the option value: -o 'ProxyCommand="ssh -W %h:%p b"'.
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return { key: m[1]!.toLowerCase(), value, name: m[1]! };
}

function addOption(out: ParsedSshArgs, opt: SshOption, what: string): void {
  if (HONOURED.has(opt.key)) {
    out.options.push(opt);
    return;
  }
  if (HOST_KEY_SETTINGS.has(opt.key)) {
    const strict = (opt.key === 'stricthostkeychecking' && /^(yes|ask)$/i.test(opt.value)) || opt.key === 'userknownhostsfile' && !/^(\/dev\/null|none)$/i.test(opt.value);
    if (!strict) {
      out.warnings.push(
        `${what}: -o ${opt.name ?? opt.key}=${opt.value} is NOT honoured: kremedy always checks host keys against its known_hosts ` +
          `(--known-hosts FILE; --trust-new-hosts records unknown ones, a changed key is always refused)`,
      );
    }
    return;
  }
  if (HARMLESS.has(opt.key)) return;
  out.warnings.push(`${what}: ssh option ${opt.name ?? opt.key} is not understood by kremedy and is ignored`);
}

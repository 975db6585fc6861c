// ansible.cfg and the ANSIBLE_* environment variables, for the settings that decide which
// inventory is read and how hosts are reached. Found as Ansible finds it (config/manager.py
// find_ini_config_file): $ANSIBLE_CONFIG (a file, or a directory holding ansible.cfg), then
// ./ansible.cfg (skipped when the working directory is world-writable, as Ansible does), then
// ~/.ansible.cfg, then /etc/ansible/ansible.cfg; the first readable one is the only one used.
// An environment variable beats the file, and inventory variables beat both (ansible-core's
// ConfigManager: vars, then env, then ini).

import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A value and where it came from, for `kremedy inventory` and messages. */
export interface Setting {
  value: string;
  origin: string;
}

/** The ansible.cfg options kremedy reads: [section, key] in the file, and the environment variable. */
const OPTIONS = {
  inventory: { ini: ['defaults', 'inventory'], env: 'ANSIBLE_INVENTORY' },
  remote_user: { ini: ['defaults', 'remote_user'], env: 'ANSIBLE_REMOTE_USER' },
  remote_port: { ini: ['defaults', 'remote_port'], env: 'ANSIBLE_REMOTE_PORT' },
  private_key_file: { ini: ['defaults', 'private_key_file'], env: 'ANSIBLE_PRIVATE_KEY_FILE' },
  transport: { ini: ['defaults', 'transport'], env: 'ANSIBLE_TRANSPORT' },
  host_key_checking: { ini: ['defaults', 'host_key_checking'], env: 'ANSIBLE_HOST_KEY_CHECKING' },
  inventory_ignore_extensions: { ini: ['defaults', 'inventory_ignore_extensions'], env: 'ANSIBLE_INVENTORY_IGNORE' },
  inventory_ignore_patterns: { ini: ['inventory', 'ignore_patterns'], env: 'ANSIBLE_INVENTORY_IGNORE_REGEX' },
  become: { ini: ['privilege_escalation', 'become'], env: 'ANSIBLE_BECOME' },
  become_user: { ini: ['privilege_escalation', 'become_user'], env: 'ANSIBLE_BECOME_USER' },
  become_method: { ini: ['privilege_escalation', 'become_method'], env: 'ANSIBLE_BECOME_METHOD' },
  ssh_args: { ini: ['ssh_connection', 'ssh_args'], env: 'ANSIBLE_SSH_ARGS' },
  ssh_common_args: { ini: ['ssh_connection', 'ssh_common_args'], env: 'ANSIBLE_SSH_COMMON_ARGS' },
  ssh_extra_args: { ini: ['ssh_connection', 'ssh_extra_args'], env: 'ANSIBLE_SSH_EXTRA_ARGS' },
} as const;

export type CfgOption = keyof typeof OPTIONS;

/** ansible-core's defaults for the inventory directory filters (constants REJECT_EXTS + INVENTORY_IGNORE_EXTS). */
const DEFAULT_IGNORE_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];

export class AnsibleConfig {
  /** Messages for settings read but deliberately not honoured (printed once by the CLI). */
  readonly warnings: string[] = [];

  constructor(
    /** The ansible.cfg in effect, or undefined when there is none. */
    readonly file: string | undefined,
    private readonly ini: Map<string, { value: string; line: number }>,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    const hkc = this.get('host_key_checking');
    if (hkc && /^(false|no|off|0|n|f)$/i.test(hkc.value.trim())) {
      this.warnings.push(`host_key_checking = False (${hkc.origin}) is not honoured: kremedy always checks host keys (--known-hosts FILE; --trust-new-hosts records unknown ones)`);
    }
  }

  /** An option from the environment, else from ansible.cfg; undefined when neither sets it. */
  get(option: CfgOption): Setting | undefined {
    const o = OPTIONS[option];
    const e = this.env[o.env];
    if (e !== undefined && e !== '') return { value: e, origin: `environment variable ${o.env}` };
    const v = this.ini.get(`${o.ini[0]}.${o.ini[1]}`);
    if (v !== undefined) return { value: v.value, origin: `${this.file}:${v.line} [${o.ini[0]}] ${o.ini[1]}` };
    return undefined;
  }

  /** The inventory sources named by ANSIBLE_INVENTORY or `[defaults] inventory` (a comma-separated path list). */
  inventory(cwd: string): { paths: string[]; origin: string } | undefined {
    const s = this.get('inventory');
    if (!s) return undefined;
    // A path from the file is relative to the file's directory; one from the environment to the working directory.
    const base = s.origin.startsWith('environment') || !this.file ? cwd : dirname(this.file);
    const paths = s.value.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => expandPath(p, base, this.env));
    return paths.length ? { paths, origin: s.origin } : undefined;
  }

  /** Directory entries an inventory directory skips: Ansible's IGNORED pattern, with this config's extensions and patterns. */
  ignored(): RegExp {
    const list = (o: CfgOption, dflt: string[]) => {
      const s = this.get(o);
      return s ? s.value.split(',').map((x) => x.trim()).filter(Boolean) : dflt;
    };
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const parts = ['^\\.', '^host_vars$', '^group_vars$', '^vars_plugins$', ...list('inventory_ignore_patterns', []), ...list('inventory_ignore_extensions', DEFAULT_IGNORE_EXTS).map((x) => `${esc(x)}$`)];
    return new RegExp(parts.join('|'));
  }

  static none(env: NodeJS.ProcessEnv = process.env): AnsibleConfig {
    return new AnsibleConfig(undefined, new Map(), env);
  }

  /** Finds and reads the ansible.cfg in effect for `cwd` and `env`. */
  static load(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): AnsibleConfig {
    const file = findConfigFile(cwd, env);
    if (!file) return AnsibleConfig.none(env);
    return new AnsibleConfig(file, parseIni(readFileSync(file, 'utf8')), env);
  }
}

/** `~` and `$VAR` expanded, then made absolute against `base` (Ansible's unfrackpath). */
export function expandPath(p: string, base: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? m);
  if (out === '~') out = homedir();
  else if (out.startsWith('~/')) out = join(homedir(), out.slice(2));
  return isAbsolute(out) ? resolve(out) : resolve(base, out);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates: string[] = [];
  const fromEnv = env['ANSIBLE_CONFIG'];
  if (fromEnv !== undefined) {
    const p = expandPath(fromEnv, cwd, env);
    candidates.push(existsSync(p) && statSync(p).isDirectory() ? join(p, 'ansible.cfg') : p);
  }
  try {
    // Ansible skips ./ansible.cfg in a world-writable directory (anyone could have put it there).
    if ((statSync(cwd).mode & 0o002) === 0) candidates.push(join(cwd, 'ansible.cfg'));
  } catch {
    // an unreadable working directory has no ansible.cfg to offer
  }
  candidates.push(join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find(readable);
}

/** Python's configparser as Ansible uses it: `key = value` or `key: value`, `#`/`;` comments, `;` inline comments, `%%` for `%`, continuation lines. */
export function parseIni(text: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  let section = '';
  let last: string | undefined;
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (/^\s*([#;]|$)/.test(raw)) return;
    if (/^\s/.test(raw) && last !== undefined) {
      const prev = out.get(last)!;
      prev.value = `${prev.value}\n${clean(raw.trim())}`;
      return;
    }
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      section = sec[1]!.trim();
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) return;
    last = `${section}.${kv[1]!.toLowerCase()}`;
    out.set(last, { value: clean(kv[2]!), line: i + 1 });
  });
  return out;
}

function clean(v: string): string {
  return v.replace(/\s+;.*$/, '').replace(/%%/g, '%').trim();
}

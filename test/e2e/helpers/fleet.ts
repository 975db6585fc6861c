// End-to-end helpers: the fleet is real (systemd-nspawn hosts with sshd, see test/fleet/).
// Host state is read with the plain OpenSSH client, independently of kremedy's own SSH code.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FLEET_DIR = process.env['KREMEDY_FLEET_DIR'] ?? '/var/lib/kremedy-fleet';
// KREMEDY_FLEET_INSTANCE=N (1-9) points the tests at a separate fleet (fleet.sh's instances):
// its own run/ dir and its own subnet 10.(213+N).0.0/16, so two checkouts can test side by side.
export const FLEET_INSTANCE = Number(process.env['KREMEDY_FLEET_INSTANCE'] ?? '0');
export const RUN_DIR = path.join(FLEET_DIR, FLEET_INSTANCE ? `instance${FLEET_INSTANCE}` : '', 'run');
/** The fleet's /16 prefix: unused addresses in it are safe "nobody there" targets (inside our bridge). */
export const FLEET_NET = `10.${213 + FLEET_INSTANCE}`;
/** fleet.sh's NS_PREFIX: a host's network namespace is kr-NAME, or krN-NAME on instance N. */
export const NETNS_PREFIX = FLEET_INSTANCE ? `kr${FLEET_INSTANCE}-` : 'kr-';
export const INVENTORY = path.join(RUN_DIR, 'inventory.yml');
export const KNOWN_HOSTS = path.join(RUN_DIR, 'known_hosts');
export const CLIENT_KEY = path.join(FLEET_DIR, 'id_ed25519');
// The installed bin (package.json "bin"): the bundle from its code cache, as users run it.
export const CLI = path.join(REPO, 'bin/kremedy.cjs');

export interface FleetHost {
  name: string;
  ip: string;
  os: string;
  kernel: string;
  seed: string;
  groups: string[];
  /** The bastion a host is reachable through (test/fleet: group behind_bastion); none for the others. */
  via?: string;
}

/** The fleet is required: a missing fleet fails loudly instead of turning tests into skips. */
export function fleet(): Map<string, FleetHost> {
  const file = path.join(RUN_DIR, 'hosts.json');
  if (!existsSync(file)) throw new Error(`the test fleet is not up (${file} missing): run \`npm run fleet:up\` as root first`);
  const hosts = JSON.parse(readFileSync(file, 'utf8')) as FleetHost[];
  return new Map(hosts.map((h) => [h.name, h]));
}

export function hostIp(name: string): string {
  const h = fleet().get(name);
  if (!h) throw new Error(`fleet has no host ${name}`);
  return h.ip;
}

const SSH_OPTS = (known = KNOWN_HOSTS) => [
  '-i', CLIENT_KEY, '-o', `UserKnownHostsFile=${known}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
  '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR',
];

/**
 * OpenSSH's arguments for root on a fleet host; a host behind the bastion is reached with
 * `-J bastion`, the jump host resolved from the fleet's ssh_config (its key and known_hosts).
 */
export function sshTo(name: string): string[] {
  const via = fleet().get(name)?.via;
  return [...(via ? ['-F', path.join(RUN_DIR, 'ssh_config'), '-J', via] : []), ...SSH_OPTS(), `root@${hostIp(name)}`];
}

/** Run a shell command as root on a fleet host; returns stdout (throws on non-zero exit). */
export async function onHost(name: string, command: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh', [...sshTo(name), command], { maxBuffer: 16 << 20 });
  return stdout;
}

/** Like onHost but never throws: exit status and output for assertions on failure cases. */
export async function tryOnHost(name: string, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('ssh', [...sshTo(name), command], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function reseed(name: string, state: string): Promise<void> {
  await onHost(name, `kremedy-seed ${state}`);
}

/** Everything reset-node may touch, as text: equal snapshots mean nothing changed. */
export async function snapshot(name: string): Promise<string> {
  return onHost(
    name,
    // Chain counters dropped: the legacy backend (the CentOS hosts) counts every packet, SSH's own included.
    'for t in filter nat mangle; do iptables-save -t $t | grep -v "^#" | sed "s/ \\[[0-9]*:[0-9]*\\]$//"; done; ip -o link show | cut -d" " -f2; ' +
      // Entries with type, size and mode, not directory mtimes (SSH logins touch /run).
      "for d in /etc/cni/net.d /run/flannel /var/lib/cni; do [ -e $d ] && find $d -printf '%p %y %s %m\\n' | sort || echo \"$d absent\"; done; cat /etc/hosts",
  );
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  events: Array<Record<string, any>>;
}

/** Run the built CLI against the fleet inventory and known_hosts (overridable via args). */
export function kremedy(args: string[], opts: { env?: Record<string, string>; input?: string; fleetDefaults?: boolean; cwd?: string } = {}): Promise<CliResult> {
  const defaults = opts.fleetDefaults === false ? [] : ['-i', INVENTORY, '--known-hosts', KNOWN_HOSTS];
  const sub = args[0];
  const takesConnection = sub === 'run' || sub === 'facts' || sub === 'plan' || sub === 'apply' || sub === 'doctor' || sub === 'undo' || sub === 'runs';
  const full = takesConnection ? [...args, ...defaults] : sub === 'inventory' && opts.fleetDefaults !== false ? [...args, '-i', INVENTORY] : args;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...full], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', SSH_AUTH_SOCK: '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    child.on('close', (code) => {
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, any>];
          } catch {
            return [];
          }
        });
      resolve({ code: code ?? -1, stdout, stderr, events });
    });
  });
}

export function recapOf(res: CliResult): Record<string, { ok: number; changed: number; pending: number; failed: number; skipped: number; unreachable: boolean }> {
  const recap = res.events.find((e) => e['type'] === 'recap');
  if (!recap) throw new Error(`no recap event in output:\n${res.stdout}\n${res.stderr}`);
  return recap['hosts'];
}

export function tasksOf(res: CliResult, host: string): Array<{ task: string; status: string; message?: string; diff?: string }> {
  return res.events.filter((e) => e['type'] === 'task' && e['host'] === host) as never;
}

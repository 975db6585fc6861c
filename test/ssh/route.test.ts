// Where kremedy connects for a host: inventory variables, ansible_ssh_*_args and ssh_config
// combined (inventory first, then the args, then the config; first value wins), and the
// jump hosts in front. As data: host variables + config text -> endpoints.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import type { Host } from '../../src/inventory/types.js';
import { SshConfig } from '../../src/ssh/config.js';
import { expandTokens, parseJumpSpec, resolveRoute, type Endpoint } from '../../src/ssh/route.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kremedy-route-'));
const KEY = path.join(dir, 'id_cfg');
writeFileSync(KEY, 'not read here');
const me = os.userInfo().username;

/** A host as the inventory loader builds it (defaults: address = name, port 22, user root). */
function host(name: string, vars: Record<string, unknown> = {}): Host {
  return {
    name,
    address: typeof vars['ansible_host'] === 'string' ? (vars['ansible_host'] as string) : name,
    port: vars['ansible_port'] !== undefined ? Number(vars['ansible_port']) : 22,
    user: typeof vars['ansible_user'] === 'string' ? (vars['ansible_user'] as string) : 'root',
    ...(typeof vars['ansible_ssh_private_key_file'] === 'string' ? { privateKeyFile: vars['ansible_ssh_private_key_file'] as string } : {}),
    become: false,
    groups: ['all'],
    vars,
  };
}

interface Case {
  title: string;
  vars?: Record<string, unknown>;
  name?: string;
  config?: string;
  target: Partial<Endpoint>;
  jumps?: Array<Partial<Endpoint>>;
  warnings?: RegExp[];
  error?: RegExp;
}

const CONFIG = `
Host bastion
  HostName 10.0.0.1
  User jump
  Port 2222
  IdentityFile ${KEY}
Host inner* !inner-direct
  ProxyJump bastion
Host *.lan
  HostName %h.example
Host inner-2
  User alice
  Port 2200
Host *
  IdentityFile /nonexistent/key
`;

const cases: Case[] = [
  { title: 'no config: the inventory address, port 22, root', name: 'n1', target: { address: 'n1', port: 22, user: 'root' }, jumps: [] },
  {
    title: 'config under the inventory name: ProxyJump through a bastion configured in the same file',
    name: 'inner1',
    config: CONFIG,
    target: { address: 'inner1', port: 22, user: 'root', label: 'inner1' },
    jumps: [{ label: 'bastion', address: '10.0.0.1', port: 2222, user: 'jump', keyFile: KEY }],
  },
  {
    title: 'config port and user apply when the inventory does not set them',
    name: 'inner-2',
    config: CONFIG,
    target: { port: 2200, user: 'alice' },
  },
  {
    title: 'inventory ansible_port/ansible_user win over the config',
    name: 'inner-2',
    vars: { ansible_port: 22, ansible_user: 'deploy' },
    config: CONFIG,
    target: { port: 22, user: 'deploy' },
  },
  {
    title: 'the config is looked up under ansible_host, and its HostName (with %h) applies',
    name: 'db',
    vars: { ansible_host: 'db1.lan' },
    config: CONFIG,
    target: { address: 'db1.lan.example', label: 'db' },
    jumps: [],
  },
  { title: 'a negated pattern keeps a host direct', name: 'inner-direct', config: CONFIG, target: { address: 'inner-direct' }, jumps: [] },
  {
    title: 'ansible_ssh_common_args ProxyJump (user@host:port) beats the config; the hop gets the inventory key',
    name: 'inner1',
    vars: { ansible_ssh_common_args: '-o ProxyJump=ops@10.9.9.9:2022', ansible_ssh_private_key_file: '/inv/key' },
    config: CONFIG,
    target: { keyFile: '/inv/key' },
    jumps: [{ address: '10.9.9.9', port: 2022, user: 'ops', keyFile: '/inv/key' }],
  },
  {
    title: 'a jump host without a user logs in as the local user, as ssh does',
    name: 'x',
    vars: { ansible_ssh_common_args: '-J 10.9.9.9' },
    target: {},
    jumps: [{ address: '10.9.9.9', port: 22, user: me }],
  },
  {
    title: 'multi-hop: a,b means a first, then b, then the target; b keeps its config',
    name: 'x',
    vars: { ansible_ssh_common_args: '-J j1@10.1.1.1,bastion' },
    config: CONFIG,
    target: {},
    jumps: [
      { address: '10.1.1.1', user: 'j1' },
      { address: '10.0.0.1', port: 2222, user: 'jump' },
    ],
  },
  {
    title: 'ProxyJump none in the args disables the config jump',
    name: 'inner1',
    vars: { ansible_ssh_extra_args: '-o ProxyJump=none' },
    config: CONFIG,
    target: {},
    jumps: [],
  },
  {
    title: 'common args come before extra args (first value wins)',
    name: 'x',
    vars: { ansible_ssh_common_args: '-p 2201', ansible_ssh_extra_args: '-p 2202' },
    target: { port: 2201 },
  },
  {
    title: 'the kubespray ProxyCommand form becomes a jump host',
    name: 'x',
    vars: {
      ansible_ssh_common_args: `-o ProxyCommand="ssh -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -F /dev/null -W %h:%p -p 2222 -q ops@10.2.2.2 -i ${KEY}"`,
    },
    target: {},
    jumps: [{ address: '10.2.2.2', port: 2222, user: 'ops', keyFile: KEY }],
    warnings: [/UserKnownHostsFile=\/dev\/null is NOT honoured/, /StrictHostKeyChecking=no is NOT honoured/],
  },
  {
    title: 'a ProxyCommand from the config, with [%h]:%p',
    name: 'x',
    config: 'Host x\n  ProxyCommand ssh -W [%h]:%p bastion\n' + CONFIG,
    target: {},
    jumps: [{ label: 'bastion', address: '10.0.0.1', port: 2222 }],
  },
  {
    title: 'a ProxyJump loop is refused',
    name: 'x',
    config: 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\nHost x\n  ProxyJump a\n',
    target: {},
    error: /more than 10 nested jump hosts/,
  },
  {
    title: 'a ProxyCommand that is not ssh -W is refused, naming the host',
    name: 'x',
    vars: { ansible_ssh_common_args: '-o ProxyCommand="nc -X 5 -x proxy:1080 %h %p"' },
    target: {},
    error: /^host x: ProxyCommand "nc -X 5 -x proxy:1080 %h %p" \(the ssh options of x\) is not supported: it does not run ssh/,
  },
  {
    title: 'a ProxyCommand ssh without -W %h:%p is refused',
    name: 'x',
    vars: { ansible_ssh_common_args: `-o ProxyCommand='ssh bastion nc %h %p'` },
    target: {},
    error: /host x: ProxyCommand .* is not supported: unexpected word "nc"/,
  },
  {
    title: 'a ProxyCommand ssh forwarding somewhere else than %h:%p is refused',
    name: 'x',
    vars: { ansible_ssh_common_args: `-o ProxyCommand='ssh -W db:5432 bastion'` },
    target: {},
    error: /host x: ProxyCommand .* is not supported: it does not forward to %h:%p with -W/,
  },
  { title: 'args that are not a string are refused', name: 'x', vars: { ansible_ssh_common_args: 5 }, target: {}, error: /ansible_ssh_common_args of host x: expected a string/ },
  { title: 'a bad Port in the config names file and line', name: 'x', config: 'Host x\n  Port http\n', target: {}, error: /x: bad Port "http" \(cfg:2\)/ },
];

for (const c of cases) {
  test(`route: ${c.title}`, (t) => {
    const config = c.config === undefined ? undefined : SshConfig.parse(c.config, 'cfg');
    const run = () => resolveRoute(host(c.name ?? 'h', c.vars), { config, loadConfig: (f) => SshConfig.load(f) });
    if (c.error) {
      t.throws(run, { instanceOf: InputError, message: c.error });
      return;
    }
    const r = run();
    if (Object.keys(c.target).length) t.like(r.target, c.target);
    if (c.jumps) {
      t.is(r.jumps.length, c.jumps.length, JSON.stringify(r.jumps));
      c.jumps.forEach((j, i) => t.like(r.jumps[i], j));
    }
    t.is(r.warnings.length, c.warnings?.length ?? 0, r.warnings.join('\n'));
    for (const re of c.warnings ?? []) t.true(r.warnings.some((w) => re.test(w)), String(re));
  });
}

test('route: a missing IdentityFile is skipped (as ssh), an existing one used', (t) => {
  const r = resolveRoute(host('h'), { config: SshConfig.parse(`Host *\n  IdentityFile /nonexistent/a\n  IdentityFile ${KEY}\n`, 'cfg'), loadConfig: SshConfig.load });
  t.is(r.target.keyFile, KEY);
});

test('route: -F inside the args selects another config for that host', (t) => {
  const other = path.join(dir, 'other.cfg');
  writeFileSync(other, 'Host h\n  HostName 10.3.3.3\n');
  const r = resolveRoute(host('h', { ansible_ssh_common_args: `-F ${other}` }), { config: SshConfig.parse('Host h\n  HostName 10.4.4.4\n', 'cfg'), loadConfig: SshConfig.load });
  t.is(r.target.address, '10.3.3.3');
});

const specs: Array<[string, ReturnType<typeof parseJumpSpec> | RegExp]> = [
  ['bastion', { host: 'bastion' }],
  ['ops@bastion:2222', { host: 'bastion', user: 'ops', port: 2222 }],
  ['ssh://ops@10.0.0.1:22', { host: '10.0.0.1', user: 'ops', port: 22 }],
  ['[fd00::1]:2222', { host: 'fd00::1', port: 2222 }],
  ['a@b@host', { host: 'host', user: 'a@b' }],
  ['@host', /bad jump host/],
  ['host:99999', /bad port/],
  ['host:', /bad jump host/],
];
for (const [spec, want] of specs) {
  test(`parseJumpSpec ${spec}`, (t) => {
    if (want instanceof RegExp) t.throws(() => parseJumpSpec(spec, 'x'), { message: want });
    else t.deepEqual(parseJumpSpec(spec, 'x'), want);
  });
}

test('expandTokens: %% %h %d %u %r %p, unknown tokens refused', (t) => {
  t.is(expandTokens('%d/.ssh/%r@%h:%p-%u %%', { h: 'H', r: 'R', p: '22' }, 'x'), `${os.homedir()}/.ssh/R@H:22-${me} %`);
  t.throws(() => expandTokens('%C', {}, 'IdentityFile (cfg:3)'), { message: /IdentityFile \(cfg:3\): unknown or unsupported token %C/ });
});

test('ansible.cfg ssh_args come before the inventory port and user (ssh takes the first), ssh_common_args after; a ProxyJump in them is a jump host', (t) => {
  const host = {
    name: 'n1', address: '10.0.0.1', port: 2222, user: 'deploy', become: false, groups: [], vars: {},
    origins: { port: 'group_vars/all.yml:1 (ansible_port)', user: 'group_vars/all.yml:2 (ansible_user)' },
    sshArgs: [
      { option: 'ssh_args' as const, text: '-o ControlMaster=auto -o UserKnownHostsFile=/dev/null -o ProxyJump=jump@bastion:2022 -o Port=2200', origin: '/x/ansible.cfg:3 [ssh_connection] ssh_args' },
      { option: 'ssh_common_args' as const, text: '-o User=ignored', origin: 'hosts.yml:4 (ansible_ssh_common_args)' },
    ],
  };
  const r = resolveRoute(host, { config: undefined, loadConfig: () => { throw new Error('no'); } });
  t.is(r.target.port, 2200, 'ssh_args is placed before -o Port, as Ansible builds the command');
  t.is(r.target.user, 'deploy');
  t.deepEqual(r.jumps.map((j) => `${j.user}@${j.address}:${j.port}`), ['jump@bastion:2022']);
  t.true(r.warnings.some((w) => w.startsWith('ssh_args (/x/ansible.cfg:3 [ssh_connection] ssh_args): -o UserKnownHostsFile=/dev/null is NOT honoured')), r.warnings.join('\n'));
});

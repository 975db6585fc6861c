// ansible_ssh_common_args / ansible_ssh_extra_args: shell splitting (Python's shlex is the
// oracle, as Ansible uses it) and ssh option parsing, as data tables.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { InputError } from '../../src/errors.js';
import { parseOptionWord, parseSshArgs, shlexSplit } from '../../src/ssh/ssh-args.js';

const splits: Array<[string, string[]]> = [
  ['-o ProxyJump=bastion', ['-o', 'ProxyJump=bastion']],
  [`-o ProxyCommand="ssh -W %h:%p -q user@bastion"`, ['-o', 'ProxyCommand=ssh -W %h:%p -q user@bastion']],
  [`-o 'ProxyCommand=ssh -W "%h:%p" b'`, ['-o', 'ProxyCommand=ssh -W "%h:%p" b']],
  ['a\\ b "c\\"d" \'e\\f\'', ['a b', 'c"d', 'e\\f']],
  ['  -J   j1,j2  ', ['-J', 'j1,j2']],
  ['""', ['']],
  ['x"y"z', ['xyz']],
];

for (const [text, want] of splits) {
  test(`shlexSplit ${JSON.stringify(text)}`, (t) => {
    t.deepEqual(shlexSplit(text), want);
  });
}

test('shlexSplit agrees with Python shlex.split on the table', (t) => {
  const py = execFileSync('python3', ['-c', 'import json,shlex,sys; print(json.dumps([shlex.split(s) for s in json.load(sys.stdin)]))'], {
    input: JSON.stringify(splits.map(([s]) => s)),
    encoding: 'utf8',
  });
  t.deepEqual(JSON.parse(py), splits.map(([, w]) => w));
});

test('shlexSplit: an unclosed quote is an error', (t) => {
  t.throws(() => shlexSplit('-o "ProxyJump=b'), { instanceOf: InputError, message: /no closing quotation/ });
});

interface ArgsCase {
  args: string;
  options?: Array<[string, string]>;
  configFile?: string;
  warnings?: RegExp[];
  error?: RegExp;
}

const argCases: ArgsCase[] = [
  { args: '-o ProxyJump=root@10.0.0.1:2222', options: [['proxyjump', 'root@10.0.0.1:2222']] },
  { args: '-J a,b -p 2200 -l ops -i ~/.ssh/k', options: [['proxyjump', 'a,b'], ['port', '2200'], ['user', 'ops'], ['identityfile', '~/.ssh/k']] },
  { args: '-oPort=2200 -p2201', options: [['port', '2200'], ['port', '2201']] },
  { args: '-o "User ops"', options: [['user', 'ops']] },
  { args: '-qT -o ControlMaster=auto -o ControlPersist=60s -o ServerAliveInterval=5', options: [] },
  { args: '-F /etc/kremedy/ssh.cfg', options: [], configFile: '/etc/kremedy/ssh.cfg' },
  { args: '-o StrictHostKeyChecking=no', options: [], warnings: [/StrictHostKeyChecking=no is NOT honoured: kremedy always checks host keys/] },
  { args: '-o UserKnownHostsFile=/dev/null', options: [], warnings: [/UserKnownHostsFile=\/dev\/null is NOT honoured/] },
  // Strict checking and a known_hosts file: what kremedy does anyway (its --known-hosts decides which file).
  { args: '-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/x/known_hosts', options: [] },
  { args: '-o HostKeyAlias=other', options: [], warnings: [/HostKeyAlias=other is NOT honoured/] },
  { args: '-o FancyNewOption=1', options: [], warnings: [/FancyNewOption is not understood by kremedy and is ignored/] },
  { args: '-L 8080:localhost:80', options: [], warnings: [/-L 8080:localhost:80 is ignored/] },
  { args: 'bastion', error: /unexpected word "bastion"/ },
  { args: '-o', error: /-o needs a value/ },
  { args: '-o Port', error: /cannot read ssh option "-o Port"/ },
  { args: '-N', error: /-N changes what ssh does/ },
  { args: '-Z', error: /unknown ssh option -Z/ },
];

for (const c of argCases) {
  test(`parseSshArgs ${c.args}`, (t) => {
    const run = () => parseSshArgs(shlexSplit(c.args), 'ansible_ssh_common_args of host h');
    if (c.error) {
      t.throws(run, { instanceOf: InputError, message: c.error });
      return;
    }
    const got = run();
    t.deepEqual(got.options.map((o) => [o.key, o.value]), c.options);
    t.is(got.configFile, c.configFile);
    t.is(got.warnings.length, c.warnings?.length ?? 0, got.warnings.join('\n'));
    for (const re of c.warnings ?? []) t.true(got.warnings.some((w) => re.test(w) && w.startsWith('ansible_ssh_common_args of host h: ')), `${re}`);
  });
}

test('parseSshArgs in a ProxyCommand: destination and -W, options after the destination too', (t) => {
  const got = parseSshArgs(shlexSplit('-q -W %h:%p ops@bastion -p 2222 -i /k'), 'pc', 'proxy-command');
  t.is(got.destination, 'ops@bastion');
  t.is(got.stdioForward, '%h:%p');
  t.deepEqual(got.options.map((o) => [o.key, o.value]), [['port', '2222'], ['identityfile', '/k']]);
  t.throws(() => parseSshArgs(['a', 'b'], 'pc', 'proxy-command'), { message: /unexpected word "b"/ });
});

test('parseOptionWord strips ssh_config quotes around the value', (t) => {
  t.like(parseOptionWord('ProxyCommand="ssh -W %h:%p b"', 'x'), { key: 'proxycommand', value: 'ssh -W %h:%p b', name: 'ProxyCommand' });
});

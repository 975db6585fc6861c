import test from 'ava';
import { evaluateTemplate, TemplateError } from '../../src/inventory/template.js';

const vars: Record<string, unknown> = { name: 'node1', port: 2222, empty: '', dir: '/root/.ssh' };
const ctx = { env: { NODE_PW: 's3cret' } as NodeJS.ProcessEnv, lookup: (n: string) => (n in vars ? { defined: true, value: vars[n] } : { defined: false }) };
const ev = (t: string) => evaluateTemplate(t, ctx);

test('variables, text around them, and a single expression keeping its type', (t) => {
  t.is(ev('{{ name }}'), 'node1');
  t.is(ev('{{port}}'), 2222);
  t.is(ev('{{ dir }}/{{ name }}.pem'), '/root/.ssh/node1.pem');
  t.is(ev('port {{ port }}'), 'port 2222');
  t.is(ev('plain'), 'plain');
});

test('default (and d), with the boolean second argument', (t) => {
  t.is(ev("{{ missing | default('ubuntu') }}"), 'ubuntu');
  t.is(ev('{{ missing | d(22) }}'), 22);
  t.is(ev("{{ name | default('x') }}"), 'node1');
  t.is(ev("{{ empty | default('x') }}"), '', 'a defined empty value is kept');
  t.is(ev("{{ empty | default('x', true) }}"), 'x');
  t.is(ev('{{ missing | default(name) }}'), 'node1');
});

test("lookup('env', NAME): the value, or '' when unset (as Ansible's env lookup)", (t) => {
  t.is(ev("{{ lookup('env', 'NODE_PW') }}"), 's3cret');
  t.is(ev('{{ lookup("env","NOPE") }}'), '');
  t.is(ev("{{ lookup('env', 'NOPE') | default('x') }}"), '');
});

test('everything else is refused, with the reason', (t) => {
  const refused: [string, RegExp][] = [
    ['{{ missing }}', /undefined/],
    ["{{ name | upper }}", /filter "upper" is not supported/],
    ["{{ hostvars['b']['ansible_host'] }}", /is not supported/],
    ['{{ a.b }}', /is not supported/],
    ['{{ port + 1 }}', /is not supported/],
    ['{% if x %}a{% endif %}', /statements/],
    ['{# c #}', /comments/],
    ["{{ lookup('file', '/etc/passwd') }}", /only lookup\('env', 'NAME'\)/],
    ['{{ range(3) }}', /function "range" is not supported/],
    ['{{ name', /without a matching/],
    ["{{ missing | default(other) }}", /default value is itself undefined/],
  ];
  for (const [text, why] of refused) t.throws(() => ev(text), { instanceOf: TemplateError, message: why }, text);
});

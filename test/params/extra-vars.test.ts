import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeExtraVars, parseExtraVars, shellWords } from '../../src/params/extra-vars.js';
import { resolveParams } from '../../src/params/validate.js';
import { param } from '../../src/dsl/builders.js';
import { InputError } from '../../src/errors.js';

const words: Array<[string, string[]]> = [
  ['a=1 b=2', ['a=1', 'b=2']],
  [`a='x y' b="p \\"q\\""`, ['a=x y', 'b=p "q"']],
  ['  spaced\\ word  ', ['spaced word']],
  [`k='$(touch /tmp/x)'`, ['k=$(touch /tmp/x)']],
];
for (const [input, expected] of words) test(`shellWords ${JSON.stringify(input)}`, (t) => t.deepEqual(shellWords(input), expected));

test('-e takes key=value words, JSON and @file, later ones win', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-ev-'));
  const file = path.join(dir, 'vars.yml');
  writeFileSync(file, 'cni: kube-router\npins:\n  registry-1.docker.io: 1.2.3.4\n');
  t.deepEqual(parseExtraVars('cni=flannel x=1'), { cni: 'flannel', x: '1' });
  t.deepEqual(parseExtraVars('{"cni":"auto","n":3}'), { cni: 'auto', n: 3 });
  t.deepEqual(parseExtraVars(`@${file}`), { cni: 'kube-router', pins: { 'registry-1.docker.io': '1.2.3.4' } });
  t.deepEqual(mergeExtraVars(['cni=flannel', `@${file}`]).cni, 'kube-router');
});

test('-e errors are clear input errors', (t) => {
  t.throws(() => parseExtraVars('novalue'), { instanceOf: InputError, message: /expected key=value/ });
  t.throws(() => parseExtraVars('{"a":'), { instanceOf: InputError, message: /invalid JSON/ });
  t.throws(() => parseExtraVars('[1,2]x'), { instanceOf: InputError });
  t.throws(() => parseExtraVars("a='open"), { instanceOf: InputError, message: /no closing quotation/ });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-ev-'));
  writeFileSync(path.join(dir, 'bad.yml'), 'a: [1,\n');
  t.throws(() => parseExtraVars(`@${dir}/bad.yml`), { instanceOf: InputError, message: /bad\.yml:\d+:\d+/ });
  t.throws(() => parseExtraVars(`@${dir}/missing.yml`), { instanceOf: InputError, message: /missing\.yml: cannot read/ });
});

const specs = {
  cni: param.enum(['flannel', 'kube-router', 'auto'], 'auto', 'which CNI'),
  count: param.number('how many', { min: 1, max: 10 }),
  force: param.boolean('force it', false),
  pins: param.map('host to ip', { valuePattern: /^\d+\.\d+\.\d+\.\d+$/ }),
  names: param.list('names'),
};

test('parameters: defaults, coercion from strings, maps and lists', (t) => {
  t.deepEqual(resolveParams('p', specs, {}), { cni: 'auto', force: false });
  t.deepEqual(resolveParams('p', specs, { cni: 'flannel', count: '3', force: 'yes', pins: 'a.io=1.2.3.4,b.io=5.6.7.8', names: 'x,y' }), {
    cni: 'flannel', count: 3, force: true, pins: { 'a.io': '1.2.3.4', 'b.io': '5.6.7.8' }, names: ['x', 'y'],
  });
});

test('parameters: wrong type names the parameter; unknown name suggests the nearest', (t) => {
  t.throws(() => resolveParams('p', specs, { cni: 'calico' }), { message: /parameter "cni": expected one of flannel, kube-router, auto, got "calico"/ });
  t.throws(() => resolveParams('p', specs, { count: 'many' }), { message: /parameter "count": expected a number/ });
  t.throws(() => resolveParams('p', specs, { count: 50 }), { message: /parameter "count": expected a number in 1\.\.10/ });
  t.throws(() => resolveParams('p', specs, { force: 'maybe' }), { message: /parameter "force": expected a boolean/ });
  t.throws(() => resolveParams('p', specs, { pins: 'a.io=$(reboot)' }), { message: /parameter "pins.a.io"/ });
  t.throws(() => resolveParams('p', specs, { cnii: 'flannel' }), { message: /no parameter "cnii" \(did you mean "cni"\?\)/ });
});

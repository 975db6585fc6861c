import test from 'ava';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KremedyError, InputError } from '../../src/errors.js';
import { inShard, parseShard, shardOf } from '../../src/inventory/shard.js';

// --shard i/n: every selected host in exactly one shard, the same split on every run, and a
// host's shard untouched when other hosts come and go (why it hashes rather than slices).
// Properties assert with node:assert: it throws, so fast-check can shrink a failure.

const hostName = fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/);
const hostList = fc.uniqueArray(hostName, { maxLength: 200 }).map((names) => names.map((name) => ({ name })));

test('every host is in exactly one shard, and the shards keep inventory order', (t) => {
  fc.assert(
    fc.property(hostList, fc.integer({ min: 1, max: 16 }), (hosts, total) => {
      const shards = Array.from({ length: total }, (_, i) => inShard(hosts, { index: i + 1, total }));
      const all = shards.flat().map((h) => h.name);
      assert.deepEqual([...all].sort(), hosts.map((h) => h.name).sort());
      for (const s of shards) {
        const order = s.map((h) => hosts.indexOf(h));
        assert.deepEqual(order, [...order].sort((a, b) => a - b));
      }
    }),
  );
  t.pass();
});

test("a host's shard depends on its name only: adding, removing or reordering other hosts moves no one", (t) => {
  fc.assert(
    fc.property(hostList, hostList, fc.integer({ min: 1, max: 16 }), (a, b, total) => {
      const before = new Map(a.map((h) => [h.name, shardOf(h.name, total)]));
      const mixed = [...b, ...a].reverse();
      for (let index = 1; index <= total; index++) {
        for (const h of inShard(mixed, { index, total })) if (before.has(h.name)) assert.equal(before.get(h.name), index);
      }
    }),
  );
  t.pass();
});

test('the same split on every run: pinned values (SHA-256 of the name, first 48 bits, mod n; docs/pipelines-shard.md)', (t) => {
  // `printf %s NAME | sha256sum | cut -c1-12`, then mod 4, plus 1: the recipe the docs give.
  t.deepEqual(
    ['node1', 'node2', 'master', 'b001', 'w01.example.com'].map((n) => shardOf(n, 4)),
    [4, 2, 4, 4, 1],
  );
  t.is(shardOf('anything', 1), 1);
});

test('shards are roughly even on a large inventory', (t) => {
  const hosts = Array.from({ length: 1000 }, (_, i) => ({ name: `node${String(i).padStart(4, '0')}` }));
  for (const total of [2, 4, 10]) {
    const sizes = Array.from({ length: total }, (_, i) => inShard(hosts, { index: i + 1, total }).length);
    const even = 1000 / total;
    for (const s of sizes) t.true(Math.abs(s - even) < even * 0.25, `${total} shards: ${sizes.join(', ')}`);
  }
});

test('parseShard: i/n with 1 <= i <= n; anything else is bad input with a clear message', (t) => {
  t.deepEqual(parseShard('2/4'), { index: 2, total: 4 });
  t.deepEqual(parseShard('1/1'), { index: 1, total: 1 });
  t.deepEqual(parseShard(' 3 / 3 '), { index: 3, total: 3 });
  for (const [spec, why] of [
    ['0/3', /between 1 and 3.*numbered from 1/],
    ['4/3', /between 1 and 3/],
    ['1/0', /at least 1/],
    ['a/b', /must be i\/n/],
    ['3', /must be i\/n/],
    ['1/2/3', /must be i\/n/],
    ['-1/3', /must be i\/n/],
    ['', /must be i\/n/],
  ] as const) {
    const err = t.throws(() => parseShard(spec), { instanceOf: InputError }, spec);
    t.true(err instanceof KremedyError);
    t.regex(err!.message, why, spec);
  }
});

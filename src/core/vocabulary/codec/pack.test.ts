import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { packInts, unpackInts } from './pack.js';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

test('packed integer lists decode to the same integers, plain and as differences', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(int32, fc.integer({ min: -40, max: 40 }))), fc.boolean(), (values, delta) => {
      assert.deepEqual(Array.from(unpackInts(packInts(values, delta), delta)), values);
    }),
  );
  const edges = [0, -1, 1, 15, 16, -16, -17, 0x7fffffff, -0x80000000];
  assert.deepEqual(Array.from(unpackInts(packInts(edges))), edges);
});

test('small values take one character', () => {
  assert.equal(packInts([0, 1, -1, 15, -16]).length, 1 + 5);
});

test('a string that is not a packed list is refused', () => {
  const good = packInts([1, 2, 300000]);
  for (const bad of ['', good.slice(0, -1), good + 'A', good.replace(/.$/, '!'), 'عربي', '/'.repeat(9)]) {
    assert.throws(() => unpackInts(bad), RangeError, JSON.stringify(bad));
  }
  assert.throws(() => packInts([1.5]), RangeError);
  assert.throws(() => packInts([2 ** 31]), RangeError);
});

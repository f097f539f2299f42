import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Rows } from './rows.js';

test('lazy rows agree with an array of the made values, make each row once, and refuse indexes out of range', () => {
  fc.assert(
    fc.property(fc.nat(40), fc.array(fc.integer({ min: -3, max: 45 }), { maxLength: 80 }), (length, reads) => {
      const reference = Array.from({ length }, (_, i) => ({ row: i, label: `وسم ${i}` }));
      const made: number[] = [];
      const rows = Rows.lazy(length, (i) => {
        made.push(i);
        return { ...reference[i]! };
      });
      assert.equal(rows.length, length);
      for (const i of reads) {
        if (i >= 0 && i < length) assert.deepEqual(rows.get(i), reference[i]);
        else assert.throws(() => rows.get(i), RangeError);
      }
      assert.equal(new Set(made).size, made.length, 'a row is made once');
      assert.equal(rows.madeCount, made.length);
      // The same object each time it is asked for.
      for (const i of reads) if (i >= 0 && i < length) assert.equal(rows.get(i), rows.get(i));
      assert.deepEqual(rows.toArray(), reference);
      assert.deepEqual([...rows], reference);
      assert.equal(rows.madeCount, length);
    }),
    { numRuns: 300 },
  );
});

test('rows of objects adopt their array and grow by push; lazy rows are fixed', () => {
  const list = [{ label: 'مصر' }];
  const rows = Rows.of(list);
  assert.equal(rows.push({ label: 'غزة' }), 1);
  assert.equal(list.length, 2);
  assert.deepEqual(rows.toArray(), [{ label: 'مصر' }, { label: 'غزة' }]);
  assert.throws(() => rows.get(2), RangeError);
  const lazy = Rows.lazy(1, () => ({ label: 'قطر' }));
  assert.throws(() => lazy.push({ label: 'عمان' }));
});

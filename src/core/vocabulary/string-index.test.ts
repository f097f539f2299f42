import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { StringFilter, StringIndex } from './string-index.js';

// Arabic words with their spelling variants, a shared prefix, an empty string and a lone surrogate.
const WORDS = ['مصر', 'المصر', 'مصري', 'أميركا', 'اميركا', 'أمريكا', 'الأمم المتحدة', 'الامم المتحده', 'غزة', 'غزه', '', '\ud800', 'gaza'];
const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 6 }), fc.string({ unit: fc.constantFrom(...'ابتثجحخدذرزسشصضطظعغفقكلمنهوي ءأإآةى') }));

test('a string index numbers distinct strings in the order they first came, as a Map of first positions does', () => {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 3000 }), fc.nat(5000), (words, expected) => {
      const index = new StringIndex(expected);
      const reference = new Map<string, number>();
      for (const w of words) {
        if (!reference.has(w)) reference.set(w, reference.size);
        assert.equal(index.add(w), reference.get(w), w);
      }
      assert.equal(index.size, reference.size);
      assert.deepEqual(index.strings, [...reference.keys()]);
      for (const w of [...words, ...WORDS]) assert.equal(index.get(w), reference.get(w) ?? -1, w);
    }),
    { numRuns: 200 },
  );
});

test('a string filter lets every added string through and refuses nearly all others', () => {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 2000 }), (words) => {
      const filter = new StringFilter([words.slice(0, words.length >> 1), new Set(words.slice(words.length >> 1))]);
      for (const w of words) assert.ok(filter.mayHave(w), w);
    }),
    { numRuns: 200 },
  );
  // A map's keys are read once: the filter must still hold them all.
  const hints = new Map(WORDS.map((w) => [w, 'place']));
  const filter = new StringFilter([hints.keys()]);
  for (const w of WORDS) assert.ok(filter.mayHave(w), w);
  const others = Array.from({ length: 10000 }, (_, i) => `وسم${i}`);
  const passed = others.filter((w) => filter.mayHave(w)).length;
  assert.ok(passed < 300, `${passed} of ${others.length} strings outside the set passed`);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from './tokenize.js';

const words = (s: string): string[] => tokenize(s).map((t) => s.slice(t.start, t.end));

test('tokens carry offsets into the original string', () => {
  const table: [string, string[]][] = [
    ['قالت مصر، إن «حماس» وافقت؛ هل؟', ['قالت', 'مصر', 'إن', 'حماس', 'وافقت', 'هل']],
    ['بـ2015 و الـ«فيفا»', ['بـ', '2015', 'و', 'الـ', 'فيفا']],
    ['في عام ٢٠١٥م', ['في', 'عام', '٢٠١٥', 'م']],
    ['قمة G20 وCOVID-19', ['قمة', 'G20', 'و', 'COVID', '19']],
    ['مُحَمَّدٌ\u200f يزور\u200bالرياض', ['مُحَمَّدٌ', 'يزور', 'الرياض']],
    ['"الأمم المتحدة" (نيويورك)', ['الأمم', 'المتحدة', 'نيويورك']],
    ['قال النبي ﷺ إن', ['قال', 'النبي', 'إن']],
    ['', []],
    ['... !!! ؟؟', []],
  ];
  for (const [text, expected] of table) assert.deepEqual(words(text), expected, text);
});

test('folded keys and light forms are per token', () => {
  const [a, b] = tokenize('إسرائيلُ وغزةَ');
  assert.equal(a!.key, 'اسراييل');
  assert.equal(a!.light, 'إسرائيل');
  assert.equal(b!.key, 'وغزه');
});

test('a tatweel ending a proclitic marks it as a joiner', () => {
  const toks = tokenize('بـ2015');
  assert.equal(toks[0]!.joiner, true);
  assert.equal(toks[0]!.key, 'ب');
  assert.equal(toks[1]!.script, 'digit');
});

test('surrogate pairs and emoji do not break offsets', () => {
  const s = 'مصر 😀 قطر';
  assert.deepEqual(words(s), ['مصر', 'قطر']);
});

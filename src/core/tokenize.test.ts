import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenizer, tokenize, TokenizedText, WORD_IDS } from './tokenize.js';

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

test('a tokenizer gives a light form one word id across the texts of one word space', () => {
  const tokenizer = createTokenizer();
  const a = tokenizer.tokenize('قال الرئيس إن الرئيس قال');
  const b = tokenizer.tokenize('الرئيس إنّ قال');
  assert.equal(a.words[1], a.words[3]);
  assert.equal(a.words[0], a.words[4]);
  assert.notEqual(a.words[0], a.words[1]);
  assert.equal(b.space, a.space);
  // The shadda is dropped: إنّ has the light form of إن.
  assert.deepEqual([...b.words], [a.words[1], a.words[2], a.words[0]]);
  // Two light forms with one key (إن, ان) are two words.
  const c = tokenizer.tokenize('إن ان');
  assert.equal(c.keys[0], c.keys[1]);
  assert.notEqual(c.words[0], c.words[1]);
  // A text that could fill the table starts a new space: its ids mean other words.
  const long = tokenizer.tokenize('مصر '.repeat(WORD_IDS / 3));
  assert.notEqual(long.space, a.space);
  assert.ok(long.words.every((w) => w === long.words[0]));
  // Token objects made elsewhere carry no ids.
  const made = TokenizedText.fromTokens('مصر', tokenize('مصر'));
  assert.equal(made.space, undefined);
  assert.deepEqual([...made.words], [-1]);
});

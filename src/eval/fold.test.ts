import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldForScoring, foldWithSourceMap, scoringTokens } from './fold.js';

test('the scoring fold makes the README equivalences', () => {
  const cases: [string, string, string][] = [
    ['hamza on alef', 'أحمد إبراهيم آل', 'احمد ابراهيم ال'],
    ['alef wasla', 'ٱلله', 'الله'],
    ['alif maqsura', 'مصطفى', 'مصطفي'],
    ['taa marbuta', 'السياحة', 'السياحه'],
    ['hamza on waw and ya', 'مؤتمر رئيس', 'موتمر رييس'],
    ['tashkeel and shadda', 'مُحَمَّدٌ', 'محمد'],
    ['superscript alef', 'هٰذا', 'هذا'],
    ['tatweel', 'الســـعودية', 'السعوديه'],
    ['Quranic marks', 'قالۖ', 'قال'],
    ['zero-width and bidi marks', '\u200fالرياض\u200b \u202bجدة\u202c\u2066\ufeff', 'الرياض جده'],
    ['white space runs', '  وزارة\t\n الصحة  ', 'وزاره الصحه'],
    ['no-break space is white space', 'خادم\u00a0الحرمين', 'خادم الحرمين'],
  ];
  for (const [why, input, expected] of cases) assert.equal(foldForScoring(input), expected, why);
});

test('the scoring fold keeps what the README does not fold', () => {
  // The core may fold these for matching; the scorer must not, or its numbers drift from the README's.
  assert.notEqual(foldForScoring('Reuters'), foldForScoring('reuters'));
  assert.notEqual(foldForScoring('ک'), foldForScoring('ك'));
  assert.notEqual(foldForScoring('٢٠١٥'), foldForScoring('2015'));
  assert.equal(foldForScoring('ماء'), 'ماء');
  assert.notEqual(foldForScoring('الرياض'), foldForScoring('رياض'));
});

test('white space separated only by dropped marks is still one run', () => {
  assert.equal(foldForScoring('أبها \u200f \u064e جدة'), 'ابها جده');
  assert.equal(foldForScoring('\u200f \u064e'), '');
});

test('the source map points every folded unit back at the original', () => {
  const original = ' \u200fالمَمْلَكَة   العربية\u200b';
  const folded = foldWithSourceMap(original);
  assert.equal(folded.text, 'المملكه العربيه');
  const at = folded.text.indexOf('العربيه');
  const end = at + 'العربيه'.length;
  assert.equal(original.slice(folded.sourceStart[at], folded.sourceEnd[end - 1]), 'العربية');
  assert.equal(original.slice(folded.sourceStart[0], folded.sourceEnd[6]), 'المَمْلَكَة');
  assert.equal(folded.text.length, folded.sourceStart.length);
  assert.equal(folded.text.length, folded.sourceEnd.length);
});

test('whole-word tokens are the README runs of letters and digits', () => {
  const tokens = scoringTokens(foldForScoring('قال «الأمم المتحدة»: 2015م، و٣٠ Reuters-news'));
  assert.deepEqual(
    tokens.map((t) => t.text),
    ['قال', 'الامم', 'المتحده', '2015م', 'و٣٠', 'Reuters', 'news'],
  );
});

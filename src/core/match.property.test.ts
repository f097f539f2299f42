import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deserializeCompiled, serializeCompiled } from './vocabulary/codec.js';
import { compileVocabulary } from './vocabulary/compile.js';
import { matchText, type Match } from './match.js';
import { referenceMatch } from './testing/reference-matcher.js';
import { tokenize } from './tokenize.js';
import { TAG_TYPES, type TagType } from './types.js';

// Stems chosen to collide: clitic letters at their starts, hamza and ya variants, nisba and plural forms.
const STEMS = [
  'مصر', 'قطر', 'لبنان', 'بغداد', 'الأمم', 'المتحدة', 'الامم', 'مفاوضات', 'المفاوضات', 'لجنة', 'اللجنة',
  'إمام', 'امام', 'أمام', 'على', 'علي', 'سوريا', 'النازحين', 'نازح', 'أمريكا', 'أميركا', 'حكومة', 'موظف',
  'إسرائيل', 'القاهرة', 'غزة', 'غزه', 'وقف', 'إطلاق', 'النار', 'بان', 'طالب', 'الشعب', 'السعودية', 'فلسطين',
];
const PREFIXES = ['', '', '', 'و', 'ب', 'ل', 'ال', 'وال', 'بال', 'لل', 'ولل', 'ف', 'فب'];
const SUFFIXES = ['', '', '', 'ي', 'ية', 'يون', 'ين', 'ون', 'ات', 'ة', 'ها', 'تها', 'هم'];

const word = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...STEMS), fc.constantFrom(...SUFFIXES)).map(([p, s, e]) => p + s + e);
// ل + اللجنة is written للجنة: the article's alef and lam both merge.
const lamMerged = fc.tuple(fc.constantFrom('ل', 'ول', 'فل'), fc.constantFrom(...STEMS.filter((s) => s.startsWith('الل')))).map(([p, s]) => p + s.slice(2));
const text = fc.array(fc.oneof(word, fc.constantFrom(...STEMS), lamMerged), { minLength: 0, maxLength: 25 }).map((ws) => ws.join(' '));
const tagLabel = fc.array(fc.constantFrom(...STEMS), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
const entry = fc.record({ label: tagLabel, type: fc.option(fc.constantFrom<TagType>(...TAG_TYPES), { nil: undefined }), nisba: fc.option(fc.array(word, { maxLength: 2 }), { nil: undefined }) });
const vocab = fc.array(entry, { minLength: 1, maxLength: 12 });

const canon = (ms: Match[]): string[] => ms.map((m) => `${m.tag}@${m.tokenStart}-${m.tokenEnd}:${m.kind}`).sort();

test('the compiled matcher agrees with the brute-force reference on random vocabularies and texts', () => {
  fc.assert(
    fc.property(vocab, text, (entries, t) => {
      const cv = compileVocabulary(entries.map((e) => ({ label: e.label, ...(e.type ? { type: e.type } : {}), ...(e.nisba?.length ? { nisba: e.nisba } : {}) })));
      const tokens = tokenize(t);
      assert.deepEqual(canon(matchText(cv, tokens)), canon(referenceMatch(cv, tokens)));
    }),
    { numRuns: 400 },
  );
});

test('a compiled vocabulary round-trips through its serialised form', () => {
  fc.assert(
    fc.property(vocab, text, (entries, t) => {
      const cv = compileVocabulary(entries);
      const back = deserializeCompiled(serializeCompiled(cv));
      assert.deepEqual(back.tags.toArray(), cv.tags.toArray());
      const tokens = tokenize(t);
      assert.deepEqual(canon(matchText(back, tokens)), canon(matchText(cv, tokens)));
    }),
    { numRuns: 100 },
  );
});

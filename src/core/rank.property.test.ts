/**
 * The pruning in ranking (the pre-bound before candidates are built, the bound before a group is
 * scored, the stop once `top` groups are safe) must never change what is reported: checked
 * against scoring every candidate, on random vocabularies and texts, with the real background model.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadBackground } from '../node/background.js';
import { collectCandidates, type FieldText } from './candidates.js';
import { deserializeCompiled, serializeCompiled } from './vocabulary/codec.js';
import { compileVocabulary } from './vocabulary/compile.js';
import { foldKey, keyOfLight } from './fold.js';
import { createMatcher } from './match.js';
import { createRankCaches, kindNamePatterns, scoreCandidates, viableCandidates, type Scored } from './rank.js';
import { tokenize, TokenizedText } from './tokenize.js';
import { TAG_TYPES, type TagType, type VocabEntry } from './types.js';

// Names, places and common words that collide: clitics, the article, nisba forms, «المملكة».
const WORDS = [
  'مصر', 'المصري', 'قطر', 'لبنان', 'الرياض', 'السعودية', 'المملكة', 'الأردن', 'عمان', 'غزة', 'قطاع', 'القطاع', 'حماس', 'حركة',
  'الأمم', 'المتحدة', 'مجلس', 'الأمن', 'وزير', 'الخارجية', 'فيصل', 'بن', 'سعد', 'الحريري', 'محمد', 'عباس', 'الرئيس',
  'المفاوضات', 'مفاوضات', 'الهلال', 'النصر', 'نادي', 'في', 'من', 'إلى', 'أمس', 'قال', 'وكيل', 'الخميس', 'الصحة', 'وزارة',
];
const PREFIXES = ['', '', '', '', 'و', 'ب', 'ل', 'ال', 'وال'];
const word = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...WORDS)).map(([p, w]) => p + w);
const sentence = fc.array(word, { minLength: 0, maxLength: 40 }).map((ws) => ws.join(' '));
const label = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
const entry = fc.record({
  label,
  type: fc.option(fc.constantFrom<TagType>(...TAG_TYPES), { nil: undefined }),
  aliases: fc.option(fc.array(label, { maxLength: 2 }), { nil: undefined }),
  nisba: fc.option(fc.array(fc.constantFrom('المصري', 'المصرية', 'القطري', 'اللبناني', 'السعودي'), { maxLength: 2 }), { nil: undefined }),
  ambiguous: fc.option(fc.boolean(), { nil: undefined }),
});

const background = loadBackground();
// One set of caches for every vocabulary, as a long-lived tagger would keep them: they start over with each.
const caches = createRankCaches();

function fieldsOf(cv: ReturnType<typeof compileVocabulary>, title: string, body: string): FieldText[] {
  return (['title', 'body'] as const).map((field) => {
    const text = field === 'title' ? title : body;
    const tokens = tokenize(text);
    const tokenized = TokenizedText.fromTokens(text, tokens);
    return { field, text, tokens, tokenized, matches: createMatcher(cv).match(tokenized).matches };
  });
}

const reported = (scored: Scored[], minScore: number, top: number): string[] =>
  scored
    .filter((s) => s.score >= minScore)
    .sort((a, b) => b.score - a.score || a.tag - b.tag)
    .slice(0, top)
    .map((s) => `${s.tag}:${s.score}:${s.refs.map((r) => `${r.field}${r.start}`).join(',')}`);

test('pruned ranking reports exactly what scoring every candidate reports', () => {
  fc.assert(
    fc.property(fc.array(entry, { minLength: 1, maxLength: 15 }), sentence, sentence, fc.double({ min: 0.05, max: 0.7, noNaN: true }), fc.integer({ min: 1, max: 12 }), (entries, title, body, minScore, top) => {
      const cv = compileVocabulary(entries.map((e) => ({ label: e.label, ...(e.type ? { type: e.type } : {}), ...(e.aliases?.length ? { aliases: e.aliases } : {}), ...(e.nisba?.length ? { nisba: e.nisba } : {}), ...(e.ambiguous ? { ambiguous: true } : {}) })));
      const fields = fieldsOf(cv, title, body);
      const everything = scoreCandidates(caches, cv, collectCandidates(fields), fields, background);
      const pruned = scoreCandidates(caches, cv, viableCandidates(caches, cv, fields, background, minScore), fields, background, minScore, top);
      assert.deepEqual(reported(pruned, minScore, top), reported(everything, minScore, top));
    }),
    { numRuns: 300 },
  );
});

// Cases the property found: a cut one rounding step below a reported score, and two tags tied
// on the same words, which the pruned and the full scoring met in different orders.
// The first cut is given as a distance below the best score (-0.000463 was the case found), so
// that it stays a rounding step below it whatever the weights.
const FOUND: [entries: VocabEntry[], title: string, body: string, minScore: number, top: number][] = [
  [[{ label: 'حماس من', type: 'topic', nisba: ['المصري'] }, { label: 'مصر' }], '', 'المصري', -0.0004631879338627, 1],
  [[{ label: 'وزير', type: 'place', aliases: ['القطاع'] }, { label: 'مصر', type: 'place', aliases: ['القطاع'] }, { label: 'مصر' }], 'القطاع', '', 0.05, 1],
];

test('pruned ranking: cases found by the property, kept as they were found', () => {
  for (const [entries, title, body, cut, top] of FOUND) {
    const cv = compileVocabulary(entries);
    const fields = fieldsOf(cv, title, body);
    const everything = scoreCandidates(caches, cv, collectCandidates(fields), fields, background);
    const minScore = cut < 0 ? Math.max(...everything.map((g) => g.score)) + cut : cut;
    const pruned = scoreCandidates(caches, cv, viableCandidates(caches, cv, fields, background, minScore), fields, background, minScore, top);
    const expected = reported(everything, minScore, top);
    assert.equal(expected.length, 1, `${title}|${body}: one tag reported`);
    assert.deepEqual(reported(pruned, minScore, top), expected, `${title}|${body}`);
  }
});

test('the pre-bound drops candidates on a long article and keeps the ones that score', () => {
  // Without the disambiguation stage (which drops في and قال as common words) and at a cut a
  // common word's bound cannot reach.
  const CUT = 0.6;
  const cv = compileVocabulary(['الرياض', 'الهلال', 'في', 'قال', 'أمس', 'الخميس', 'وزارة الصحة'].map((l) => ({ label: l })));
  const body = 'قال مصدر في وزارة الصحة أمس الخميس إن الهلال فاز في الرياض. ' + 'وقال في بيان في الرياض أمس إن العمل مستمر في كل مكان. '.repeat(5);
  const fields = fieldsOf(cv, 'الهلال يفوز في الرياض', body);
  const all = collectCandidates(fields);
  const viable = viableCandidates(caches, cv, fields, background, CUT);
  assert.ok(viable.length < all.length, `kept ${viable.length} of ${all.length}`);
  const kept = new Set(viable.tagList().map((t) => cv.tags.get(t).label));
  for (const s of scoreCandidates(caches, cv, all, fields, background)) if (s.score >= CUT) assert.ok(kept.has(cv.tags.get(s.tag).label), `${cv.tags.get(s.tag).label} scores ${s.score} but was dropped`);
  assert.ok(!kept.has('الخميس'), 'a common word said once, outside the title, cannot reach the cut');
});

test('the patterns naming a country by its kind («المملكة») are found through the trie as a scan of every pattern finds them', () => {
  const kinds = new Set(['المملكة', 'السلطنة'].map(foldKey));
  fc.assert(
    fc.property(fc.array(entry, { minLength: 1, maxLength: 15 }), (entries) => {
      const cv = compileVocabulary(entries.map((e) => ({ label: e.label, ...(e.type ? { type: e.type } : {}), ...(e.aliases?.length ? { aliases: e.aliases } : {}) })));
      const scanned = cv.patterns.toArray().flatMap((p, i) => (p.alias === true && p.lights.length === 1 && kinds.has(keyOfLight(p.lights[0]!)) ? [i] : []));
      assert.deepEqual([...kindNamePatterns(cv)].sort((a, b) => a - b), scanned);
      assert.deepEqual([...kindNamePatterns(deserializeCompiled(serializeCompiled(cv)))].sort((a, b) => a - b), scanned);
    }),
    { numRuns: 300 },
  );
  const cv = compileVocabulary([{ label: 'السعودية', type: 'place', aliases: ['المملكة', 'المملكة العربية السعودية'] }, { label: 'عمان', type: 'place', aliases: ['السلطنة'] }]);
  assert.equal(kindNamePatterns(cv).size, 2, 'one-word aliases only');
});

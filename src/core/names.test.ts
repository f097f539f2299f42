import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBackgroundModel, emptyBackgroundModel, type BackgroundModel } from './background.js';
import { compileVocabulary } from './vocabulary/compile.js';
import { foldKey } from './fold.js';
import { matchText } from './match.js';
import { oneVowelApart, withNameVariants } from './names.js';
import { createTagger } from './pipeline.js';
import { tokenize } from './tokenize.js';
import type { MatchKind, VocabEntry } from './types.js';

// [tag's word, text's word, may one stand for the other]
const CASES: [string, string, boolean][] = [
  ['هارسون', 'هاريسون', true], // ي dropped in a transliteration
  ['كلنتون', 'كلينتون', true],
  ['انجليس', 'أنجلوس', true], // ي for و; the hamza folds away
  ['ميركيل', 'ميركل', true],
  ['هاريسون', 'هاريسون', false], // the same word is an exact match, not a variant
  ['عالم', 'علم', false], // three letters: the vowel makes the word
  ['كتاب', 'كتب', false],
  ['هاريسون', 'هاريسن', true],
  ['هاريسون', 'هارسن', false], // two vowels apart
  ['سلمان', 'سلماني', true], // one vowel apart; the background model decides it is another word
  ['فورد', 'فرود', false], // a vowel moved is not a vowel dropped
  ['برلين', 'تراين', false], // first letters differ
  ['كلينتون', 'كلينتوت', false], // a consonant changed
];

test('spellings one long vowel apart', () => {
  for (const [a, b, expected] of CASES) {
    assert.equal(oneVowelApart(foldKey(a), foldKey(b)), expected, `${a} / ${b}`);
    assert.equal(oneVowelApart(foldKey(b), foldKey(a)), expected, `${b} / ${a}`);
  }
});

/**
 * Word statistics of a few spellings, in 10,000 news articles: the transliterations the
 * vocabularies below hold are rare, and محمد / محمود, سلمان / سليمان are both common names.
 */
const DF: Record<string, number> = {
  هاريسون: 140, هارسون: 2, فورد: 900, كلينتون: 1200, كلنتون: 4, بيل: 800, هيلاري: 600,
  محمد: 6000, محمود: 3000, عباس: 2500, سلمان: 2200, سليمان: 1500, الملك: 5000,
};
const NEWS: BackgroundModel = createBackgroundModel({
  documents: 10_000,
  unigrams: new Map(Object.entries(DF).map(([w, df]) => [foldKey(w), [df, Math.round(df / 10), df * 2]])),
  bigrams: new Map(),
});

type Found = [label: string, text: string, kind: MatchKind];

/** The match stage then the name-variant stage, as the pipeline runs them; mentions as [label, text, kind]. */
function withVariants(vocab: VocabEntry[], text: string, background: BackgroundModel | undefined): Found[] {
  const cv = compileVocabulary(vocab);
  const tokens = tokenize(text);
  const matches = withNameVariants(cv, tokens, matchText(cv, tokens), background);
  return matches.map((m) => [cv.tags.get(m.tag).label, text.slice(tokens[m.tokenStart]!.start, tokens[m.tokenEnd - 1]!.end), m.kind]);
}

const FORD: VocabEntry[] = [{ label: 'هارسون فورد', type: 'person' }, { label: 'فورد', type: 'organisation' }];

// [rule, vocabulary, text, every mention after the stage]
const ROWS: [string, VocabEntry[], string, Found[]][] = [
  ['a multi-word name with one word a vowel apart is a variant, and takes the place of the match inside it', FORD, 'غادر هاريسون فورد المستشفى', [['هارسون فورد', 'هاريسون فورد', 'variant']]],
  ['the vowel missing from the text instead', [{ label: 'بيل كلينتون', type: 'person' }], 'قال بيل كلنتون إن', [['بيل كلينتون', 'بيل كلنتون', 'variant']]],
  ['the word spelled otherwise may come first or last', [{ label: 'كلنتون هيلاري', type: 'person' }], 'زارت كلينتون هيلاري', [['كلنتون هيلاري', 'كلينتون هيلاري', 'variant']]],
  ['each mention of the name', FORD, 'هاريسون فورد ممثل، ثم صار هاريسون فورد طيارا', [['هارسون فورد', 'هاريسون فورد', 'variant'], ['هارسون فورد', 'هاريسون فورد', 'variant']]],
  ['the other words must be written as in the vocabulary', FORD, 'هاريسون فرود', []],
  ['…and in its order: a neighbour on the other side is no part of the name', FORD, 'فورد هاريسون', [['فورد', 'فورد', 'exact']]],
  ['a text word of three letters is never a variant', [{ label: 'عالم الدين', type: 'person' }], 'كرم علم الدين', []],
  ['a one-word tag is never matched by a vowel apart', [{ label: 'هارسون', type: 'person' }], 'غادر هاريسون المستشفى', []],
  ['two spellings both common in news are two names', [{ label: 'محمود عباس', type: 'person' }], 'وكان محمد عباس قد شهد الحادث', []],
  ['…and so are سلمان and سليمان', [{ label: 'الملك سليمان', type: 'person' }], 'استقبل الملك سلمان الوفد', []],
  ['a text word the vocabulary has is a name of its own', [...FORD, { label: 'هاريسون', type: 'person' }], 'هاريسون فورد', [['هاريسون', 'هاريسون', 'exact'], ['فورد', 'فورد', 'exact']]],
  ['the spelling the vocabulary has beats a variant of the same words', [{ label: 'هارسون فورد', type: 'person' }, { label: 'هاريسون فورد', type: 'person' }], 'هاريسون فورد', [['هاريسون فورد', 'هاريسون فورد', 'exact']]],
  ['matches outside the variant are kept as they were', [...FORD, { label: 'المستشفى', type: 'topic' }], 'غادر هاريسون فورد المستشفى وفورد', [['هارسون فورد', 'هاريسون فورد', 'variant'], ['المستشفى', 'المستشفى', 'exact'], ['فورد', 'وفورد', 'clitic']]],
];

for (const [rule, vocab, text, expected] of ROWS) {
  test(`name variants: ${rule}`, () => assert.deepEqual(withVariants(vocab, text, NEWS), expected));
}

test('without word statistics no variant is matched: the matches pass through unchanged', () => {
  for (const background of [undefined, emptyBackgroundModel()]) {
    assert.deepEqual(withVariants(FORD, 'غادر هاريسون فورد المستشفى', background), [['فورد', 'فورد', 'exact']]);
  }
});

test('the tagger reports the variant mention with its offsets in the caller\'s text', () => {
  const tagger = createTagger(compileVocabulary(FORD), { background: NEWS });
  const title = 'هاريسون فورد يغادر المستشفى';
  const [actor, ...rest] = tagger.tag({ title, body: '' }, { allMentions: true });
  assert.equal(actor?.tag, 'هارسون فورد');
  assert.deepEqual(actor.mentions.map((m) => [m.field, m.start, m.end, m.text, m.kind]), [['title', 0, 12, 'هاريسون فورد', 'variant']]);
  assert.ok(!rest.some((r) => r.tag === 'فورد'), 'فورد inside the name is not a mention of its own');
});

test('the tagger\'s memory per word gives each text what a fresh tagger gives it', () => {
  const cv = compileVocabulary([...FORD, { label: 'بيل كلينتون', type: 'person' }]);
  const seen = createTagger(cv, { background: NEWS });
  const mentions = (tagger: ReturnType<typeof createTagger>, title: string): string[] =>
    tagger.tag({ title, body: '' }, { allMentions: true }).flatMap((r) => r.mentions.map((m) => `${r.tag}: ${m.text} ${m.kind}`));
  // Near words without a neighbour of their name, with one on the wrong side, then in the name; each text twice.
  const titles = ['هاريسون يغادر', 'فورد هاريسون', 'هاريسون فورد يغادر', 'قال كلنتون', 'قال بيل كلنتون', 'هاريسون يغادر'];
  for (const title of [...titles, ...titles]) assert.deepEqual(mentions(seen, title), mentions(createTagger(cv, { background: NEWS }), title), title);
  assert.deepEqual(mentions(seen, 'هاريسون فورد يغادر'), ['هارسون فورد: هاريسون فورد variant']);
  assert.deepEqual(mentions(seen, 'قال بيل كلنتون'), ['بيل كلينتون: بيل كلنتون variant']);
});

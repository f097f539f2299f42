/**
 * The compiled matcher (trie, hashes, per-word caches) against the naive reference in
 * testing/reference-matcher.ts, which shares none of its tables: on random vocabularies and
 * texts built from words chosen to collide, both must find the same mentions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deserializeCompiled, serializeCompiled } from './vocabulary/codec.js';
import { compileVocabulary } from './vocabulary/compile.js';
import { matchText } from './match.js';
import { referenceMatch } from './testing/reference-matcher.js';
import { tokenize } from './tokenize.js';
import { TAG_TYPES, type TagType, type VocabEntry } from './types.js';

// Stems chosen to collide: clitic letters at their starts, hamza and ya variants, nisba and plural forms.
const STEMS = [
  'مصر', 'قطر', 'لبنان', 'بغداد', 'الأمم', 'المتحدة', 'الامم', 'مفاوضات', 'المفاوضات', 'لجنة', 'اللجنة',
  'إمام', 'امام', 'أمام', 'على', 'علي', 'سوريا', 'النازحين', 'نازح', 'أمريكا', 'أميركا', 'حكومة', 'موظف',
  'إسرائيل', 'القاهرة', 'غزة', 'غزه', 'وقف', 'إطلاق', 'النار', 'بان', 'طالب', 'الشعب', 'السعودية', 'فلسطين',
  'فلاديمير', 'فلاديمر', 'العلى', 'مستشفى', 'مستشفيات',
];
const PREFIXES = ['', '', '', 'و', 'ب', 'ل', 'ال', 'وال', 'بال', 'لل', 'ولل', 'ف', 'فب'];
const SUFFIXES = ['', '', '', 'ي', 'ية', 'يون', 'ين', 'ون', 'ات', 'ة', 'ها', 'تها', 'هم'];

const word = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...STEMS), fc.constantFrom(...SUFFIXES)).map(([p, s, e]) => p + s + e);
// ل + اللجنة is written للجنة: the article's alef and lam both merge.
const lamMerged = fc.tuple(fc.constantFrom('ل', 'ول', 'فل'), fc.constantFrom(...STEMS.filter((s) => s.startsWith('الل')))).map(([p, s]) => p + s.slice(2));
const text = fc.array(fc.oneof(word, fc.constantFrom(...STEMS), lamMerged), { minLength: 0, maxLength: 25 }).map((ws) => ws.join(' '));
const tagLabel = fc.array(fc.constantFrom(...STEMS), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
const entry = fc.record({
  label: tagLabel,
  type: fc.option(fc.constantFrom<TagType>(...TAG_TYPES), { nil: undefined }),
  aliases: fc.option(fc.array(tagLabel, { maxLength: 2 }), { nil: undefined }),
  nisba: fc.option(fc.array(word, { maxLength: 2 }), { nil: undefined }),
});
const vocab = fc.array(entry, { minLength: 1, maxLength: 12 });

/**
 * A vocabulary and a text that mostly writes its own words — with clitics and endings, whole
 * names, names cut short — among the colliding stems: random words alone rarely meet a tag.
 */
const withText = vocab.chain((es) => {
  const names = [...new Set(es.flatMap((e) => [e.label, ...(e.aliases ?? [])]))];
  const own = [...new Set(names.flatMap((n) => n.split(' ')))];
  const ownWord = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...own), fc.constantFrom(...SUFFIXES)).map(([p, w, e]) => p + w + e);
  const name = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...names)).map(([p, n]) => p + n);
  const words = fc.array(fc.oneof(word, ownWord, ownWord, name, fc.constantFrom(...STEMS), lamMerged), { minLength: 0, maxLength: 25 });
  return fc.tuple(fc.constant(es), words.map((ws) => ws.join(' ')));
});

/** The compiled matcher's mentions as label@start-end:kind, start and end UTF-16 offsets in the text. */
function compiled(entries: readonly VocabEntry[], text: string): string[] {
  const cv = compileVocabulary(entries);
  const tokens = tokenize(text);
  return matchText(cv, tokens).map((m) => `${cv.tags.get(m.tag).label}@${tokens[m.tokenStart]!.start}-${tokens[m.tokenEnd - 1]!.end}:${m.kind}`).sort();
}

function reference(entries: readonly VocabEntry[], text: string): string[] {
  return referenceMatch(entries, text).map((m) => `${m.label}@${m.start}-${m.end}:${m.kind}`).sort();
}

const entriesOf = (es: { label: string; type?: TagType; aliases?: string[]; nisba?: string[] }[]): VocabEntry[] =>
  es.map((e) => ({ label: e.label, ...(e.type ? { type: e.type } : {}), ...(e.aliases?.length ? { aliases: e.aliases } : {}), ...(e.nisba?.length ? { nisba: e.nisba } : {}) }));

/**
 * Where the two disagree and the reference follows the notes: bugs of the compiled matcher,
 * found by this property. Fixing one changes output, so it is a change of its own (with its row
 * in match.test.ts); until then its inputs are kept out of the property, and its example is
 * pinned below as a todo test, which starts passing when the matcher is fixed.
 */
const KNOWN_DIFFERENCES: { what: string; affects: (entries: readonly VocabEntry[], text: string) => boolean; example: [VocabEntry[], string] }[] = [
  {
    what: 'a sound plural in ـات with an attached pronoun (مفاوضاتها) is not matched: the ت of ـات is read as a taa marbuta written before the pronoun',
    affects: (_, text) => /ات(?:ها|هم|هما|هن|كم|كما|نا)(?:\s|$)/.test(text),
    example: [[{ label: 'مفاوضات', type: 'topic' }], 'تعثرت مفاوضاتها مع الحكومة'],
  },
  {
    what: 'the preposition على matches a topic or event form العلي: the rule that lets a long word end in ى for ي counts the article the reading added',
    // (A twin may give the type, so any topic or event entry with any such form anywhere.)
    affects: (entries) => entries.some((e) => e.type === 'topic' || e.type === 'event') && entries.some((e) => [e.label, ...(e.aliases ?? []), ...(e.nisba ?? [])].some((f) => /^ال\S\Sي$/.test(f))),
    example: [[{ label: 'العلي', type: 'topic' }], 'وافق على الخطة'],
  },
];

test('the compiled matcher agrees with an independent reference on random vocabularies and texts', () => {
  fc.assert(
    fc.property(withText, ([es, t]) => {
      const entries = entriesOf(es);
      fc.pre(!KNOWN_DIFFERENCES.some((d) => d.affects(entries, t)));
      assert.deepEqual(compiled(entries, t), reference(entries, t));
    }),
    { numRuns: 400 },
  );
});

// [rule, vocabulary, text]: cases where the reference's rules were easy to get subtly wrong, fixed here whatever the generator draws.
const PINNED: [string, VocabEntry[], string][] = [
  ['twins spelled with and without hamza are one tag', [{ label: 'الأمم المتحدة' }, { label: 'الامم المتحدة' }], 'الامم المتحدة وللأمم المتحدة'],
  ['a listed spelling variant under clitics and the article', [{ label: 'أمريكا', type: 'place' }, { label: 'فلاديمير' }], 'وأميركا والأميركية وفلاديمر'],
  ['لل merges with a stem starting with ل', [{ label: 'اللجنة', type: 'topic' }], 'للجنة وللجنتها'],
  ['a ي before an ending is ى in the singular', [{ label: 'مستشفيات', type: 'topic' }], 'المستشفى ومستشفي'],
  ['a marked letter in the text refuses the tag', [{ label: 'إمام' }, { label: 'علي' }], 'أمام الإمام على علي'],
];

for (const [rule, entries, t] of PINNED) {
  test(`compiled and reference agree: ${rule}`, () => assert.deepEqual(compiled(entries, t), reference(entries, t)));
}

for (const { what, example: [entries, t] } of KNOWN_DIFFERENCES) {
  test(`known difference, to fix in the matcher: ${what}`, { todo: 'the compiled matcher disagrees with the reference here' }, () => {
    assert.deepEqual(compiled(entries, t), reference(entries, t));
  });
}

test('a compiled vocabulary round-trips through its serialised form', () => {
  fc.assert(
    fc.property(vocab, text, (entries, t) => {
      const cv = compileVocabulary(entries);
      const back = deserializeCompiled(serializeCompiled(cv));
      assert.deepEqual(back.tags.toArray(), cv.tags.toArray());
      const tokens = tokenize(t);
      const mentions = (c: typeof cv): string[] => matchText(c, tokens).map((m) => `${m.tag}@${m.tokenStart}-${m.tokenEnd}:${m.kind}`).sort();
      assert.deepEqual(mentions(back), mentions(cv));
    }),
    { numRuns: 100 },
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  backgroundKeys,
  bigramKey,
  createBackgroundModel,
  createBackgroundModelFromTsv,
  emptyBackgroundModel,
  formatBigramTsv,
  formatUnigramTsv,
  parseBigramTsv,
  parseUnigramTsv,
  TITLE_RATE_PRIOR_WEIGHT,
  type BackgroundModel,
  type UnigramStats,
} from './background.js';
import { isWasimError } from './errors.js';
import { foldKey } from './fold.js';
import { matchTokens } from './match.js';
import { tokenize } from './tokenize.js';
import { canonicalKey } from './variants.js';

/** The key of one word, as the matcher computes it. */
const key = (word: string): string => {
  const keys = backgroundKeys(word);
  assert.equal(keys.length, 1, `${word} is one token`);
  return keys[0]!;
};

/**
 * A hand-made world of 100 articles: a preposition in almost all of them, a country often
 * in titles, a city rarely seen, and المتحدة mostly after الأمم or الولايات.
 */
function sample(): { documents: number; unigrams: Map<string, UnigramStats>; bigrams: Map<string, number> } {
  const unigrams = new Map<string, UnigramStats>([
    [key('في'), [95, 20, 900]],
    [key('خلال'), [40, 1, 60]],
    [key('مصر'), [10, 4, 25]],
    [key('تبوك'), [2, 1, 3]],
    [key('الأمم'), [7, 1, 9]],
    [key('الولايات'), [4, 0, 5]],
    [key('المتحدة'), [12, 1, 20]],
    [key('نادي'), [30, 2, 40]],
  ]);
  const bigrams = new Map<string, number>([
    [bigramKey(key('الأمم'), key('المتحدة')), 6],
    [bigramKey(key('الولايات'), key('المتحدة')), 3],
    [bigramKey(key('في'), key('مصر')), 5],
    [bigramKey(key('المتحدة'), key('في')), 2],
  ]);
  return { documents: 100, unigrams, bigrams };
}

test('backgroundKeys gives the matcher\'s canonical keys: full fold and spelling variants', () => {
  assert.deepEqual(backgroundKeys('الأمم المتحدة'), [foldKey('الأمم'), foldKey('المتحدة')]);
  assert.deepEqual(backgroundKeys('الأميركية'), backgroundKeys('الأمريكية'));
  assert.equal(key('الأميركية'), canonicalKey(foldKey('الأميركية')));
  assert.equal(key('على'), key('علي'), 'alif maqsura is folded: the model cannot tell them apart');
  const text = 'قال مسؤول في «الأمم المتحدة»، إنّ غوغل…';
  assert.deepEqual(backgroundKeys(text), matchTokens(tokenize(text)).map((t) => t.key));
});

test('df, titleDf, cf and bigramDf read the data; unseen keys read 0', () => {
  const m = createBackgroundModel(sample());
  assert.equal(m.documents, 100);
  assert.equal(m.df(key('مصر')), 10);
  assert.equal(m.titleDf(key('مصر')), 4);
  assert.equal(m.cf(key('مصر')), 25);
  assert.equal(m.bigramDf(key('الأمم'), key('المتحدة')), 6);
  assert.equal(m.bigramDf(key('المتحدة'), key('الأمم')), 0, 'bigrams are ordered');
  for (const f of [m.df, m.titleDf, m.cf]) assert.equal(f(key('قطر')), 0);
});

test('idf: rarer keys weigh more; smoothed so that it is finite and never negative', () => {
  const m = createBackgroundModel(sample());
  const order = ['في', 'خلال', 'مصر', 'تبوك', 'قطر'].map((w) => m.idf(key(w)));
  for (let i = 1; i < order.length; i++) assert.ok(order[i]! > order[i - 1]!, `idf increases at ${i}: ${order}`);
  assert.ok(order[0]! > 0 && order[0]! < 0.1, 'a word in 95 of 100 articles is nearly worthless');
  assert.equal(m.idf(key('قطر')), Math.log(101), 'unseen: ln(N + 1)');
  const saturated = createBackgroundModel({ documents: 10, unigrams: new Map([[key('في'), [10, 3, 50]]]), bigrams: new Map() });
  assert.equal(saturated.idf(key('في')), 0, 'a key in every document has idf 0, not below');
});

test('titleRate: names make titles, function words do not; small counts are shrunk to the prior', () => {
  const m = createBackgroundModel(sample());
  const stats = [...sample().unigrams.values()];
  const prior = stats.reduce((s, x) => s + x[1], 0) / stats.reduce((s, x) => s + x[0], 0);
  assert.ok(Math.abs(m.titleRatePrior - prior) < 1e-12);
  assert.ok(m.titleRate(key('مصر')) > m.titleRate(key('خلال')));
  assert.ok(m.titleRate(key('مصر')) < 4 / 10, 'shrunk towards the prior');
  assert.ok(Math.abs(m.titleRate(key('قطر')) - prior) < 1e-12, 'unseen: the prior');
  const tabuk = m.titleRate(key('تبوك'));
  assert.ok(tabuk > prior && tabuk < 1 / 2, 'seen twice, once in a title: not 0.5');
  assert.ok(Math.abs(tabuk - (1 + TITLE_RATE_PRIOR_WEIGHT * prior) / (2 + TITLE_RATE_PRIOR_WEIGHT)) < 1e-12);
});

test('fragmentShare: the share of the key\'s documents in which it sits next to this neighbour', () => {
  const m = createBackgroundModel(sample());
  const [umam, wilayat, muttahida, fi, nadi] = ['الأمم', 'الولايات', 'المتحدة', 'في', 'نادي'].map(key) as [string, string, string, string, string];
  assert.equal(m.fragmentShare(umam, muttahida), 6 / 12);
  assert.equal(m.fragmentShare(wilayat, muttahida), 3 / 12);
  assert.equal(m.fragmentShare(nadi, muttahida), 0, 'a neighbour never seen with it');
  assert.equal(m.fragmentShare(null, muttahida, fi), 2 / 12, 'right-hand neighbour');
  assert.equal(m.fragmentShare(umam, muttahida, fi), 6 / 12, 'the larger side wins');
  assert.equal(m.fragmentShare(undefined, muttahida), 0, 'no neighbours');
  assert.equal(m.fragmentShare(umam, key('قطر')), 0, 'unseen key');
});

test('neighbourBond: how bound the neighbour is to the key', () => {
  const m = createBackgroundModel(sample());
  const [umam, muttahida, fi, misr] = ['الأمم', 'المتحدة', 'في', 'مصر'].map(key) as [string, string, string, string];
  assert.equal(m.neighbourBond(umam, muttahida), 6 / 7, 'الأمم hardly comes without المتحدة');
  assert.equal(m.neighbourBond(fi, misr), 5 / 95, 'في is a free word');
  assert.ok(m.fragmentShare(fi, misr) > m.neighbourBond(fi, misr), 'the two directions differ');
  assert.equal(m.neighbourBond(null, muttahida, fi), 2 / 95);
  assert.equal(m.neighbourBond(key('قطر'), misr), 0, 'unseen neighbour');
});

test('the empty model answers 0 everywhere', () => {
  const m = emptyBackgroundModel();
  assert.equal(m.documents, 0);
  const k = key('مصر');
  for (const v of [m.df(k), m.titleDf(k), m.cf(k), m.bigramDf(k, k), m.idf(k), m.titleRate(k), m.fragmentShare(k, k, k), m.neighbourBond(k, k, k)]) {
    assert.equal(v, 0);
  }
});

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

function assertSameModel(a: BackgroundModel, b: BackgroundModel, keys: string[]): void {
  assert.equal(a.documents, b.documents);
  assert.ok(Math.abs(a.titleRatePrior - b.titleRatePrior) < 1e-12);
  for (const k of keys) {
    assert.equal(a.df(k), b.df(k), k);
    assert.equal(a.titleDf(k), b.titleDf(k), k);
    assert.equal(a.cf(k), b.cf(k), k);
    for (const k2 of keys) assert.equal(a.bigramDf(k, k2), b.bigramDf(k, k2), `${k} ${k2}`);
  }
}

test('TSV: format and parse round-trip; the in-place model over the bytes answers as the map model', () => {
  const data = sample();
  const uniText = formatUnigramTsv(data.unigrams);
  const biText = formatBigramTsv(data.bigrams);
  assert.deepEqual(parseUnigramTsv(uniText), data.unigrams);
  assert.deepEqual(parseBigramTsv(biText), data.bigrams);
  const fromBytes = createBackgroundModelFromTsv({ documents: data.documents, unigrams: encode(uniText), bigrams: encode(biText) });
  const keys = [...data.unigrams.keys(), key('قطر'), key('ال'), key('المتحدةة'), 'g20'];
  assertSameModel(createBackgroundModel(data), fromBytes, keys);
});

test('TSV: thresholds drop rare lines; output is sorted by code unit', () => {
  const data = sample();
  const lines = formatUnigramTsv(data.unigrams, 10).trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.split('\t')[0]), [key('الأمم'), key('المتحدة'), key('خلال'), key('في'), key('مصر'), key('نادي')].filter((k) => data.unigrams.get(k)![0] >= 10).sort());
  assert.equal(formatBigramTsv(data.bigrams, 5).trimEnd().split('\n').length, 2);
});

test('TSV: a damaged file is refused with its line number, never half-read', () => {
  const ok = `${key('الأمم')}\t7\t1\t9\n${key('مصر')}\t10\t4\t25\n`;
  const cases: [string, string, RegExp][] = [
    ['unsorted', `${key('مصر')}\t10\t4\t25\n${key('الأمم')}\t7\t1\t9\n`, /line 2: keys are not sorted/],
    ['repeated', ok + `${key('مصر')}\t1\t0\t1\n`, /line 3: keys are not sorted or repeat/],
    ['missing column', `${key('مصر')}\t10\t4\n`, /line 1: expected 3 counts/],
    ['extra column', `${key('مصر')}\t10\t4\t25\t1\n`, /line 1: more than 3 counts/],
    ['not a number', `${key('مصر')}\t10\tعشرة\t25\n`, /line 1: column 3 is not a count/],
    ['no tab', `${key('مصر')} 10 4 25\n`, /line 1: no key and tab/],
  ];
  /** A catalogue error whose English matches `error` and whose Arabic gives the same table and line. */
  const fromCatalogue = (error: RegExp) => (e: unknown): boolean => {
    if (!isWasimError(e) || e.template === undefined || !error.test(e.message)) return false;
    const line = /line (\d+)/.exec(e.message)![1]!;
    return e.messageAr.includes(`السطر ${line}`) && e.messageAr.startsWith(e.details!.table as string) && e.message.startsWith(e.details!.table as string);
  };
  for (const [what, text, error] of cases) {
    assert.throws(() => createBackgroundModelFromTsv({ documents: 1, unigrams: encode(text), bigrams: encode('') }), fromCatalogue(error), what);
    if (what !== 'unsorted' && what !== 'repeated') assert.throws(() => parseUnigramTsv(text), /unigrams line 1/, `map parser: ${what}`);
  }
  assert.doesNotThrow(() => createBackgroundModelFromTsv({ documents: 1, unigrams: encode(ok), bigrams: encode('') }));
  assert.doesNotThrow(() => createBackgroundModelFromTsv({ documents: 1, unigrams: encode(ok.trimEnd()), bigrams: encode('') }), 'no final newline');
  assert.throws(() => parseBigramTsv(`${key('مصر')}\t3\n`), /bigrams line 1/);
  assert.throws(
    () => createBackgroundModelFromTsv({ documents: 1, unigrams: encode(ok), bigrams: encode(`${key('مصر')}\t3\n`) }),
    fromCatalogue(/^bigrams line 1: the key is not a pair/),
  );
});

test('property: the in-place TSV model equals the map model for any data', () => {
  const letters = [...'ابتثجحخدذرزسشصضطظعغفقكلمنهويء', 'a', 'z', '0', '9'];
  const keyArb = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
  const count = fc.integer({ min: 0, max: 5_000_000 });
  fc.assert(
    fc.property(
      fc.uniqueArray(keyArb, { minLength: 0, maxLength: 30 }),
      // Consistent counts: 1 ≤ df, tdf ≤ df ≤ cf (formatUnigramTsv drops df 0 by default).
      fc.array(fc.tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.nat(), fc.nat()).map(([df, t, extra]) => [df, t % (df + 1), df + extra] as const)),
      fc.array(fc.tuple(fc.nat(), fc.nat(), count)),
      keyArb,
      (keys, counts, pairs, probe) => {
        const unigrams = new Map<string, UnigramStats>(keys.map((k, i) => [k, counts[i] ?? [1, 0, 1]]));
        const bigrams = new Map<string, number>();
        if (keys.length > 0) for (const [i, j, n] of pairs) bigrams.set(bigramKey(keys[i % keys.length]!, keys[j % keys.length]!), n);
        const fromMap = createBackgroundModel({ documents: 7, unigrams, bigrams });
        const fromBytes = createBackgroundModelFromTsv({ documents: 7, unigrams: encode(formatUnigramTsv(unigrams)), bigrams: encode(formatBigramTsv(bigrams)) });
        assertSameModel(fromMap, fromBytes, [...keys, probe]);
      },
    ),
    { numRuns: 200 },
  );
});

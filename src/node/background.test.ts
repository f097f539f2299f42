import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { backgroundKeys, parseBigramTsv, parseUnigramTsv } from '../core/background.js';
import { WasimError } from '../core/errors.js';
import { foldKey } from '../core/fold.js';
import { canonicalKey } from '../core/variants.js';
import { BACKGROUND_DIR, loadBackground, PACKAGE_ROOT } from './background.js';

/** The model's key of one written word; checked against the fold so no folded string is hand-written. */
const key = (word: string): string => {
  const keys = backgroundKeys(word);
  assert.equal(keys.length, 1, word);
  assert.equal(keys[0], canonicalKey(foldKey(word)), word);
  return keys[0]!;
};

const meta = JSON.parse(readFileSync(join(BACKGROUND_DIR, 'meta.json'), 'utf8')) as {
  documents: number;
  thresholds: { unigramMinDf: number; bigramMinDf: number };
  source: { sha256: string };
};

test('committed statistics: document count matches meta.json and the corpus size', () => {
  const m = loadBackground();
  assert.equal(m.documents, meta.documents);
  // SaudiNewsNet has 31,030 articles; identical and empty ones are removed.
  assert.ok(m.documents > 30_000 && m.documents <= 31_030, `${m.documents}`);
  assert.equal(loadBackground(), m, 'cached');
});

test('committed statistics: function words are the most frequent keys; a place is rarer', () => {
  const m = loadBackground();
  const unigrams = parseUnigramTsv(gunzipSync(readFileSync(join(BACKGROUND_DIR, 'unigrams.tsv.gz'))).toString('utf8'));
  const top = [...unigrams].sort((a, b) => b[1][0] - a[1][0]).slice(0, 5).map(([k]) => k);
  assert.ok(top.includes(key('في')), `top keys: ${top.join(' ')}`);
  assert.ok(m.df(key('في')) > 0.8 * m.documents, 'في is in most articles');
  assert.ok(m.df(key('خلال')) > 5 * m.df(key('تبوك')));
  assert.ok(m.df(key('تبوك')) > 0, 'but the place is there');
  assert.ok(m.idf(key('تبوك')) > m.idf(key('خلال')) && m.idf(key('خلال')) > m.idf(key('في')));
  assert.ok(m.cf(key('في')) > m.df(key('في')), 'cf counts every occurrence');
  assert.ok(m.titleDf(key('في')) < m.df(key('في')));
});

test('committed statistics: names make titles far more often than common words that are tags', () => {
  const m = loadBackground();
  assert.ok(m.titleRate(key('مصر')) > 3 * m.titleRate(key('خلال')));
  const names = ['مصر', 'قطر', 'حماس', 'إسرائيل', 'تبوك'];
  const commonWords = ['خلال', 'النظر', 'الساعات', 'العام', 'الأيام'];
  const lowestName = Math.min(...names.map((w) => m.titleRate(key(w))));
  const highestWord = Math.max(...commonWords.map((w) => m.titleRate(key(w))));
  assert.ok(lowestName > 2 * highestWord, `names ≥ ${lowestName.toFixed(3)}, words ≤ ${highestWord.toFixed(3)}`);
});

test('committed statistics: المتحدة is a fragment after الأمم and الولايات, not after a free word', () => {
  const m = loadBackground();
  const [umam, wilayat, muttahida, fi] = [key('الأمم'), key('الولايات'), key('المتحدة'), key('في')];
  assert.ok(m.bigramDf(umam, muttahida) > 0.5 * m.df(umam), 'الأمم المتحدة is frequent');
  assert.ok(m.fragmentShare(umam, muttahida) > 0.15);
  assert.ok(m.fragmentShare(wilayat, muttahida) > 0.4, 'الولايات المتحدة is the commonest use of المتحدة');
  assert.ok(m.fragmentShare(umam, muttahida) > 20 * m.fragmentShare(fi, muttahida));
  assert.ok(m.neighbourBond(umam, muttahida) > 0.7, 'الأمم hardly comes without المتحدة');
  assert.ok(m.neighbourBond(key('نادي'), key('الهلال')) < 0.3, 'نادي is a free neighbour of a club name');
  assert.equal(m.bigramDf(muttahida, umam), 0, 'order matters');
});

test('committed statistics: every key is a fixed point of the current folding (else rebuild: npm run build:background)', () => {
  const text = gunzipSync(readFileSync(join(BACKGROUND_DIR, 'unigrams.tsv.gz'))).toString('utf8');
  const stale: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const k = line.slice(0, line.indexOf('\t'));
    const again = backgroundKeys(k);
    if (again.length !== 1 || again[0] !== k) stale.push(k);
  }
  assert.deepEqual(stale.slice(0, 20), [], `${stale.length} keys fold differently now`);
});

test('committed statistics: the in-place lookups agree with a full parse on every unigram and a sample of bigrams', () => {
  const m = loadBackground();
  const read = (f: string): string => gunzipSync(readFileSync(join(BACKGROUND_DIR, f))).toString('utf8');
  const unigrams = parseUnigramTsv(read('unigrams.tsv.gz'));
  for (const [k, [df, tdf, cf]] of unigrams) {
    if (m.df(k) !== df || m.titleDf(k) !== tdf || m.cf(k) !== cf) assert.fail(`${k}: ${m.df(k)} ${m.titleDf(k)} ${m.cf(k)} vs ${df} ${tdf} ${cf}`);
    assert.ok(df >= meta.thresholds.unigramMinDf && tdf <= df && cf >= df, k);
  }
  let i = 0;
  for (const [pair, df] of parseBigramTsv(read('bigrams.tsv.gz'))) {
    if (i++ % 101 !== 0) continue;
    const [a, b] = pair.split(' ') as [string, string];
    assert.equal(m.bigramDf(a, b), df, pair);
    assert.ok(df >= meta.thresholds.bigramMinDf && df <= Math.min(m.df(a), m.df(b)), pair);
  }
});

test('committed statistics were built from the shared corpus as it is now', (t) => {
  const dataset = join(PACKAGE_ROOT, '..', 'shared', 'data', 'saudinewsnet', 'dataset');
  if (!existsSync(dataset)) {
    t.skip('../shared/data/saudinewsnet/dataset absent');
    return;
  }
  const hash = createHash('sha256');
  for (const zip of readdirSync(dataset).filter((f) => f.endsWith('.zip')).sort()) hash.update(zip).update(readFileSync(join(dataset, zip)));
  assert.equal(hash.digest('hex'), meta.source.sha256);
});

test('missing statistics: the empty model and one warning, no error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-bg-missing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const m = loadBackground({ dir, warn: (w) => warnings.push(w) });
  assert.equal(m.documents, 0);
  assert.equal(m.df(key('في')), 0);
  assert.equal(m.idf(key('في')), 0);
  assert.equal(loadBackground({ dir, warn: (w) => warnings.push(w) }), m, 'cached: warned once');
  assert.equal(warnings.length, 1);
  for (const f of ['meta.json', 'unigrams.tsv.gz', 'bigrams.tsv.gz']) assert.ok(warnings[0]!.includes(f), `${warnings[0]} names ${f}`);
});

test('damaged statistics: a WasimError naming the file, not a stack trace from zlib', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wasim-bg-damaged-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // The English and the Arabic message, both from the catalogue's templates.
  const cases: [string, Record<string, Buffer | string>, RegExp, RegExp][] = [
    ['not gzip', { 'unigrams.tsv.gz': 'مصر\t1\t1\t1\n' }, /unigrams\.tsv\.gz/, /إحصاءات الخلفية تالفة: .*unigrams\.tsv\.gz/],
    ['bad line', { 'bigrams.tsv.gz': gzipSync('مصر\t1\n') }, /bigrams\.tsv\.gz: bigrams line 1: the key is not a pair/, /bigrams\.tsv\.gz: bigrams السطر 1: المفتاح ليس زوجًا/],
    ['bad meta', { 'meta.json': '{"documents": -3}' }, /meta\.json/, /إحصاءات الخلفية تالفة: .*meta\.json/],
  ];
  for (const [what, files, error, errorAr] of cases) {
    const dir = join(root, what.replace(/ /g, '-'));
    mkdirSync(dir);
    const all: Record<string, Buffer | string> = {
      'meta.json': JSON.stringify({ documents: 2 }),
      'unigrams.tsv.gz': gzipSync(`${key('مصر')}\t2\t1\t3\n`),
      'bigrams.tsv.gz': gzipSync(''),
      ...files,
    };
    for (const [name, content] of Object.entries(all)) writeFileSync(join(dir, name), content);
    assert.throws(
      () => loadBackground({ dir }),
      (e: unknown) => e instanceof WasimError && e.template === 'backgroundDamaged' && error.test(e.message) && errorAr.test(e.messageAr),
      what,
    );
  }
});

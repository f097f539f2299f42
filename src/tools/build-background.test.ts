import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import { backgroundKeys, bigramKey } from '../core/background.js';
import { loadBackground } from '../node/background.js';
import { BackgroundCounter, buildBackground, readCorpusZip } from './build-background.js';

const key = (word: string): string => backgroundKeys(word)[0]!;

/** Articles written for these tests, in the corpus's shape. */
const ARTICLES = [
  {
    source: 'test',
    title: 'الأمم المتحدة تدعو إلى التهدئة في اليمن',
    content: 'دعت الأمم المتحدة أمس إلى التهدئة في اليمن، وقال مسؤول في الأمم المتحدة إن المفاوضات مستمرة.',
  },
  {
    source: 'test',
    title: 'الهلال يفوز على النصر',
    content: 'فاز فريق الهلال على النصر في الرياض. والهلال يتصدر الدوري بحسب صحيفة «الرياض».',
  },
  {
    source: 'test',
    title: 'الولايات المتحدة وإيران',
    content: 'قالت الولايات المتحدة إن الأميركيين يتابعون المحادثات في مسقط. الأمم، المتحدة.',
  },
];

test('BackgroundCounter: df, title df, cf and bigram df per canonical key; bigrams stay inside a field and a clause', () => {
  const c = new BackgroundCounter();
  for (const a of ARTICLES) assert.equal(c.add(a), true);
  assert.equal(c.documents, 3);
  const uni = (w: string): readonly number[] | undefined => c.unigrams.get(key(w));
  assert.deepEqual(uni('الأمم'), [2, 1, 4], 'df counts documents; cf counts every occurrence; tdf titles only');
  assert.deepEqual(uni('المتحدة'), [2, 2, 6]);
  assert.deepEqual(uni('في'), [3, 1, 5]);
  assert.deepEqual(uni('الهلال'), [1, 1, 2]);
  assert.deepEqual(uni('والهلال'), [1, 0, 1], 'clitic forms are their own keys, as in the matcher\'s first lookup');
  assert.deepEqual(uni('الأمريكيين'), [1, 0, 1], 'spelling variants are counted under the canonical key');
  assert.equal(c.unigrams.get(foldedOnly('الأميركيين')), undefined);
  const bi = (a: string, b: string): number | undefined => c.bigrams.get(bigramKey(key(a), key(b)));
  assert.equal(bi('الأمم', 'المتحدة'), 1, 'a pair counts once per document; الأمم، المتحدة with a comma is no pair');
  assert.equal(bi('الولايات', 'المتحدة'), 1);
  assert.equal(bi('اليمن', 'الهلال'), undefined, 'never across articles');
  assert.equal(bi('اليمن', 'دعت'), undefined, 'never from title into body');
  assert.equal(bi('الرياض', 'والهلال'), undefined, 'never across a full stop');
  assert.equal(bi('صحيفة', 'الرياض'), 1, 'quotation marks wrap a name: the pair stands');
  assert.equal(c.tokens, [...c.unigrams.values()].reduce((s, x) => s + x[2], 0));
});

test('BackgroundCounter: a ligature that folds to several words (ﷺ) is left out, and no pair spans it', () => {
  const c = new BackgroundCounter();
  c.add({ title: '', content: 'قال النبي ﷺ إن الدين النصيحة' });
  assert.ok([...c.unigrams.keys()].every((k) => !/\s/.test(k)), 'no key holds white space');
  assert.equal(c.unigrams.get(key('النبي'))![0], 1);
  assert.equal(c.bigrams.get(bigramKey(key('قال'), key('النبي'))), 1);
  assert.ok([...c.bigrams.keys()].every((p) => p.split(' ').length === 2), 'every bigram is two keys');
  assert.deepEqual(
    [...c.bigrams.keys()].sort(),
    [bigramKey(key('قال'), key('النبي')), bigramKey(key('إن'), key('الدين')), bigramKey(key('الدين'), key('النصيحة'))].sort(),
  );
});

function foldedOnly(word: string): string {
  return word.replace(/[أإآ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه');
}

test('BackgroundCounter: identical articles count once; empty ones are skipped', () => {
  const c = new BackgroundCounter();
  assert.equal(c.add(ARTICLES[0]!), true);
  assert.equal(c.add({ ...ARTICLES[0]!, source: 'other-paper' }), false, 'same title and content');
  assert.equal(c.add({ title: ARTICLES[0]!.title, content: ARTICLES[0]!.content + ' ' }), true, 'not identical');
  assert.equal(c.add({ title: '', content: '  ' }), false);
  assert.equal(c.add({ title: null, content: 42 }), false, 'fields of the wrong type read as empty');
  assert.equal(c.documents, 2);
  assert.equal(c.duplicates, 1);
  assert.equal(c.empty, 2);
  assert.equal(c.unigrams.get(key('الأمم'))![0], 2);
});

function makeDataset(dir: string, articles: object[][]): void {
  mkdirSync(dir, { recursive: true });
  articles.forEach((batch, i) => {
    const name = `2015-07-2${i}`;
    writeFileSync(join(dir, `${name}.zip`), zipSync({ [`${name}.json`]: strToU8(JSON.stringify(batch)) }));
  });
  writeFileSync(join(dir, 'README.txt'), 'not a zip');
}

test('readCorpusZip reads the JSON array inside a corpus zip', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-bg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  makeDataset(dir, [ARTICLES]);
  assert.deepEqual(readCorpusZip(join(dir, '2015-07-20.zip')), ARTICLES);
  writeFileSync(join(dir, 'bad.zip'), zipSync({ 'bad.json': strToU8('{"title":"x"}') }));
  assert.throws(() => readCorpusZip(join(dir, 'bad.zip')), /not a JSON array/);
});

test('buildBackground: zips in, three deterministic files out, loadable by the Node loader', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wasim-bg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataset = join(root, 'dataset');
  // The second zip repeats the first article, as the corpus does across extraction days.
  makeDataset(dataset, [ARTICLES.slice(0, 2), [ARTICLES[2]!, ARTICLES[0]!]]);
  const out1 = join(root, 'out1');
  const summary = buildBackground({ datasetDir: dataset, outDir: out1, unigramMinDf: 2, bigramMinDf: 2 });
  assert.equal(summary.zips, 2);
  assert.equal(summary.articles, 4);
  assert.equal(summary.documents, 3);
  assert.equal(summary.duplicates, 1);

  const unigramLines = gunzipSync(readFileSync(join(out1, 'unigrams.tsv.gz'))).toString('utf8').trimEnd().split('\n');
  assert.ok(unigramLines.every((l) => /^\S+\t\d+\t\d+\t\d+$/.test(l)));
  assert.ok(unigramLines.every((l) => Number(l.split('\t')[1]) >= 2), 'the threshold is applied');
  assert.deepEqual(unigramLines, [...unigramLines].sort(), 'sorted');
  const bigramText = gunzipSync(readFileSync(join(out1, 'bigrams.tsv.gz'))).toString('utf8');
  // المتحدة إن is the only pair in two documents: الأمم، المتحدة in the third is split by a comma.
  assert.equal(bigramText, `${key('المتحدة')} ${key('إن')}\t2\n`);
  const meta = JSON.parse(readFileSync(join(out1, 'meta.json'), 'utf8'));
  assert.equal(meta.documents, 3);
  assert.deepEqual(meta.thresholds, { unigramMinDf: 2, bigramMinDf: 2 });
  assert.equal(meta.duplicatesRemoved, 1);

  const out2 = join(root, 'out2');
  buildBackground({ datasetDir: dataset, outDir: out2, unigramMinDf: 2, bigramMinDf: 2 });
  for (const f of ['unigrams.tsv.gz', 'bigrams.tsv.gz', 'meta.json']) {
    assert.deepEqual(readFileSync(join(out1, f)), readFileSync(join(out2, f)), `${f} is byte-identical on a rebuild`);
  }

  const m = loadBackground({ dir: out1, warn: () => assert.fail('no warning expected') });
  assert.equal(m.documents, 3);
  assert.equal(m.df(key('المتحدة')), 2);
  assert.equal(m.df(key('الهلال')), 0, 'df 1 is below the threshold');
  assert.equal(m.bigramDf(key('الولايات'), key('المتحدة')), 0, 'bigram df 1 is below the threshold');
  assert.equal(m.titleDf(key('في')), 1);
});

test('buildBackground: a missing or empty corpus directory is a clear error', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wasim-bg-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.throws(() => buildBackground({ datasetDir: join(root, 'nope'), outDir: join(root, 'out') }), /corpus not found/);
  assert.throws(() => buildBackground({ datasetDir: root, outDir: join(root, 'out') }), /no \.zip files/);
});

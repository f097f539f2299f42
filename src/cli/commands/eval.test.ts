import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEval } from './eval.js';
import { EXIT } from '../../core/index.js';

// Two short articles written for this test, with their gold judgements.
const ARTICLES = [
  {
    id: 'n1',
    title: 'أمطار غزيرة على أبها',
    body: 'شهدت مدينة أبها ومرتفعات عسير أمطاراً غزيرة، وتوافد الزوار على المواقع السياحية. وقال مدير الدفاع المدني إن الفرق جاهزة.',
  },
  {
    id: 'n2',
    title: 'الهلال يفوز على النصر',
    body: 'حقق فريق الهلال فوزاً مهماً على النصر في استهلال الدوري، وسجل المهاجم هدفين.',
  },
];
const GOLD = [
  {
    id: 'n1',
    tags: [
      { tag: 'أبها', label: 'must', entity: 'Abha' },
      { tag: 'عسير', label: 'must', entity: 'Asir' },
      { tag: 'السياحة', label: 'ok', entity: 'Tourism' },
    ],
  },
  { id: 'n2', tags: ['الهلال', 'النصر'] },
];
const VOCAB = ['أبها', 'عسير', 'السياحة', 'الهلال', 'النصر', 'هلال', 'الدفاع المدني', 'مدير', 'الدوري'];

let dir = '';
const path = (name: string) => join(dir, name);
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasim-eval-'));
  await writeFile(path('articles.jsonl'), jsonl(ARTICLES));
  await writeFile(path('gold.jsonl'), jsonl(GOLD));
  await writeFile(path('vocab.txt'), VOCAB.join('\n') + '\n');
  await writeFile(path('broken-gold.jsonl'), JSON.stringify(GOLD[0]) + '\n{"id": "n2", "tags": [\n');
  await writeFile(path('gold-extra.jsonl'), jsonl([...GOLD, { id: 'n9', tags: ['جدة'] }]));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = () => ({ gold: path('gold.jsonl'), input: path('articles.jsonl'), vocab: path('vocab.txt') });

test('reference taggers on hand-judged articles: substring over-matches, whole-word does not', async () => {
  const r = await runEval({ ...base(), tagger: 'substring,wholeword', format: 'json' });
  assert.equal(r.exitCode, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const [substring, wholeword] = doc.taggers;
  // substring: أبها عسير الدفاع المدني مدير | الهلال النصر هلال (in استهلال) الدوري
  assert.equal(substring.label, 'substring');
  assert.deepEqual([substring.metrics.predicted, substring.metrics.correct], [8, 4]);
  assert.equal(substring.metrics.mustRecall, 1);
  // whole-word drops هلال inside استهلال; neither finds السياحة (written السياحية).
  assert.equal(wholeword.label, 'wholeword');
  assert.deepEqual([wholeword.metrics.predicted, wholeword.metrics.correct], [7, 4]);
  assert.equal(wholeword.metrics.allRecall, 4 / 5);
  assert.equal(doc.scored, 2);
});

test('--tagger all prints one row per tagger side by side', async () => {
  const r = await runEval({ ...base(), tagger: 'all' });
  assert.equal(r.exitCode, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => /^(substring|wholeword|wasim)\s/.test(l));
  assert.deepEqual(
    rows.map((l) => l.split(/\s+/)[0]),
    ['substring', 'wholeword', 'wasim'],
  );
  assert.match(r.stdout, /^tagger\s+P\s+R\(must\)\s+F1/m);
  assert.match(rows[0]!, /^substring\s+0\.500\s+1\.000\s+0\.667\s/);
});

test('--errors lists false positives with their mentions and missed must entities', async () => {
  const r = await runEval({ ...base(), tagger: 'substring', errors: true });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /\+ هلال\s+title\[2:6\] «هلال» in «الهلال», body\[\d+:\d+\] «هلال» in «الهلال», body\[\d+:\d+\] «هلال» in «استهلال»/);
  assert.match(r.stdout, /\+ مدير\s+body\[\d+:\d+\] «مدير»/);
  const j = JSON.parse((await runEval({ ...base(), tagger: 'wasim', errors: true, format: 'json' })).stdout);
  const wasim = j.taggers[0];
  const fps = wasim.errors.reduce((n: number, a: { falsePositives: unknown[] }) => n + a.falsePositives.length, 0);
  assert.equal(wasim.metrics.predicted, wasim.metrics.correct + fps, 'every wrong tag is listed');
  const missed = wasim.errors.reduce((n: number, a: { missedMust: unknown[] }) => n + a.missedMust.length, 0);
  assert.equal(wasim.metrics.mustEntities - wasim.metrics.mustFound, missed, 'every missed must entity is listed');
});

test('--optimize reports a cut and the metrics it gives', async () => {
  const r = await runEval({ ...base(), tagger: 'wasim', optimize: true, format: 'json' });
  assert.equal(r.exitCode, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const labels = doc.taggers.map((t: { label: string }) => t.label);
  assert.deepEqual(labels, ['wasim', 'wasim (no cut)', 'wasim (optimised)']);
  const [, uncut, optimised] = doc.taggers;
  assert.ok(optimised.metrics.f1 >= uncut.metrics.f1);
  assert.deepEqual(optimised.metrics, doc.optimized.metrics);
});

test('ids without articles are warned about, the rest is scored', async () => {
  const r = await runEval({ ...base(), gold: path('gold-extra.jsonl'), tagger: 'wholeword' });
  assert.equal(r.exitCode, 0);
  assert.match(r.stderr, /^warning: 1 gold id\(s\) not found in .*articles\.jsonl, not scored: n9$/m);
  assert.match(r.stdout, /^2 article\(s\) scored/);
});

const USAGE_CASES: [string, Record<string, unknown>, RegExp][] = [
  ['no --gold', { gold: undefined }, /--gold/],
  ['no --input', { input: undefined }, /--input/],
  ['unknown tagger', { tagger: 'bm25' }, /unknown tagger "bm25"/],
  ['bad --top', { top: '0' }, /--top must be a whole number ≥ 1/],
  ['bad --min-score', { minScore: 'high' }, /--min-score must be a number/],
  ['bad --format', { format: 'xml' }, /--format/],
  ['bad --vocab-format', { vocabFormat: 'xlsx' }, /--vocab-format/],
  ['--optimize without wasim', { tagger: 'substring', optimize: true }, /--optimize/],
];

for (const [name, override, message] of USAGE_CASES) {
  test(`usage error (${name}): exit 2, one line`, async () => {
    const r = await runEval({ ...base(), ...override });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  });
}

test('bad files: exit 3 (input) with one line naming the file and line', async () => {
  const broken = await runEval({ ...base(), gold: path('broken-gold.jsonl') });
  assert.equal(broken.exitCode, EXIT.INPUT);
  assert.match(broken.stderr, /^wasim eval: .*broken-gold\.jsonl:2: not valid JSON/);
  assert.equal(broken.stderr.trim().split('\n').length, 1);

  const missing = await runEval({ ...base(), input: path('nope.jsonl') });
  assert.equal(missing.exitCode, EXIT.INPUT);
  assert.match(missing.stderr, /nope\.jsonl: no such file/);

  const swapped = await runEval({ ...base(), gold: path('articles.jsonl') });
  assert.equal(swapped.exitCode, EXIT.INPUT);
  assert.match(swapped.stderr, /articles\.jsonl:1: missing "tags"/);
});

/**
 * `wasim learn` end to end, and `--adaptation` on `wasim tag` and `wasim eval`: golden model and
 * explanation for the shipped example decisions, gold files in both formats read as decisions,
 * one-line errors naming the line for bad input, the same output with and without --jobs.
 * The dev sets in ../shared/data, when present, check that learning from them helps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { golden } from './testing/golden.js';
import { EXIT } from '../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wasim.js');
const DATA = join(ROOT, '..', 'shared', 'data');
const tmp = mkdtempSync(join(tmpdir(), 'wasim-learn-'));
const VOCAB = join(ROOT, 'examples', 'newsroom-tags.csv');
const DECISIONS = join(ROOT, 'examples', 'decisions.jsonl');
const ARTICLE = join(ROOT, 'examples', 'gaza-talks.txt');
const NO_HINTS = '--no-hints';

function wasim(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000, env: { ...process.env, WASIM_DEBUG: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


function oneLineError(r: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr:\n${r.stderr}`);
  assert.match(r.stderr, pattern);
}

const model = join(tmp, 'newsroom.model.json');

test('golden: the model learned from the example decisions, and the same model twice', () => {
  const r = wasim(['learn', '--decisions', DECISIONS, '--vocab', VOCAB, NO_HINTS, '--output', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^wasim learn: 4 decision\(s\) → \d+ tag\(s\), \d+ form\(s\); weights as shipped .*; 1 "also tag" pair\(s\) proposed → /m);
  golden('newsroom.model.json', readFileSync(model, 'utf8'));
  const stdout = wasim(['learn', '--decisions', DECISIONS, '--vocab', VOCAB, NO_HINTS, '--output', '-']);
  assert.equal(stdout.code, 0, stdout.stderr);
  assert.equal(stdout.stdout, readFileSync(model, 'utf8'), 'the same decisions make the same model text');
  // Every line given twice: learned once.
  const doubled = join(tmp, 'doubled.jsonl');
  writeFileSync(doubled, readFileSync(DECISIONS, 'utf8').repeat(2));
  const again = wasim(['learn', '--decisions', doubled, '--vocab', VOCAB, NO_HINTS, '--output', '-']);
  assert.equal(again.stdout, stdout.stdout);
  assert.match(again.stderr, /4 decision id\(s\) given more than once: each learned once/);
});

test('golden: wasim tag --adaptation --explain says what the editors did; واشنطن, rejected each time, is gone', () => {
  const shipped = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS]);
  assert.match(shipped.stdout, /\tواشنطن \[place\]/);
  const r = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS, '--adaptation', model, '--explain']);
  assert.equal(r.code, 0, r.stderr);
  golden('gaza-talks.adapted.txt', r.stdout);
  assert.doesNotMatch(r.stdout, /\tواشنطن \[place\]/);
  assert.match(r.stdout, /adapted from 0\.\d{3} \(\+\d\.\d\d\): قبله المحررون 4 مرات من 4 — editors kept it 4 times out of 4/);
  const all = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS, '--adaptation', model, '--explain', '--top', '100', '--min-score', '0', '--format', 'json']);
  const washington = JSON.parse(all.stdout).tags.find((t: { id: string }) => t.id === 'washington');
  assert.match(washington.evidence.adaptationAr, /^رفضه المحررون 3 مرات من 3/);
  assert.match(washington.evidence.adaptationEn, /^editors rejected it 3 times out of 3/);
});

test('--adaptation with --jobs: the workers apply the same model', () => {
  const input = join(tmp, 'in.jsonl');
  writeFileSync(input, readFileSync(DECISIONS, 'utf8'));
  const outs = ['1', '2'].map((jobs) => {
    const out = join(tmp, `out-${jobs}.jsonl`);
    const r = wasim(['tag', '--input', input, '--output', out, '--vocab', VOCAB, NO_HINTS, '--adaptation', model, '--jobs', jobs, '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    return readFileSync(out, 'utf8');
  });
  assert.equal(outs[1], outs[0]);
  const plain = join(tmp, 'plain.jsonl');
  wasim(['tag', '--input', input, '--output', plain, '--vocab', VOCAB, NO_HINTS, '--jobs', '1', '--no-progress']);
  assert.notEqual(readFileSync(plain, 'utf8'), outs[0], 'the adaptation changes the output');
});

test('wasim learn --gold: must and ok kept, no and unlisted predictions rejected, in both gold formats', () => {
  const articles = join(tmp, 'articles.jsonl');
  writeFileSync(articles, readFileSync(DECISIONS, 'utf8'));
  // The dev format, by tag name; واشنطن is predicted for d-102 and not listed: rejected.
  const byName = join(tmp, 'gold-names.jsonl');
  writeFileSync(
    byName,
    [
      { id: 'd-101', tags: [{ tag: 'غزة', label: 'must', entity: 'gaza' }, { tag: 'الدوحة', label: 'ok', entity: 'doha' }] },
      { id: 'd-102', tags: [{ tag: 'حماس', label: 'must', entity: 'hamas' }, { tag: 'حركة حماس', label: 'must', entity: 'hamas' }] },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  const r = wasim(['learn', '--gold', byName, '--input', articles, '--vocab', VOCAB, NO_HINTS, '--output', '-']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 article\(s\) in .* have no gold judgement, not scored/);
  const m = JSON.parse(r.stdout);
  assert.equal(m.decisions, 2);
  assert.deepEqual([m.tags.gaza.accepted, m.tags.gaza.rejected], [1, 1], 'kept in d-101; predicted for d-102 and not listed there');
  assert.deepEqual([m.tags.hamas.accepted, m.tags.hamas.rejected], [1, 0], 'a name and its alias are one decision');
  assert.doesNotMatch(r.stderr, /not in the vocabulary/);
  assert.deepEqual([m.tags.washington.accepted, m.tags.washington.rejected], [0, 2], 'predicted and not in the gold: rejected');
  // The dev-default format, by vocabulary id with must/ok/no labels.
  const byId = join(tmp, 'gold-ids.jsonl');
  writeFileSync(byId, JSON.stringify({ id: 'd-103', tags: [{ id: 'rafah-crossing', tag: 'معبر رفح', label: 'must', entity: 'Rafah' }, { id: 'cairo', tag: 'القاهرة', label: 'no', entity: 'Cairo' }, { id: 'un', tag: 'الأمم المتحدة', label: 'ok', entity: 'UN' }] }));
  const r2 = wasim(['learn', '--gold', byId, '--input', articles, '--vocab', VOCAB, NO_HINTS, '--output', '-']);
  assert.equal(r2.code, 0, r2.stderr);
  const m2 = JSON.parse(r2.stdout);
  assert.deepEqual([m2.tags.cairo.accepted, m2.tags.cairo.rejected], [0, 1]);
  assert.deepEqual([m2.tags.un.accepted, m2.tags.un.rejected], [1, 0]);
  // Gold tags the vocabulary lacks are named with their line and left out.
  writeFileSync(byId, JSON.stringify({ id: 'd-103', tags: [{ id: 'place-xx', tag: 'مدينة لا وجود لها', label: 'must', entity: 'x' }, { id: 'gaza', tag: 'غزة', label: 'must', entity: 'gaza' }] }));
  const r3 = wasim(['learn', '--gold', byId, '--input', articles, '--vocab', VOCAB, NO_HINTS, '--output', '-']);
  assert.equal(r3.code, 0, r3.stderr);
  assert.match(r3.stderr, /gold-ids\.jsonl:1: tag "place-xx" \(article "d-103"\) is not in the vocabulary; left out/);
});

test('bad input to wasim learn, tag and eval: one line naming the file and line, never a stack trace', () => {
  const lines = readFileSync(DECISIONS, 'utf8').trim().split('\n');
  const broken = join(tmp, 'broken.jsonl');
  writeFileSync(broken, `${lines[0]}\n{"id": "d-2", "title": "عنوان"\n`);
  oneLineError(wasim(['learn', '--decisions', broken, '--vocab', VOCAB, '--output', join(tmp, 'x.json')]), EXIT.INPUT, /^wasim learn: .*broken\.jsonl:2: not valid JSON/);
  const unknown = join(tmp, 'unknown.jsonl');
  writeFileSync(unknown, `${lines[0]}\n${lines[1]}\n${JSON.stringify({ id: 'd-9', title: 'مباراة', body: 'فاز الفريق في المباراة.', rejected: ['الزمالك'] })}\n`);
  oneLineError(wasim(['learn', '--decisions', unknown, '--vocab', VOCAB, NO_HINTS, '--output', join(tmp, 'x.json')]), EXIT.INPUT, /^wasim learn: .*unknown\.jsonl:3: unknown tag "الزمالك" in "rejected" \(not in the vocabulary\)\n$/);
  const empty = join(tmp, 'empty.jsonl');
  writeFileSync(empty, '\n\n');
  oneLineError(wasim(['learn', '--decisions', empty, '--output', join(tmp, 'x.json')]), EXIT.INPUT, /empty\.jsonl: empty file \(no decision lines\)/);
  const shape = join(tmp, 'shape.jsonl');
  writeFileSync(shape, JSON.stringify({ id: 'd-1', title: 'عنوان', body: 'نص', accepted: 'غزة' }) + '\n');
  oneLineError(wasim(['learn', '--decisions', shape, '--output', join(tmp, 'x.json')]), EXIT.INPUT, /shape\.jsonl:1: "accepted" must be an array/);
  oneLineError(wasim(['learn', '--decisions', join(tmp, 'nope.jsonl'), '--output', join(tmp, 'x.json')]), EXIT.INPUT, /nope\.jsonl/);
  oneLineError(wasim(['learn', '--decisions', DECISIONS]), 2, /--output model\.json is required/);
  oneLineError(wasim(['learn', '--decisions', DECISIONS, '--gold', DECISIONS, '--input', DECISIONS, '--output', '-']), 2, /give --decisions FILE, or --gold/);
  oneLineError(wasim(['learn', '--gold', DECISIONS, '--output', '-']), 2, /--gold and --input go together/);
  const badModel = join(tmp, 'bad-model.json');
  writeFileSync(badModel, '{"format": "wasim-adaptation", "version": 7}');
  oneLineError(wasim(['tag', ARTICLE, '--adaptation', badModel]), EXIT.VOCABULARY, /^wasim tag: .*bad-model\.json: version 7 is not supported/);
  writeFileSync(badModel, '{not json');
  oneLineError(wasim(['eval', '--gold', DECISIONS, '--input', DECISIONS, '--adaptation', badModel]), EXIT.VOCABULARY, /^wasim eval: .*bad-model\.json: not valid JSON/);
});

test('the dev sets: learning from a gold set and scoring it with --adaptation, and the held-out curve does not fall', async (t) => {
  const gold = join(DATA, 'dev-default', 'gold.jsonl');
  const input = join(DATA, 'dev-default', 'articles.jsonl');
  if (!existsSync(gold) || !existsSync(input)) {
    t.skip(`${DATA}/dev-default absent: the shared dev sets are not on this machine`);
    return;
  }
  const out = join(tmp, 'dev-default.model.json');
  const r = wasim(['learn', '--gold', gold, '--input', input, '--output', out]);
  assert.equal(r.code, 0, r.stderr);
  const f1 = (args: string[]) => JSON.parse(wasim(['eval', '--gold', gold, '--input', input, '--format', 'json', ...args]).stdout).taggers[0].metrics.f1 as number;
  assert.ok(f1(['--adaptation', out]) > f1([]), 'on the articles it learned from, the adaptation scores higher (training numbers)');
  // On articles never learned from: the later half, learning from the earlier one.
  const { learningCurve } = await import('../eval/learning-curve.js');
  const { loadArticlesFile, loadGoldFile } = await import('../eval/files.js');
  const { alignGold } = await import('../eval/gold.js');
  const { loadDefaultVocabulary } = await import('../node/vocab-file.js');
  const { createNodeTagger } = await import('../node/tagger.js');
  const cv = loadDefaultVocabulary();
  const pairs = alignGold(loadGoldFile(gold), loadArticlesFile(input)).pairs;
  const curve = learningCurve({ name: 'dev-default', pairs, tagger: createNodeTagger(cv), adapted: (m) => createNodeTagger(cv, { adaptation: m }) }, { ks: [0, 10], orders: 0 });
  assert.equal(curve.heldOut.length, 2);
  assert.ok(curve.heldOut[1]!.date.f1 >= curve.heldOut[0]!.date.f1, `held-out F1 ${curve.heldOut[0]!.date.f1} → ${curve.heldOut[1]!.date.f1}`);
});

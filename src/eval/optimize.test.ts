import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGold } from './gold.js';
import { applyCut, optimizeCut, roundThreshold } from './optimize.js';
import type { RankedTag } from './reference-taggers.js';
import { scorePredictions } from './score.js';

const GOLD = parseGold(
  [
    { id: 'a', tags: ['تبوك', 'وزارة الصحة', 'المستشفيات'] },
    { id: 'b', tags: ['الباحة'] },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
  'g',
).articles;

const scored = (...pairs: [string, number, string?][]): RankedTag[] =>
  pairs.map(([tag, score, type]) => ({ tag, score, ...(type ? { type } : {}), mentions: [] }));

// Right tags score ≥ 0.6, wrong ones ≤ 0.45, except one right tag at 0.3 (costs more than it gains).
const RUN = new Map<string, RankedTag[]>([
  ['a', scored(['تبوك', 0.9], ['وزارة الصحة', 0.8], ['المستشفيات', 0.6], ['الرياض', 0.45], ['خالد', 0.4], ['اليوم', 0.35], ['مدينة', 0.32])],
  ['b', scored(['الباحة', 0.7], ['البنية', 0.45], ['خدمات', 0.4], ['ناصر', 0.35])],
]);

test('a cut keeps tags at or above the threshold, then the first top of them', () => {
  const list = scored(['تبوك', 0.9], ['الرياض', 0.45], ['خالد', 0.4]);
  assert.deepEqual(applyCut(list, { top: Infinity, minScore: 0.4 }).map((t) => t.tag), ['تبوك', 'الرياض', 'خالد']);
  assert.deepEqual(applyCut(list, { top: 2, minScore: 0.41 }).map((t) => t.tag), ['تبوك', 'الرياض']);
  assert.deepEqual(applyCut(list, { top: 1, minScore: 0 }).map((t) => t.tag), ['تبوك']);
});

test('the optimiser finds the threshold separating right from wrong tags', () => {
  const result = optimizeCut(GOLD, RUN);
  assert.equal(result.metrics.precision, 1);
  assert.equal(result.metrics.mustRecall, 1);
  assert.equal(result.metrics.f1, 1);
  // Any threshold in (0.45, 0.6] is exact; a round one is reported.
  assert.ok(result.cut.minScore > 0.45 && result.cut.minScore <= 0.6, String(result.cut.minScore));
  assert.equal(result.uncut.predicted, 11);
  assert.ok(result.evaluated > 20);
  // The reported cut reproduces the reported metrics.
  const cutRun = new Map([...RUN].map(([id, tags]) => [id, applyCut(tags, result.cut).map((t) => t.tag)]));
  assert.deepEqual(scorePredictions(GOLD, cutRun).metrics, result.metrics);
});

test('when scores do not separate, top-k does the work', () => {
  // Every right tag is first in its article; scores are useless (all equal).
  const flat = new Map<string, RankedTag[]>([
    ['a', scored(['تبوك', 0.5], ['الرياض', 0.5], ['خالد', 0.5])],
    ['b', scored(['الباحة', 0.5], ['خدمات', 0.5], ['ناصر', 0.5])],
  ]);
  const result = optimizeCut(GOLD, flat);
  assert.equal(result.cut.top, 1);
  assert.equal(result.metrics.precision, 1);
  assert.equal(result.metrics.mustRecall, 2 / 4);
});

test('per-type thresholds are searched when asked', () => {
  // Places are reliable from 0.3; topics only from 0.7.
  const typed = new Map<string, RankedTag[]>([
    ['a', scored(['تبوك', 0.35, 'place'], ['وزارة الصحة', 0.9, 'organisation'], ['المستشفيات', 0.75, 'topic'], ['التعليم', 0.5, 'topic'])],
    ['b', scored(['الباحة', 0.3, 'place'], ['الرياضة', 0.55, 'topic'], ['الطقس', 0.45, 'topic'])],
  ]);
  const global = optimizeCut(GOLD, typed);
  const perType = optimizeCut(GOLD, typed, { perType: true });
  assert.ok(global.metrics.f1 < 1);
  assert.equal(perType.metrics.f1, 1);
  const byType = perType.cut.minScoreByType!;
  assert.ok(byType.place! <= 0.3);
  assert.ok(byType.topic! > 0.55 && byType.topic! <= 0.75);
});

test('reported thresholds are round numbers in (next lower score, chosen score]', () => {
  assert.equal(roundThreshold(0.6, 0.45), 0.5);
  assert.equal(roundThreshold(0.333333, 0.3), 0.32);
  assert.equal(roundThreshold(0.7, undefined), 0.7);
  const r = roundThreshold(0.5000002, 0.5000001);
  assert.ok(r > 0.5000001 && r <= 0.5000002);
});

test('a precision floor: only cuts at least that precise compete on F1', () => {
  // A right tag below a wrong one: best F1 keeps both (precision 4/5), a floor of 0.9 keeps neither.
  const noisy = new Map<string, RankedTag[]>([
    ['a', scored(['تبوك', 0.9], ['وزارة الصحة', 0.8], ['الرياض', 0.5], ['المستشفيات', 0.3])],
    ['b', scored(['الباحة', 0.7])],
  ]);
  const free = optimizeCut(GOLD, noisy);
  assert.equal(free.metrics.mustRecall, 1);
  assert.ok(free.metrics.precision < 0.9);
  const floored = optimizeCut(GOLD, noisy, { minPrecision: 0.9 });
  assert.equal(floored.metrics.precision, 1);
  assert.equal(floored.metrics.mustRecall, 3 / 4);
  assert.ok(floored.cut.minScore > 0.5 && floored.cut.minScore <= 0.7, String(floored.cut.minScore));
});

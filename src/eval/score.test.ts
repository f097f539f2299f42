import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGold } from './gold.js';
import { scorePredictions } from './score.js';

// A hand-judged article about rain in Abha: Abha has two spellings (one entity), Asir and
// tourism are must, the riyal only ok.
const GOLD = parseGold(
  [
    {
      id: 'abha',
      tags: [
        { tag: 'أبها', label: 'must', entity: 'Abha' },
        { tag: 'ابها', label: 'must', entity: 'Abha' },
        { tag: 'عسير', label: 'must', entity: 'Asir' },
        { tag: 'السياحة', label: 'must', entity: 'Tourism' },
        { tag: 'الريال', label: 'ok', entity: 'Riyal' },
      ],
    },
    {
      id: 'gaza',
      tags: [
        { tag: 'غزة', label: 'must', entity: 'Gaza' },
        { tag: 'قطاع غزة', label: 'must', entity: 'Gaza' },
        { tag: 'فلسطين', label: 'ok', entity: 'Palestine' },
      ],
    },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
  'gold.jsonl',
).articles;

interface Case {
  name: string;
  predictions: Record<string, string[]>;
  expect: {
    predicted: number;
    correct: number;
    mustFound: number;
    entitiesFound: number;
    correctAt1?: number;
    correctAt3?: number;
  };
}

// 3 must entities in abha + 1 in gaza = 4; 4 + 2 labelled entities in all = 6.
const CASES: Case[] = [
  {
    name: 'folding: أ/ا, ة/ه, diacritics, tatweel all compare equal',
    predictions: { abha: ['ابها', 'السياحه', 'عَسِير', 'الريـال'], gaza: ['غزه'] },
    expect: { predicted: 5, correct: 5, mustFound: 4, entitiesFound: 5, correctAt1: 2, correctAt3: 4 },
  },
  {
    name: 'two spellings that fold alike are one predicted tag',
    predictions: { abha: ['أبها', 'ابهـا'], gaza: [] },
    expect: { predicted: 1, correct: 1, mustFound: 1, entitiesFound: 1 },
  },
  {
    name: 'two tags of one entity: one entity found, both count for precision',
    predictions: { gaza: ['غزة', 'قطاع غزة'], abha: [] },
    expect: { predicted: 2, correct: 2, mustFound: 1, entitiesFound: 1 },
  },
  {
    name: 'duplicate predictions after folding are counted once',
    predictions: { abha: ['عسير', 'عسير', 'عَسير', 'جدة', 'جده'], gaza: [] },
    expect: { predicted: 2, correct: 1, mustFound: 1, entitiesFound: 1, correctAt1: 1, correctAt3: 1 },
  },
  {
    name: 'no predictions at all',
    predictions: {},
    expect: { predicted: 0, correct: 0, mustFound: 0, entitiesFound: 0, correctAt1: 0, correctAt3: 0 },
  },
  {
    name: 'wrong tags only',
    predictions: { abha: ['جدة', 'الرياض'], gaza: ['القدس'] },
    expect: { predicted: 3, correct: 0, mustFound: 0, entitiesFound: 0 },
  },
  {
    name: 'ok tags raise precision and all-recall, not must-recall',
    predictions: { abha: ['الريال'], gaza: ['فلسطين'] },
    expect: { predicted: 2, correct: 2, mustFound: 0, entitiesFound: 2 },
  },
  {
    name: 'predictions for unknown article ids are ignored',
    predictions: { abha: ['عسير'], 'not-judged': ['غزة', 'فلسطين'] },
    expect: { predicted: 1, correct: 1, mustFound: 1, entitiesFound: 1 },
  },
];

for (const c of CASES) {
  test(`scorer: ${c.name}`, () => {
    const report = scorePredictions(GOLD, new Map(Object.entries(c.predictions)));
    const m = report.metrics;
    assert.equal(m.articles, 2);
    assert.equal(m.mustEntities, 4);
    assert.equal(m.entities, 6);
    assert.equal(m.predicted, c.expect.predicted, 'predicted');
    assert.equal(m.correct, c.expect.correct, 'correct');
    assert.equal(m.mustFound, c.expect.mustFound, 'must found');
    assert.equal(m.entitiesFound, c.expect.entitiesFound, 'entities found');
    const p = c.expect.predicted === 0 ? 0 : c.expect.correct / c.expect.predicted;
    const r = c.expect.mustFound / 4;
    assert.equal(m.precision, p);
    assert.equal(m.mustRecall, r);
    assert.equal(m.f1, p + r === 0 ? 0 : (2 * p * r) / (p + r));
    assert.equal(m.allRecall, c.expect.entitiesFound / 6);
    if (c.expect.correctAt1 !== undefined) assert.equal(m.precisionAt[1], c.expect.correctAt1 / 2);
    if (c.expect.correctAt3 !== undefined) assert.equal(m.precisionAt[3], c.expect.correctAt3 / 6);
  });
}

test('scorer: unknown ids are listed', () => {
  const report = scorePredictions(GOLD, new Map([['elsewhere', ['غزة']]]));
  assert.deepEqual(report.unknownIds, ['elsewhere']);
});

test('scorer: micro average sums counts over articles (not a mean of ratios)', () => {
  // abha: 1/4 correct; gaza: 1/1 correct. Micro precision 2/5, not the mean 0.625.
  const report = scorePredictions(
    GOLD,
    new Map([
      ['abha', ['عسير', 'جدة', 'مكة', 'الطائف']],
      ['gaza', ['غزة']],
    ]),
  );
  assert.equal(report.metrics.precision, 2 / 5);
  assert.equal(report.metrics.mustRecall, 2 / 4);
});

test('scorer: P@k divides by k even when fewer than k tags are predicted', () => {
  const report = scorePredictions(GOLD, new Map([['gaza', ['غزة']], ['abha', ['جدة', 'عسير']]]));
  // gaza: 1 correct in top 1/3/5; abha: 0 in top 1, 1 in top 3/5.
  assert.deepEqual(report.metrics.precisionAt, { 1: 1 / 2, 3: 2 / 6, 5: 2 / 10 });
});

test('scorer: per-article listing names false positives and missed must entities with all spellings', () => {
  const report = scorePredictions(GOLD, new Map([['abha', ['عسير', 'جدة', 'الريال']]]));
  const abha = report.perArticle.find((a) => a.id === 'abha')!;
  assert.deepEqual(abha.correct, ['عسير', 'الريال']);
  assert.deepEqual(abha.falsePositives, ['جدة']);
  assert.deepEqual(
    abha.missedMust.map((m) => [m.entity, m.tags]),
    [
      ['Abha', ['أبها', 'ابها']],
      ['Tourism', ['السياحة']],
    ],
  );
  assert.deepEqual(abha.missedOk, []);
});

test('scorer: an entity is must when any of its tags is; "no" labels score as unlisted', () => {
  const gold = parseGold(
    JSON.stringify({
      id: 'x',
      tags: [
        { tag: 'وزارة الصحة', label: 'ok', entity: 'Health' },
        { tag: 'الصحة', label: 'must', entity: 'Health' },
        { tag: 'صحة', label: 'no', entity: 'Health' },
      ],
    }),
    'g',
  ).articles;
  const byOk = scorePredictions(gold, new Map([['x', ['وزارة الصحة']]])).metrics;
  assert.equal(byOk.mustEntities, 1);
  assert.equal(byOk.mustFound, 1, 'found through its ok spelling');
  const byNo = scorePredictions(gold, new Map([['x', ['صحة']]])).metrics;
  assert.equal(byNo.correct, 0);
  assert.equal(byNo.mustFound, 0);
});

test('scorer: simple-format gold scores each tag as a must entity', () => {
  const gold = parseGold(JSON.stringify({ id: 's', tags: ['جدة', 'مكة المكرمة'] }), 'g').articles;
  const m = scorePredictions(gold, new Map([['s', ['جده', 'الرياض']]])).metrics;
  assert.deepEqual([m.predicted, m.correct, m.mustEntities, m.mustFound], [2, 1, 2, 1]);
});

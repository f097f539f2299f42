import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEATURE_NAMES, FEATURES } from '../core/features.js';
import { fitPrior, fitWeights, type FitExample } from './fit.js';

const logistic = (z: number): number => 1 / (1 + Math.exp(-z));

test('fitting starts from the hand-set weights of the feature registry', () => {
  assert.deepEqual(fitPrior(), FEATURES.map((f) => f.handSet));
});

test('with no evidence against them, fitting returns the hand-set weights', () => {
  // One candidate with only the bias, labelled at the probability the hand-set bias gives it: no gradient.
  const x = FEATURE_NAMES.map((n) => (n === 'bias' ? 1 : 0));
  const y = logistic(fitPrior()[0]!);
  assert.deepEqual(fitWeights([{ x, y }], 5, 200), fitPrior());
});

// Examples that pull a feature's weight across 0: fitting stops it at 0, and leaves the others' signs too.
const PULLED: [feature: string, label: number][] = [
  ['titleStrong', 0],
  ['fragment', 1],
  ['context', 0],
];

for (const [feature, label] of PULLED) {
  test(`fitting keeps the direction of ${feature} whatever the examples say`, () => {
    const k = FEATURE_NAMES.indexOf(feature as (typeof FEATURE_NAMES)[number]);
    const x = FEATURE_NAMES.map((n, i) => (n === 'bias' || i === k ? 1 : 0));
    const examples: FitExample[] = Array.from({ length: 50 }, () => ({ x, y: label }));
    const prior = fitPrior();
    const w = fitWeights(examples, 0.01, 2000);
    assert.ok(Math.abs(w[k]!) < Math.abs(prior[k]!) / 2, `${feature} pulled towards 0: ${w[k]}`);
    FEATURE_NAMES.forEach((n, i) => {
      if (n === 'bias') return;
      if (prior[i] === 0) assert.equal(w[i], 0, n);
      else assert.ok(w[i] === 0 || Math.sign(w[i]!) === Math.sign(prior[i]!), `${n}: ${w[i]}`);
    });
  });
}

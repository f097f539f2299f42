/**
 * Fitting the ranker's feature weights (src/core/features.ts) by L2-regularised logistic
 * regression, started from and pulled back to the features' hand-set weights: the strong
 * regularisation keeps the weights near what the features mean in general rather than what one
 * article needs. src/tools/fit-ranker.ts runs it on gold sets.
 */
import { FEATURE_NAMES, HAND_SET_WEIGHTS } from '../core/features.js';

/** One candidate tag: its feature values in FEATURE_NAMES order (bias 1), and how right it is (soft, 0–1). */
export interface FitExample {
  x: number[];
  y: number;
}

/** Where fitting starts and what it is pulled back to: the hand-set weights, in FEATURE_NAMES order. */
export function fitPrior(): number[] {
  return FEATURE_NAMES.map((n) => HAND_SET_WEIGHTS[n]);
}

/** The fitted weights, in FEATURE_NAMES order. `lambda` pulls them towards the hand-set ones. */
export function fitWeights(examples: readonly FitExample[], lambda: number, iterations = 20000): number[] {
  const prior = fitPrior();
  let w = [...prior];
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const e of examples) {
      const p = 1 / (1 + Math.exp(-e.x.reduce((s, v, k) => s + v * w[k]!, 0)));
      e.x.forEach((v, k) => (grad[k]! += (p - e.y) * v));
    }
    // Shrink towards the hand-set weights, not towards 0: they encode what each feature means.
    w = w.map((v, k) => v - 0.3 * (grad[k]! / examples.length + (lambda / examples.length) * (v - prior[k]!)));
    // Evidence keeps its direction: a feature meant to raise a score never lowers it, and the
    // reverse, whatever the few articles of a gold set suggest (the bias is free). The bounds
    // that prune candidates before scoring rely on it (src/core/features.ts).
    // A hand-set 0 stays 0: a feature kept for the explanation only.
    w = w.map((v, k) => (FEATURE_NAMES[k] === 'bias' ? v : prior[k]! > 0 ? Math.max(0, v) : prior[k]! < 0 ? Math.min(0, v) : 0));
  }
  return w;
}

/**
 * Fits the ranker's feature weights (src/core/rank.ts WEIGHTS) by L2-regularised logistic
 * regression on a gold set: every candidate tag the matcher finds is an example, labelled by
 * whether the gold set counts it as correct (must or ok). The strong regularisation keeps the
 * weights near what the features mean in general rather than what one article needs.
 *
 *   node dist/tools/fit-ranker.js --gold G.jsonl --input A.jsonl --vocab V [--lambda 5] [--ok-target 0.6]
 *
 * prints the WEIGHTS to paste into src/core/rank.ts (the shipped ones: the dev set, defaults).
 */
import { parseArgs } from 'node:util';
import { WEIGHTS, type FeatureName } from '../core/rank.js';
import { foldForScoring } from '../eval/fold.js';
import { loadArticlesFile, loadGoldFile } from '../eval/files.js';
import { createNodeTagger } from '../node/tagger.js';
import { loadVocabulary } from '../node/vocab-file.js';

const { values } = parseArgs({ options: { gold: { type: 'string' }, input: { type: 'string' }, vocab: { type: 'string' }, lambda: { type: 'string', default: '5' }, 'ok-target': { type: 'string', default: '0.6' } } });
if (!values.gold || !values.input || !values.vocab) {
  console.error('usage: fit-ranker --gold G.jsonl --input A.jsonl --vocab V');
  process.exit(2);
}
/**
 * What each feature should weigh before any gold set is seen: the direction and rough size an
 * editor would give it. Fitting starts here, is pulled back here (--lambda), and never flips a sign.
 */
const HAND_SET: Record<FeatureName, number> = {
  bias: -2.0,
  titleStrong: 1.6,
  titleWeak: 0.4,
  lead: 0.4,
  logStrong: 0.5,
  logStrongTyped: 0.5,
  logWeak: 0.3,
  spread: 0.3,
  specificity: 2.0,
  titleRate: 2.5,
  multiword: 0.8,
  fragment: -2.0,
  ambiguous: -1.5,
  context: 0.8,
  typed: 0.8,
  listedNisba: 0.5,
  nisbaOnly: -0.5,
  weakOnly: -1.2,
  nameFragment: -2.0,
  rareNeighbour: -0.8,
  coordination: -2.5,
  headAnaphor: -2.0,
};
const names = Object.keys(WEIGHTS) as FeatureName[];
const gold = loadGoldFile(values.gold);
const articles = loadArticlesFile(values.input);
const tagger = createNodeTagger(loadVocabulary({ path: values.vocab }).compiled);
const X: number[][] = [];
const y: number[] = [];
const w8: number[] = [];
const goldById = new Map(gold.articles.map((g) => [g.id, g]));
for (const a of articles) {
  const g = goldById.get(a.id);
  if (!g) continue;
  const labels = new Map(g.tags.map((t) => [t.key, t.label]));
  for (const r of tagger.tag(a, { top: Infinity, minScore: 0, explain: true })) {
    const ev = r.evidence as Record<string, number>;
    X.push(names.map((n) => (n === 'bias' ? 1 : Number(ev[n] ?? 0))));
    const label = labels.get(foldForScoring(r.tag));
    // Soft targets: a must tag is central, an ok tag is acceptable but less so, so the score
    // orders must above ok above wrong; the cut (eval --optimize) then decides how deep to go.
    y.push(label === 'must' ? 1 : label === 'ok' ? Number(values['ok-target']) : 0);
    w8.push(1);
  }
}
const lambda = Number(values.lambda);
let w = names.map((n) => HAND_SET[n]);
const prior = [...w];
for (let it = 0; it < 20000; it++) {
  const grad = new Array(w.length).fill(0);
  X.forEach((x, i) => {
    const p = 1 / (1 + Math.exp(-x.reduce((s, v, k) => s + v * w[k]!, 0)));
    x.forEach((v, k) => (grad[k] += w8[i]! * (p - y[i]!) * v));
  });
  // Shrink towards the hand-set weights, not towards 0: they encode what each feature means.
  w = w.map((v, k) => v - 0.3 * (grad[k] / X.length + (lambda / X.length) * (v - prior[k]!)));
  // Evidence keeps its direction: a feature meant to raise a score never lowers it, and the
  // reverse, whatever the few articles of a gold set suggest (the bias is free).
  w = w.map((v, k) => (names[k] === 'bias' ? v : prior[k]! > 0 ? Math.max(0, v) : prior[k]! < 0 ? Math.min(0, v) : v));
}
console.log(`${X.length} examples, ${y.filter((v) => v === 1).length} positive`);
console.log('export const WEIGHTS = {');
names.forEach((n, k) => console.log(`  ${n}: ${w[k]!.toFixed(2)},`));
console.log('} as const;');

/**
 * Fits the ranker's feature weights (src/core/features.ts) on a gold set (src/eval/fit.ts): every
 * candidate tag the matcher finds is an example, labelled by whether the gold set counts it as
 * correct (must or ok).
 *
 *   node dist/tools/fit-ranker.js --gold G.jsonl --input A.jsonl --vocab V [--lambda 5] [--ok-target 0.6] [--loo [--fixed-cut] [--verbose]]
 *   node dist/tools/fit-ranker.js --set G.jsonl,A.jsonl,V --set G2.jsonl,A2.jsonl,default …
 *
 * Several gold sets (--set, repeated; `default` names the embedded vocabulary) are fitted as one:
 * a typed and a plain list, so that the weights say what the evidence is worth, not which list.
 * prints each feature's fitted weight, to set as its `weight` in src/core/features.ts (the shipped ones: the dev set, defaults).
 * With --loo it instead estimates how the whole procedure generalises: for each article, fit on
 * the others, choose the cut on them (eval --optimize --min-precision 0.9) and score the one left out.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CUT } from '../core/pipeline.js';
import { FEATURE_NAMES } from '../core/features.js';
import { fitWeights, type FitExample } from '../eval/fit.js';
import { foldForScoring } from '../eval/fold.js';
import { loadArticlesFile, loadGoldFile } from '../eval/files.js';
import type { GoldArticle } from '../eval/gold.js';
import { applyCut, optimizeCut } from '../eval/optimize.js';
import { addCounts, metricsOf, scoreArticle, zeroCounts } from '../eval/score.js';
import { createNodeTagger } from '../node/tagger.js';
import { loadVocabulary } from '../node/vocab-file.js';

const { values } = parseArgs({ options: { set: { type: 'string', multiple: true }, gold: { type: 'string' }, input: { type: 'string' }, vocab: { type: 'string' }, lambda: { type: 'string', default: '5' }, 'ok-target': { type: 'string', default: '0.6' }, loo: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, 'fixed-cut': { type: 'boolean', default: false } } });
const sets = (values.set ?? []).map((s) => s.split(','));
if (values.gold && values.input && values.vocab) sets.push([values.gold, values.input, values.vocab]);
if (sets.length === 0 || sets.some((s) => s.length !== 3)) {
  console.error('usage: fit-ranker --gold G.jsonl --input A.jsonl --vocab V | --set G.jsonl,A.jsonl,V …');
  process.exit(2);
}
const names = FEATURE_NAMES;
interface Example extends FitExample {
  tag: string;
  type?: string;
}

const perArticle: { gold: GoldArticle; examples: Example[]; set: string }[] = [];
for (const [goldPath, inputPath, vocabPath] of sets) {
const gold = loadGoldFile(goldPath!);
const articles = loadArticlesFile(inputPath!);
const tagger = createNodeTagger(loadVocabulary(vocabPath === 'default' ? {} : { path: vocabPath! }).compiled);
const goldById = new Map(gold.articles.map((g) => [g.id, g]));
for (const a of articles) {
  const g = goldById.get(a.id);
  if (!g) continue;
  const labels = new Map(g.tags.map((t) => [t.key, t.label]));
  const examples: Example[] = [];
  for (const r of tagger.tag(a, { top: Infinity, minScore: 0, explain: true })) {
    const ev = r.evidence as Record<string, number>;
    const label = labels.get(foldForScoring(r.tag));
    // Soft targets: a must tag is central, an ok tag is acceptable but less so, so the score
    // orders must above ok above wrong; the cut (eval --optimize) then decides how deep to go.
    const y = label === 'must' ? 1 : label === 'ok' ? Number(values['ok-target']) : 0;
    // Tags whose every mention is a doubtful reading score 0 whatever the weights (rank.ts).
    if (ev.doubtfulClitics === r.mentions.length) continue;
    examples.push({ tag: r.tag, ...(r.type ? { type: r.type } : {}), x: names.map((n) => (n === 'bias' ? 1 : Number(ev[n] ?? 0))), y });
  }
  perArticle.push({ gold: g, examples, set: goldPath! });
}
}
const lambda = Number(values.lambda);

const fit = (examples: readonly Example[]): number[] => fitWeights(examples, lambda);

const scoreWith = (w: number[], e: Example): number => 1 / (1 + Math.exp(-e.x.reduce((s, v, k) => s + v * w[k]!, 0)));
const ranked = (w: number[], examples: readonly Example[]) => examples.map((e) => ({ tag: e.tag, type: e.type, score: scoreWith(w, e), mentions: [] })).sort((a, b) => b.score - a.score);

if (values.loo) {
  let total = zeroCounts();
  const bySet = new Map<string, ReturnType<typeof zeroCounts>>();
  for (let i = 0; i < perArticle.length; i++) {
    const train = perArticle.filter((_, j) => j !== i);
    const w = fit(train.flatMap((a) => a.examples));
    // --fixed-cut: the shipped cut in every fold, so that only the weights vary (the chosen cut is noisy on 12 articles).
    const cut = values['fixed-cut'] ? DEFAULT_CUT : optimizeCut(train.map((a) => a.gold), new Map(train.map((a) => [a.gold.id, ranked(w, a.examples)])), { minPrecision: 0.9 }).cut;
    const left = perArticle[i]!;
    const kept = applyCut(ranked(w, left.examples), cut);
    const scored = scoreArticle(left.gold, kept.map((t) => t.tag));
    total = addCounts(total, scored.counts);
    bySet.set(left.set, addCounts(bySet.get(left.set) ?? zeroCounts(), scored.counts));
    if (values.verbose) {
      const labels = new Map(left.gold.tags.map((t) => [t.key, t]));
      const wrong = kept.filter((t) => !labels.has(foldForScoring(t.tag))).map((t) => `${t.tag} ${t.score.toFixed(2)}`);
      const keptKeys = new Set(kept.map((t) => foldForScoring(t.tag)));
      const mustEntities = new Set(left.gold.tags.filter((t) => t.label === 'must').map((t) => t.entity));
      const found = new Set(left.gold.tags.filter((t) => keptKeys.has(t.key)).map((t) => t.entity));
      const missed = [...mustEntities].filter((e) => !found.has(e));
      console.log(`${left.gold.id} cut ${JSON.stringify(cut)}  wrong: ${wrong.join(', ') || '-'}  missed: ${missed.join(', ') || '-'}`);
    }
  }
  if (bySet.size > 1) {
    for (const [set, counts] of bySet) {
      const m = metricsOf(counts);
      console.log(`  ${set}: P ${m.precision.toFixed(3)} must-recall ${m.mustRecall.toFixed(3)} F1 ${m.f1.toFixed(3)} (${m.predicted} tags, ${m.mustFound}/${m.mustEntities} must entities)`);
    }
  }
  const m = metricsOf(total);
  console.log(`leave-one-article-out over ${perArticle.length} articles (lambda ${lambda}): P ${m.precision.toFixed(3)} must-recall ${m.mustRecall.toFixed(3)} F1 ${m.f1.toFixed(3)} (${m.predicted} tags, ${m.mustFound}/${m.mustEntities} must entities)`);
} else {
  const all = perArticle.flatMap((a) => a.examples);
  const w = fit(all);
  console.log(`${all.length} examples, ${all.filter((e) => e.y === 1).length} must`);
  console.log('fitted weights (each feature\'s `weight` in src/core/features.ts):');
  names.forEach((n, k) => console.log(`  ${n}: ${w[k]!.toFixed(2)}`));
}

/**
 * Running a tagger over the judged articles and scoring it. Pure: the caller reads the files.
 */
import type { Alignment } from './gold.js';
import type { EvalTagger, RankedTag } from './reference-taggers.js';
import { scorePredictions, type ScoreReport } from './score.js';

/** Each judged article's tags, best first, keyed by article id. */
export type RankedRun = Map<string, RankedTag[]>;

export function runTagger(tagger: EvalTagger, alignment: Alignment): RankedRun {
  const run: RankedRun = new Map();
  for (const { article } of alignment.pairs) {
    run.set(article.id, tagger.tag({ id: article.id, title: article.title, body: article.body }));
  }
  return run;
}

export function scoreRun(alignment: Alignment, run: RankedRun): ScoreReport {
  const predictions = new Map<string, string[]>();
  for (const [id, tags] of run) predictions.set(id, tags.map((t) => t.tag));
  return scorePredictions(
    alignment.pairs.map((p) => p.gold),
    predictions,
  );
}

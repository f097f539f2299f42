/**
 * Running a tagger over the judged articles and scoring it. Pure: the caller reads the files.
 */
import { isWasimError, WasimError } from '../core/errors.js';
import type { Alignment } from './gold.js';
import type { EvalTagger, RankedTag } from './reference-taggers.js';
import { scorePredictions, type ScoreReport } from './score.js';

/** Each judged article's tags, best first, keyed by article id. */
export type RankedRun = Map<string, RankedTag[]>;

/**
 * A tagger refusing one article (too large, not text …) stops the evaluation with the
 * tagger's error, located at the article's line so the user can find it.
 */
export function runTagger(tagger: EvalTagger, alignment: Alignment, articlesSource = 'articles'): RankedRun {
  const run: RankedRun = new Map();
  for (const { article } of alignment.pairs) {
    try {
      run.set(article.id, tagger.tag({ id: article.id, title: article.title, body: article.body }));
    } catch (e) {
      if (!isWasimError(e)) throw e;
      const at = `${articlesSource}:${article.line}`;
      throw new WasimError(e.code, `${at}: article "${article.id}": ${e.message}`, { ...e.details, file: articlesSource, line: article.line }, `${at}: المقالة «${article.id}»: ${e.messageAr}`, e.template);
    }
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

/** wasim itself, seen through the evaluation's tagger interface. */
import type { CompiledVocabulary } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import type { TagOptions } from '../core/types.js';
import type { AdaptationModel } from '../core/adapt.js';
import type { EvalTagger } from './reference-taggers.js';

/** The cut that keeps every scored tag, for --optimize (which applies cuts itself). */
export const NO_CUT: TagOptions = { top: Infinity, minScore: 0 };

/**
 * `cut` fields left undefined fall back to the tagger's defaults, so that the evaluation
 * measures what `wasim tag` would print.
 */
export function createWasimEvalTagger(compiled: CompiledVocabulary, cut: TagOptions = {}, adaptation?: AdaptationModel): EvalTagger {
  const tagger = createNodeTagger(compiled, adaptation ? { adaptation } : {});
  const options: TagOptions = {};
  if (cut.top !== undefined) options.top = cut.top;
  if (cut.minScore !== undefined) options.minScore = cut.minScore;
  return {
    name: 'wasim',
    tag(article) {
      return tagger.tag({ title: article.title, body: article.body }, options).map((r) => ({
        tag: r.tag,
        score: r.score,
        ...(r.type ? { type: r.type } : {}),
        mentions: r.mentions.map((m) => ({ field: m.field, start: m.start, end: m.end, text: m.text, kind: m.kind })),
      }));
    },
  };
}

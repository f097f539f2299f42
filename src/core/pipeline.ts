/**
 * The one place where the pipeline is wired: normalise → tokenise → match → disambiguate → score.
 */
import { mentionOf, type FieldText } from './candidates.js';
import type { CompiledVocabulary } from './compile.js';
import { createDisambiguationCache, disambiguate } from './disambiguate.js';
import { matchText } from './match.js';
import { withNameVariants } from './names.js';
import { DEFAULT_LIMITS, normaliseArticle, type NormaliseLimits } from './normalise.js';
import { evidenceOf, scoreCandidates, viableCandidates } from './rank.js';
import { tokenize } from './tokenize.js';
import type { BackgroundModel } from './background.js';
import type { Field, TagOptions, TagResult } from './types.js';

export interface TaggerOptions {
  limits?: NormaliseLimits;
  /** The cut applied when a call does not give one. */
  defaults?: TagOptions;
  /** Word statistics of Arabic news: tells names from common words (see src/node/background.ts). */
  background?: BackgroundModel;
}

export interface Tagger {
  readonly vocabulary: CompiledVocabulary;
  /** Tags an article ({title, body}); throws WasimError on input that is not an article. */
  tag(article: unknown, options?: TagOptions): TagResult[];
}

/**
 * The shipped cut, chosen on both dev sets together (see README, Quality): the score does the
 * cutting, so an article with many central tags keeps them, and `top` only caps a long list.
 */
export const DEFAULT_CUT: Required<Pick<TagOptions, 'top' | 'minScore'>> = { top: 20, minScore: 0.42 };

export function createTagger(vocabulary: CompiledVocabulary, options: TaggerOptions = {}): Tagger {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const defaults = { ...DEFAULT_CUT, ...options.defaults };
  const disambiguation = createDisambiguationCache();
  return {
    vocabulary,
    tag(input: unknown, callOptions: TagOptions = {}): TagResult[] {
      const article = normaliseArticle(input, limits);
      const matched: FieldText[] = (['title', 'body'] as Field[]).map((field) => {
        const text = article[field];
        const tokens = tokenize(text);
        return { field, text, tokens, matches: withNameVariants(vocabulary, tokens, matchText(vocabulary, tokens), options.background) };
      });
      const fields = disambiguate(vocabulary, matched, options.background, disambiguation);
      const allMentions = callOptions.allMentions === true;
      const top = allMentions ? Infinity : (callOptions.top ?? defaults.top);
      const minScore = allMentions ? 0 : (callOptions.minScore ?? defaults.minScore);
      const candidates = viableCandidates(vocabulary, fields, options.background, minScore);
      const scored = scoreCandidates(vocabulary, candidates, fields, options.background, minScore, top);
      return scored
        .filter((s) => (allMentions ? s.usable.length > 0 : s.score >= minScore))
        // A total order, so that equal scores come out the same however the scorer got there.
        .sort((a, b) => b.score - a.score || Number(a.refs[0]!.field === 'body') - Number(b.refs[0]!.field === 'body') || a.refs[0]!.start - b.refs[0]!.start || a.tag - b.tag)
        .slice(0, top)
        .map((s) => {
          const tag = vocabulary.tags.get(s.tag);
          const mentions = (allMentions ? s.usable : s.refs).map((r) => mentionOf(vocabulary, fields, r, callOptions.explain));
          const result: TagResult = { tag: tag.label, id: tag.id, score: s.score, ...(tag.type ? { type: tag.type } : {}), mentions };
          if (callOptions.explain) result.evidence = evidenceOf(s);
          return result;
        });
    },
  };
}

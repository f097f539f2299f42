/**
 * The one place where the pipeline is wired: normalise → tokenise → match → disambiguate → score.
 */
import { adaptGroup, formOf, prepareAdaptation, logit, logistic, type AdaptationModel, type PreparedAdaptation } from './adapt.js';
import { collectCandidates, mentionOf, type FieldText } from './candidates.js';
import type { CompiledVocabulary } from './compile.js';
import { createDisambiguationCache, disambiguate } from './disambiguate.js';
import { matchText } from './match.js';
import { withNameVariants } from './names.js';
import { foldKey } from './fold.js';
import { DEFAULT_LIMITS, normaliseArticle, type NormaliseLimits } from './normalise.js';
import { featuresOf, type Features } from './features.js';
import { createRankCaches, evidenceOf, scoreCandidates, viableCandidates, type Scored } from './rank.js';
import { tokenize } from './tokenize.js';
import type { BackgroundModel } from './background.js';
import type { Field, TagOptions, TagResult } from './types.js';

export interface TaggerOptions {
  limits?: NormaliseLimits;
  /** The cut applied when a call does not give one. */
  defaults?: TagOptions;
  /** Word statistics of Arabic news: tells names from common words (see src/node/background.ts). */
  background?: BackgroundModel;
  /** A newsroom's adaptation learned from its editors' decisions (src/core/learn.ts), applied in the score stage. */
  adaptation?: AdaptationModel;
}

/** One candidate tag of an article as the shipped model scores it, with what learning needs of it. */
export interface CandidateView {
  /** The tag's index in the vocabulary. */
  tag: number;
  id: string;
  label: string;
  score: number;
  features: Features;
  /** Folded keys of the forms its usable mentions matched (all its mentions when none is usable), sorted. */
  forms: { key: string; text: string }[];
}

export interface Tagger {
  readonly vocabulary: CompiledVocabulary;
  /** The adaptation in use, bound to the vocabulary; undefined without one. */
  readonly adaptation: PreparedAdaptation | undefined;
  /** Tags an article ({title, body}); throws WasimError on input that is not an article. */
  tag(article: unknown, options?: TagOptions): TagResult[];
  /** Every candidate of an article, scored by the shipped model (no adaptation, no cut), in output order. */
  candidates(article: unknown): CandidateView[];
}

/**
 * The shipped cut, chosen on both dev sets together (see README, Quality): the score does the
 * cutting, so an article with many central tags keeps them, and `top` only caps a long list.
 */
export const DEFAULT_CUT: Required<Pick<TagOptions, 'top' | 'minScore'>> = { top: 20, minScore: 0.42 };

/** A total order, so that equal scores come out the same however the scorer got there. */
function outputOrder(a: Scored, b: Scored): number {
  return b.score - a.score || Number(a.refs[0]!.field === 'body') - Number(b.refs[0]!.field === 'body') || a.refs[0]!.start - b.refs[0]!.start || a.tag - b.tag;
}

/** Scores are reported to three decimals; a cut lowered by a logit shift is rounded down, so that it never drops what the shift could lift. */
const BOUND_SLACK = 1e-6;

export function createTagger(vocabulary: CompiledVocabulary, options: TaggerOptions = {}): Tagger {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const defaults = { ...DEFAULT_CUT, ...options.defaults };
  const disambiguation = createDisambiguationCache();
  const ranking = createRankCaches();
  const adaptation = options.adaptation ? prepareAdaptation(vocabulary, options.adaptation) : undefined;

  const fieldsOf = (input: unknown) => {
    const article = normaliseArticle(input, limits);
    const matched: FieldText[] = (['title', 'body'] as Field[]).map((field) => {
      const text = article[field];
      const tokens = tokenize(text);
      return { field, text, tokens, matches: withNameVariants(vocabulary, tokens, matchText(vocabulary, tokens), options.background) };
    });
    return disambiguate(vocabulary, matched, options.background, disambiguation);
  };

  return {
    vocabulary,
    adaptation,
    tag(input: unknown, callOptions: TagOptions = {}): TagResult[] {
      const fields = fieldsOf(input);
      const allMentions = callOptions.allMentions === true;
      const top = allMentions ? Infinity : (callOptions.top ?? defaults.top);
      let minScore = allMentions ? 0 : (callOptions.minScore ?? defaults.minScore);
      let scored: Scored[];
      let effects: Map<Scored, ReturnType<typeof adaptGroup>> | undefined;
      if (adaptation === undefined) {
        const candidates = viableCandidates(ranking, vocabulary, fields, options.background, minScore);
        scored = scoreCandidates(ranking, vocabulary, candidates, fields, options.background, minScore, top);
      } else {
        // The cut without the adaptation, and with it (a refitted cut applies where the call sets none).
        const baseCut = minScore;
        if (!allMentions && callOptions.minScore === undefined && adaptation.minScore !== undefined) minScore = adaptation.minScore;
        // A group the shipped model scores below the cut may be lifted above it: the entities
        // decisions lift are scored down to what their largest shift can lift, the others down to
        // the cut (everything is scored when the weights themselves were refitted).
        const cut = Math.min(minScore, baseCut);
        const reach = adaptation.refitWeights || cut <= 0 ? 0 : Math.max(0, Math.floor(logistic(logit(cut) - adaptation.maxShift) * 1000) / 1000 - BOUND_SLACK);
        let candidates = viableCandidates(ranking, vocabulary, fields, options.background, adaptation.refitWeights ? 0 : cut);
        if (reach < cut && adaptation.lifted.size > 0) {
          const entityOf = vocabulary.tagTable.entityOf;
          const have = new Set(candidates.map((c) => c.tag));
          // Collected again with them, in the order collectCandidates gives (that of first mention).
          candidates = collectCandidates(fields, (tag) => have.has(tag) || adaptation.lifted.has(entityOf[tag]!));
        }
        const byGroup = (effects = new Map());
        scored = scoreCandidates(ranking, vocabulary, candidates, fields, options.background, reach, Infinity).map((s) => {
          const effect = adaptGroup(adaptation, vocabulary, s.tag, s.values, s.score, s.usable.length > 0 ? s.usable : s.refs, baseCut, minScore, callOptions.explain === true);
          const adapted = effect.score === s.score ? s : { ...s, score: effect.score };
          byGroup.set(adapted, effect);
          return adapted;
        });
      }
      return scored
        .filter((s) => (allMentions ? s.usable.length > 0 : s.score >= minScore))
        .sort(outputOrder)
        .slice(0, top)
        .map((s) => {
          const tag = vocabulary.tags.get(s.tag);
          const mentions = (allMentions ? s.usable : s.refs).map((r) => mentionOf(vocabulary, fields, r, callOptions.explain));
          const result: TagResult = { tag: tag.label, id: tag.id, score: s.score, ...(tag.type ? { type: tag.type } : {}), mentions };
          if (callOptions.explain) {
            result.evidence = evidenceOf(s);
            const effect = effects?.get(s);
            if (effect?.en !== undefined) {
              result.evidence.adaptationBase = effect.base;
              result.evidence.adaptationShift = effect.shift;
              result.evidence.adaptationEn = effect.en;
              result.evidence.adaptationAr = effect.ar!;
            }
          }
          return result;
        });
    },
    candidates(input: unknown): CandidateView[] {
      const fields = fieldsOf(input);
      const candidates = viableCandidates(ranking, vocabulary, fields, options.background, 0);
      return scoreCandidates(ranking, vocabulary, candidates, fields, options.background, 0, Infinity)
        .sort(outputOrder)
        .map((s) => {
          const tag = vocabulary.tags.get(s.tag);
          const forms = new Map<string, string>();
          for (const r of s.usable.length > 0 ? s.usable : s.refs) {
            const f = formOf(vocabulary, r);
            // Shown as the text wrote it (the editor's view): a mention without clitics when there is one.
            const text = fields.find((x) => x.field === r.field)!.text.slice(r.start, r.end);
            const known = forms.get(f.key);
            if (known === undefined || (foldKey(known) !== f.key && foldKey(text) === f.key)) forms.set(f.key, text);
          }
          return { tag: s.tag, id: tag.id, label: tag.label, score: s.score, features: featuresOf(s.values), forms: [...forms].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([key, text]) => ({ key, text })) };
        });
    },
  };
}

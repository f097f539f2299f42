/**
 * The one place where the pipeline is wired. Each stage is a function that takes what it reads
 * and returns what it makes; what a stage keeps between articles (a tokeniser's intern table, a
 * matcher's analyses, the later stages' memories) lives in objects the Tagger owns.
 *
 *   normalise        normaliseArticle(input, limits)                → NormalisedArticle
 *   tokenise         tokenise(article, tokenizer)                   → TokenizedField[]
 *   match            match(fields, matcher)                         → MatchedField[]
 *   name variants    addNameVariants(fields, cv, background, cache) → FoundField[]
 *   disambiguate     disambiguateFields(fields, cv, background, cache) → FieldText[]
 *   group            group(fields, cv, background, plan, adaptation, ranking) → CandidateList
 *   score            score(candidates, fields, cv, background, plan, adaptation, ranking) → ScoredGroups
 *   cut              cut(groups, fields, cv, plan)                  → TagResult[]
 *
 * where plan (a Cut) is the call's options resolved against the tagger's defaults and adaptation.
 */
import { adaptGroup, formOf, prepareAdaptation, logit, logistic, type AdaptationEffect, type AdaptationModel, type PreparedAdaptation } from './adapt.js';
import type { BackgroundModel } from './background.js';
import { ArticleField, collectCandidates, mentionOf, type CandidateList, type FieldText } from './candidates.js';
import type { CompiledVocabulary } from './vocabulary/compile.js';
import { createDisambiguationCache, disambiguate, type DisambiguationCache } from './disambiguate.js';
import { foldKey } from './fold.js';
import { createMatcher, type MatchedText, type Matcher, type MatchList } from './match.js';
import { createNameVariantCache, nameVariants, type NameVariantCache } from './names.js';
import { DEFAULT_LIMITS, normaliseArticle, type NormalisedArticle, type NormaliseLimits } from './normalise.js';
import { featuresOf, type Features } from './features.js';
import { createRankCaches, evidenceOf, scoreCandidates, viableCandidates, type RankCaches, type Scored } from './rank.js';
import { createTokenizer, type TokenizedText, type Tokenizer } from './tokenize.js';
import type { Field, TagOptions, TagResult } from './types.js';
import { WordFacts } from './word-facts.js';

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

/** The fields of an article, in the order the stages see them. */
const FIELDS: readonly Field[] = ['title', 'body'];

/** A field after the tokenise stage. */
export interface TokenizedField {
  readonly field: Field;
  readonly tokenized: TokenizedText;
}

/** A field after the match stage. */
export interface MatchedField extends TokenizedField {
  readonly matched: MatchedText;
}

/** A field after the name-variant stage: the matches the next stage judges. */
export interface FoundField extends TokenizedField {
  readonly matches: MatchList;
}

/** tokenise: each field's tokens, in columns. */
export function tokenise(article: NormalisedArticle, tokenizer: Tokenizer): TokenizedField[] {
  return FIELDS.map((field) => ({ field, tokenized: tokenizer.tokenize(article[field]) }));
}

/** match: the vocabulary's matches in each field, longest match resolved. */
export function match(fields: readonly TokenizedField[], matcher: Matcher): MatchedField[] {
  return fields.map((f) => ({ field: f.field, tokenized: f.tokenized, matched: matcher.match(f.tokenized) }));
}

/** name variants: multi-word names written with another long vowel, merged into each field's matches. */
export function addNameVariants(fields: readonly MatchedField[], cv: CompiledVocabulary, background: BackgroundModel | undefined, cache: NameVariantCache): FoundField[] {
  return fields.map((f) => ({ field: f.field, tokenized: f.tokenized, matches: nameVariants(cv, f.tokenized, f.matched, background, cache) }));
}

/** disambiguate: each mention judged from its context, the matches kept per field. */
export function disambiguateFields(fields: readonly FoundField[], cv: CompiledVocabulary, background: BackgroundModel | undefined, cache: DisambiguationCache): FieldText[] {
  const kept = disambiguate(cv, fields, background, cache);
  return fields.map((f, k) => new ArticleField(f.field, f.tokenized, kept[k]!));
}

/** Scores are reported to three decimals; a cut lowered by a logit shift is rounded down, so that it never drops what the shift could lift. */
const BOUND_SLACK = 1e-6;

/** The cut a call asks for, resolved against the tagger's defaults and adaptation: what group, score and cut apply. */
export interface Cut {
  /** Every group with a usable mention, unscored by the cut (TagOptions.allMentions). */
  readonly allMentions: boolean;
  /** TagOptions.explain as the call gave it. */
  readonly explain: boolean | undefined;
  readonly top: number;
  /** The score a group needs to be output. */
  readonly minScore: number;
  /** The shipped model's cut, which the adaptation's effects are told against. */
  readonly baseCut: number;
  /** The score below which group leaves a candidate out (ranking's pre-bound). */
  readonly viable: number;
  /** The score below which score stops scoring a group (ranking's bound). */
  readonly reach: number;
  /** How many groups score must get right. */
  readonly scoreTop: number;
}

function cutOf(callOptions: TagOptions, defaults: Required<Pick<TagOptions, 'top' | 'minScore'>>, adaptation: PreparedAdaptation | undefined): Cut {
  const allMentions = callOptions.allMentions === true;
  const explain = callOptions.explain;
  const top = allMentions ? Infinity : (callOptions.top ?? defaults.top);
  const minScore = allMentions ? 0 : (callOptions.minScore ?? defaults.minScore);
  if (adaptation === undefined) return { allMentions, explain, top, minScore, baseCut: minScore, viable: minScore, reach: minScore, scoreTop: top };
  // The cut without the adaptation, and with it (a refitted cut applies where the call sets none).
  const adapted = !allMentions && callOptions.minScore === undefined && adaptation.minScore !== undefined ? adaptation.minScore : minScore;
  // A group the shipped model scores below the cut may be lifted above it: the entities
  // decisions lift are scored down to what their largest shift can lift, the others down to
  // the cut (everything is scored when the weights themselves were refitted).
  const lowest = Math.min(adapted, minScore);
  const reach = adaptation.refitWeights || lowest <= 0 ? 0 : Math.max(0, Math.floor(logistic(logit(lowest) - adaptation.maxShift) * 1000) / 1000 - BOUND_SLACK);
  return { allMentions, explain, top, minScore: adapted, baseCut: minScore, viable: adaptation.refitWeights ? 0 : lowest, reach, scoreTop: Infinity };
}

/** Every candidate, whatever its score: for learning (Tagger.candidates). */
const NO_CUT: Cut = { allMentions: false, explain: false, top: Infinity, minScore: 0, baseCut: 0, viable: 0, reach: 0, scoreTop: Infinity };

/** group: the tags the fields' matches name, each with its matches, in order of first mention; those that cannot reach the cut are left out. */
export function group(fields: readonly FieldText[], cv: CompiledVocabulary, background: BackgroundModel | undefined, plan: Cut, adaptation: PreparedAdaptation | undefined, ranking: RankCaches): CandidateList {
  const candidates = viableCandidates(ranking, cv, fields, background, plan.viable);
  if (adaptation === undefined || !(plan.reach < Math.min(plan.minScore, plan.baseCut)) || adaptation.lifted.size === 0) return candidates;
  // The entities decisions lift are kept whatever their bound, in the order collectCandidates gives.
  const entityOf = cv.tagTable.entityOf;
  const have = new Set(candidates.tagList());
  return collectCandidates(fields, (tag) => have.has(tag) || adaptation.lifted.has(entityOf[tag]!));
}

/** What the score stage gives: the groups scored, and with an adaptation what it did to each. */
export interface ScoredGroups {
  readonly scored: Scored[];
  readonly effects: Map<Scored, AdaptationEffect> | undefined;
}

/** score: each group's score by the shipped model, then shifted by the adaptation. */
export function score(candidates: CandidateList, fields: readonly FieldText[], cv: CompiledVocabulary, background: BackgroundModel | undefined, plan: Cut, adaptation: PreparedAdaptation | undefined, ranking: RankCaches): ScoredGroups {
  const scored = scoreCandidates(ranking, cv, candidates, fields, background, plan.reach, plan.scoreTop);
  if (adaptation === undefined) return { scored, effects: undefined };
  const effects = new Map<Scored, AdaptationEffect>();
  const adapted = scored.map((s) => {
    const effect = adaptGroup(adaptation, cv, s.tag, s.values, s.score, s.usable.length > 0 ? s.usable : s.refs, plan.baseCut, plan.minScore, plan.explain === true);
    const out = effect.score === s.score ? s : { ...s, score: effect.score };
    effects.set(out, effect);
    return out;
  });
  return { scored: adapted, effects };
}

/** A total order, so that equal scores come out the same however the scorer got there. */
function outputOrder(a: Scored, b: Scored): number {
  return b.score - a.score || Number(a.refs[0]!.field === 'body') - Number(b.refs[0]!.field === 'body') || a.refs[0]!.start - b.refs[0]!.start || a.tag - b.tag;
}

/** cut: the groups that pass the cut, in output order, as results with their mentions. */
export function cut(groups: ScoredGroups, fields: readonly FieldText[], cv: CompiledVocabulary, plan: Cut): TagResult[] {
  const { allMentions, explain } = plan;
  return groups.scored
    .filter((s) => (allMentions ? s.usable.length > 0 : s.score >= plan.minScore))
    .sort(outputOrder)
    .slice(0, plan.top)
    .map((s) => {
      const tag = cv.tags.get(s.tag);
      const mentions = (allMentions ? s.usable : s.refs).map((r) => mentionOf(cv, fields, r, explain));
      const result: TagResult = { tag: tag.label, id: tag.id, score: s.score, ...(tag.type ? { type: tag.type } : {}), mentions };
      if (explain) {
        result.evidence = evidenceOf(s);
        const effect = groups.effects?.get(s);
        if (effect?.en !== undefined) {
          result.evidence.adaptationBase = effect.base;
          result.evidence.adaptationShift = effect.shift;
          result.evidence.adaptationEn = effect.en;
          result.evidence.adaptationAr = effect.ar!;
        }
      }
      return result;
    });
}

export function createTagger(vocabulary: CompiledVocabulary, options: TaggerOptions = {}): Tagger {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const defaults = { ...DEFAULT_CUT, ...options.defaults };
  const background = options.background;
  const adaptation = options.adaptation ? prepareAdaptation(vocabulary, options.adaptation) : undefined;
  // What the stages keep between articles.
  const tokenizer = createTokenizer();
  const matcher = createMatcher(vocabulary);
  const names = createNameVariantCache();
  // The background's facts of each word, asked by disambiguate and score alike.
  const wordFacts = new WordFacts();
  const disambiguation = createDisambiguationCache(wordFacts);
  const ranking = createRankCaches(wordFacts);

  /** normalise → tokenise → match → name variants → disambiguate. */
  const fieldsOf = (input: unknown): FieldText[] => {
    const article = normaliseArticle(input, limits);
    const tokenized = tokenise(article, tokenizer);
    const matched = match(tokenized, matcher);
    const found = addNameVariants(matched, vocabulary, background, names);
    return disambiguateFields(found, vocabulary, background, disambiguation);
  };

  return {
    vocabulary,
    adaptation,
    tag(input: unknown, callOptions: TagOptions = {}): TagResult[] {
      const fields = fieldsOf(input);
      const plan = cutOf(callOptions, defaults, adaptation);
      const candidates = group(fields, vocabulary, background, plan, adaptation, ranking);
      return cut(score(candidates, fields, vocabulary, background, plan, adaptation, ranking), fields, vocabulary, plan);
    },
    candidates(input: unknown): CandidateView[] {
      const fields = fieldsOf(input);
      const candidates = group(fields, vocabulary, background, NO_CUT, undefined, ranking);
      return score(candidates, fields, vocabulary, background, NO_CUT, undefined, ranking)
        .scored.sort(outputOrder)
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

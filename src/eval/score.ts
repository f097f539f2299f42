/**
 * Scoring predictions against a gold set, exactly as shared/data/README.md defines it.
 * Pure: no I/O.
 *
 * Per article, the predicted tags are folded (foldForScoring) and deduplicated, keeping the
 * first (best-ranked) spelling. Then, summing counts over all scored articles (micro average —
 * the README's reference numbers are micro averages; the per-article mean gives different ones):
 * - precision    = predicted tags labelled must or ok / predicted tags;
 * - must-recall  = must entities with at least one of their tags predicted / must entities;
 * - F1           = harmonic mean of precision and must-recall;
 * - all-recall   = labelled (must or ok) entities found / labelled entities;
 * - P@k          = correct tags among the first k predictions / k, where an article with fewer
 *                  than k predictions still divides by k (its missing slots count as wrong, the
 *                  usual IR definition: a tagger is not rewarded for saying less). Summing over
 *                  articles and dividing by k × articles is then also the mean of per-article P@k.
 * A ratio whose denominator is 0 (no predictions, no must entities) is reported as 0.
 */
import { foldForScoring } from './fold.js';
import type { GoldArticle } from './gold.js';

export const PRECISION_AT = [1, 3, 5] as const;
export type PrecisionAtK = (typeof PRECISION_AT)[number];

export interface Counts {
  articles: number;
  predicted: number;
  correct: number;
  mustEntities: number;
  mustFound: number;
  entities: number;
  entitiesFound: number;
  /** Correct tags among the first k (deduplicated) predictions, summed over articles. */
  correctAt: Record<PrecisionAtK, number>;
}

export interface Metrics extends Counts {
  precision: number;
  mustRecall: number;
  f1: number;
  allRecall: number;
  precisionAt: Record<PrecisionAtK, number>;
}

export interface MissedEntity {
  entity: string;
  label: 'must' | 'ok';
  /** Every gold spelling of the entity. */
  tags: string[];
}

export interface ArticleScore {
  id: string;
  /** Deduplicated after folding, best-ranked spelling kept, in rank order. */
  predicted: string[];
  correct: string[];
  falsePositives: string[];
  missedMust: MissedEntity[];
  /** Labelled ok and not found (for error listings; must-recall ignores them). */
  missedOk: MissedEntity[];
  counts: Counts;
}

export interface ScoreReport {
  metrics: Metrics;
  perArticle: ArticleScore[];
  /** Prediction ids with no gold article: ignored. */
  unknownIds: string[];
}

function ratio(n: number, d: number): number {
  return d === 0 ? 0 : n / d;
}

export function harmonicMean(a: number, b: number): number {
  return a + b === 0 ? 0 : (2 * a * b) / (a + b);
}

export function zeroCounts(): Counts {
  return {
    articles: 0,
    predicted: 0,
    correct: 0,
    mustEntities: 0,
    mustFound: 0,
    entities: 0,
    entitiesFound: 0,
    correctAt: { 1: 0, 3: 0, 5: 0 },
  };
}

export function addCounts(into: Counts, c: Counts): Counts {
  into.articles += c.articles;
  into.predicted += c.predicted;
  into.correct += c.correct;
  into.mustEntities += c.mustEntities;
  into.mustFound += c.mustFound;
  into.entities += c.entities;
  into.entitiesFound += c.entitiesFound;
  for (const k of PRECISION_AT) into.correctAt[k] += c.correctAt[k];
  return into;
}

export function metricsOf(c: Counts): Metrics {
  const precision = ratio(c.correct, c.predicted);
  const mustRecall = ratio(c.mustFound, c.mustEntities);
  return {
    ...c,
    correctAt: { ...c.correctAt },
    precision,
    mustRecall,
    f1: harmonicMean(precision, mustRecall),
    allRecall: ratio(c.entitiesFound, c.entities),
    precisionAt: {
      1: ratio(c.correctAt[1], c.articles),
      3: ratio(c.correctAt[3], 3 * c.articles),
      5: ratio(c.correctAt[5], 5 * c.articles),
    },
  };
}

/** Deduplicated after folding, in rank order, keeping the first spelling of each. */
function dedupe(ranked: readonly KeyedTag[]): KeyedTag[] {
  const seen = new Set<string>();
  const out: KeyedTag[] = [];
  for (const { tag, key } of ranked) {
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push({ tag, key });
  }
  return out;
}

/** Predictions already folded: lets a caller scoring many cuts of one list fold each tag once. */
export interface KeyedTag {
  tag: string;
  key: string;
}

export function keyTags(ranked: readonly string[]): KeyedTag[] {
  return ranked.map((tag) => ({ tag, key: foldForScoring(tag) }));
}

export function scoreArticle(gold: GoldArticle, ranked: readonly string[]): ArticleScore {
  return scoreKeyedArticle(gold, keyTags(ranked));
}

export function scoreKeyedArticle(gold: GoldArticle, ranked: readonly KeyedTag[]): ArticleScore {
  const byKey = new Map(gold.tags.map((t) => [t.key, t]));
  const entityLabel = new Map<string, 'must' | 'ok'>();
  const entityTags = new Map<string, string[]>();
  for (const t of gold.tags) {
    if (t.label === 'no') continue;
    if (t.label === 'must' || !entityLabel.has(t.entity)) entityLabel.set(t.entity, t.label);
    const spellings = entityTags.get(t.entity) ?? [];
    spellings.push(t.tag);
    entityTags.set(t.entity, spellings);
  }

  const predicted = dedupe(ranked);
  const correct: string[] = [];
  const falsePositives: string[] = [];
  const found = new Set<string>();
  const correctAt: Record<PrecisionAtK, number> = { 1: 0, 3: 0, 5: 0 };
  predicted.forEach(({ tag, key }, rank) => {
    const g = byKey.get(key);
    const isCorrect = g !== undefined && g.label !== 'no';
    if (isCorrect) {
      correct.push(tag);
      found.add(g.entity);
      for (const k of PRECISION_AT) if (rank < k) correctAt[k]++;
    } else {
      falsePositives.push(tag);
    }
  });

  const missedMust: MissedEntity[] = [];
  const missedOk: MissedEntity[] = [];
  let mustEntities = 0;
  let mustFound = 0;
  for (const [entity, label] of entityLabel) {
    if (label === 'must') mustEntities++;
    if (found.has(entity)) {
      if (label === 'must') mustFound++;
    } else {
      (label === 'must' ? missedMust : missedOk).push({ entity, label, tags: entityTags.get(entity)! });
    }
  }

  return {
    id: gold.id,
    predicted: predicted.map((p) => p.tag),
    correct,
    falsePositives,
    missedMust,
    missedOk,
    counts: {
      articles: 1,
      predicted: predicted.length,
      correct: correct.length,
      mustEntities,
      mustFound,
      entities: entityLabel.size,
      entitiesFound: found.size,
      correctAt,
    },
  };
}

/**
 * Scores ranked predictions (article id → tags, best first) against gold articles.
 * A gold article without predictions predicted nothing; predictions for ids not in the gold
 * are listed in `unknownIds` and otherwise ignored.
 */
export function scorePredictions(
  gold: readonly GoldArticle[],
  predictions: ReadonlyMap<string, readonly string[]>,
): ScoreReport {
  const total = zeroCounts();
  const perArticle: ArticleScore[] = [];
  const goldIds = new Set<string>();
  for (const g of gold) {
    goldIds.add(g.id);
    const s = scoreArticle(g, predictions.get(g.id) ?? []);
    perArticle.push(s);
    addCounts(total, s.counts);
  }
  const unknownIds = [...predictions.keys()].filter((id) => !goldIds.has(id));
  return { metrics: metricsOf(total), perArticle, unknownIds };
}

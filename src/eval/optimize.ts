/**
 * Searching the default cut — how many tags to keep and from what score — that maximises F1
 * on a gold set. The tagger runs once with no cut; every candidate cut is applied to those
 * scored lists, so the search costs scoring only.
 *
 * A cut keeps, in rank order, the tags scoring at least the threshold (of their type, when
 * per-type thresholds are searched), then the first `top` of those — the order the tagger's own
 * `{minScore, top}` options apply. Candidate thresholds are the observed scores (at most
 * MAX_THRESHOLDS of them, spread by quantile); a chosen threshold is reported as a round value
 * between the chosen score and the next lower observed one, which keeps exactly the same tags
 * here and leaves a margin for unseen articles.
 *
 * Ties in F1 go to higher precision, then fewer predicted tags: with 13 articles many cuts tie,
 * and the stricter one is the safer default.
 */
import type { GoldArticle } from './gold.js';
import type { RankedTag } from './reference-taggers.js';
import type { RankedRun } from './run.js';
import { addCounts, keyTags, metricsOf, scoreKeyedArticle, zeroCounts, type Counts, type KeyedTag, type Metrics } from './score.js';

export const MAX_TOP = 20;
const MAX_THRESHOLDS = 200;
const EPSILON = 1e-12;

export interface Cut {
  /** Keep at most this many tags (Infinity: no limit). */
  top: number;
  /** Keep tags scoring at least this. */
  minScore: number;
  /** Thresholds replacing minScore for tags of these types. */
  minScoreByType?: Record<string, number>;
}

export interface OptimizeOptions {
  /** Largest top-K tried (1..maxTop, plus no limit). */
  maxTop?: number;
  /** Also search one threshold per tag type, starting from the best global cut. */
  perType?: boolean;
  /**
   * Only cuts reaching this precision compete on F1 (a publisher who prefers fewer wrong tags
   * to more found ones). When no cut reaches it, the most precise cut wins.
   */
  minPrecision?: number;
}

export interface OptimizeResult {
  cut: Cut;
  metrics: Metrics;
  /** Metrics with no cut at all (every scored tag kept). */
  uncut: Metrics;
  /** How many cuts were scored. */
  evaluated: number;
}

interface PreparedArticle {
  gold: GoldArticle;
  tags: (KeyedTag & { score: number; type?: string })[];
}

function prepare(gold: readonly GoldArticle[], run: RankedRun): PreparedArticle[] {
  return gold.map((g) => {
    const ranked: RankedTag[] = run.get(g.id) ?? [];
    const keyed = keyTags(ranked.map((t) => t.tag));
    return {
      gold: g,
      tags: ranked.map((t, i) => ({ ...keyed[i]!, score: t.score ?? 0, type: t.type })),
    };
  });
}

function thresholdOf(cut: Cut, type: string | undefined): number {
  return type !== undefined && cut.minScoreByType?.[type] !== undefined ? cut.minScoreByType[type]! : cut.minScore;
}

/** Applies a cut to one ranked list (exported for the CLI's reporting of a chosen cut). */
export function applyCut<T extends { score?: number; type?: string }>(ranked: readonly T[], cut: Cut): T[] {
  const kept: T[] = [];
  for (const t of ranked) {
    if (kept.length >= cut.top) break;
    if ((t.score ?? 0) >= thresholdOf(cut, t.type)) kept.push(t);
  }
  return kept;
}

export function applyCutToRun(run: RankedRun, cut: Cut): RankedRun {
  const out: RankedRun = new Map();
  for (const [id, tags] of run) out.set(id, applyCut(tags, cut));
  return out;
}

function countsFor(prepared: readonly PreparedArticle[], cut: Cut): Counts {
  let total: Counts | undefined;
  for (const a of prepared) {
    const c = scoreKeyedArticle(a.gold, applyCut(a.tags, cut)).counts;
    total = total ? addCounts(total, c) : { ...c, correctAt: { ...c.correctAt } };
  }
  return total ?? zeroCounts();
}

function better(a: Metrics, b: Metrics, minPrecision = 0): boolean {
  const aOk = a.precision + EPSILON >= minPrecision;
  const bOk = b.precision + EPSILON >= minPrecision;
  if (aOk !== bOk) return aOk;
  if (!aOk && Math.abs(a.precision - b.precision) > EPSILON) return a.precision > b.precision;
  if (Math.abs(a.f1 - b.f1) > EPSILON) return a.f1 > b.f1;
  if (Math.abs(a.precision - b.precision) > EPSILON) return a.precision > b.precision;
  return a.predicted < b.predicted;
}

/** Distinct observed scores, highest first, thinned to quantiles when there are many. */
function candidateThresholds(scores: number[]): number[] {
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  if (distinct.length <= MAX_THRESHOLDS) return distinct;
  const picked = new Set<number>();
  for (let i = 0; i < MAX_THRESHOLDS; i++) {
    picked.add(distinct[Math.round((i * (distinct.length - 1)) / (MAX_THRESHOLDS - 1))]!);
  }
  return [...picked].sort((a, b) => b - a);
}

/**
 * A round number in (lower, chosen]: it keeps exactly the tags `chosen` keeps among the
 * observed scores.
 */
export function roundThreshold(chosen: number, lower: number | undefined): number {
  if (lower === undefined || !(lower < chosen)) return chosen;
  const mid = (chosen + lower) / 2;
  for (let digits = 1; digits <= 12; digits++) {
    const rounded = Number(mid.toFixed(digits));
    if (rounded > lower && rounded <= chosen) return rounded;
  }
  return chosen;
}

function nextLower(sortedDesc: readonly number[], value: number): number | undefined {
  return sortedDesc.find((s) => s < value);
}

export function optimizeCut(
  gold: readonly GoldArticle[],
  run: RankedRun,
  options: OptimizeOptions = {},
): OptimizeResult {
  const maxTop = options.maxTop ?? MAX_TOP;
  const prepared = prepare(gold, run);
  const allScores = prepared.flatMap((a) => a.tags.map((t) => t.score));
  const observed = [...new Set(allScores)].sort((a, b) => b - a);
  const keepAll = observed.length > 0 ? observed[observed.length - 1]! : 0;
  const thresholds = candidateThresholds(allScores);
  if (!thresholds.includes(keepAll)) thresholds.push(keepAll);
  const tops = [...Array.from({ length: maxTop }, (_, i) => i + 1), Infinity];

  let evaluated = 0;
  const measure = (cut: Cut): Metrics => {
    evaluated++;
    return metricsOf(countsFor(prepared, cut));
  };

  const uncutCut: Cut = { top: Infinity, minScore: -Infinity };
  const uncut = measure(uncutCut);
  let best: { cut: Cut; metrics: Metrics } = { cut: uncutCut, metrics: uncut };
  for (const top of tops) {
    for (const minScore of thresholds) {
      const cut = { top, minScore };
      const metrics = measure(cut);
      if (better(metrics, best.metrics, options.minPrecision)) best = { cut, metrics };
    }
  }

  if (options.perType) {
    const types = [...new Set(prepared.flatMap((a) => a.tags.map((t) => t.type)).filter((t): t is string => !!t))].sort();
    const byType: Record<string, number> = Object.fromEntries(types.map((t) => [t, best.cut.minScore]));
    // Coordinate ascent: one type's threshold at a time, the others held, until nothing improves.
    for (let round = 0; round < 5; round++) {
      let improved = false;
      for (const type of types) {
        const typeScores = prepared.flatMap((a) => a.tags.filter((t) => t.type === type).map((t) => t.score));
        for (const threshold of candidateThresholds(typeScores)) {
          const cut: Cut = { ...best.cut, minScoreByType: { ...byType, [type]: threshold } };
          const metrics = measure(cut);
          if (better(metrics, best.metrics, options.minPrecision)) {
            best = { cut, metrics };
            byType[type] = threshold;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    if (types.length > 0) best = { ...best, cut: { ...best.cut, minScoreByType: { ...byType } } };
  }

  const cut: Cut = {
    top: best.cut.top,
    minScore: Number.isFinite(best.cut.minScore) ? roundThreshold(best.cut.minScore, nextLower(observed, best.cut.minScore))
      : Math.min(0, keepAll),
  };
  if (best.cut.minScoreByType) {
    cut.minScoreByType = Object.fromEntries(
      Object.entries(best.cut.minScoreByType).map(([type, t]) => {
        const typeObserved = [
          ...new Set(prepared.flatMap((a) => a.tags.filter((x) => x.type === type).map((x) => x.score))),
        ].sort((a, b) => b - a);
        return [type, roundThreshold(t, nextLower(typeObserved, t))];
      }),
    );
  }
  return { cut, metrics: best.metrics, uncut, evaluated };
}

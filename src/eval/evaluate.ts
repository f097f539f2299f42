/**
 * One evaluation: the chosen taggers run over the judged articles and are scored; optionally
 * wasim's cut is optimised and each tagger's mistakes are listed. Pure given loaded inputs.
 */
import { compileVocabulary, type CompiledVocabulary } from '../core/index.js';
import type { TagOptions, VocabEntry } from '../core/types.js';
import type { AdaptationModel } from '../core/adapt.js';
import { WasimError } from '../core/errors.js';
import { alignGold, type Alignment, type ArticleRecord, type GoldSet } from './gold.js';
import { applyCutToRun, optimizeCut, type Cut, type OptimizeResult } from './optimize.js';
import { createReferenceTagger, type EvalMention, type EvalTagger, type RankedTag } from './reference-taggers.js';
import { runTagger, scoreRun, type RankedRun } from './run.js';
import { foldForScoring } from './fold.js';
import type { ArticleScore, Metrics } from './score.js';
import { createWasimEvalTagger, NO_CUT } from './wasim-tagger.js';

export type TaggerName = 'substring' | 'wholeword' | 'wasim';
/** Side-by-side order: the old method, the strict baseline, then wasim. */
export const ALL_TAGGERS: readonly TaggerName[] = ['substring', 'wholeword', 'wasim'];

export interface EvaluateOptions {
  gold: GoldSet;
  articles: readonly ArticleRecord[];
  articlesSource?: string;
  /** The vocabulary's entries: what the reference taggers match. */
  entries?: readonly VocabEntry[];
  /** wasim's compiled vocabulary; compiled from `entries` without hints when absent. */
  compiled?: CompiledVocabulary;
  taggers: readonly TaggerName[];
  /** wasim's cut; fields left undefined use the tagger's defaults. */
  wasimCut?: TagOptions;
  optimize?: boolean;
  /** With optimize: also search one threshold per tag type. */
  optimizePerType?: boolean;
  /** With optimize: the precision a cut must reach to compete on F1. */
  optimizeMinPrecision?: number;
  errors?: boolean;
  /** A newsroom's adaptation for wasim (`--adaptation`). */
  adaptation?: AdaptationModel;
}

export interface ErrorTag {
  tag: string;
  score?: number;
  mentions: EvalMention[];
}

export interface MissedEntityReport {
  entity: string;
  tags: string[];
  /** Where the tagger ranked the entity before its cut (wasim only): why it was missed. */
  belowCut?: { tag: string; rank: number; score?: number };
}

export interface ArticleErrors {
  id: string;
  title: string;
  falsePositives: ErrorTag[];
  missedMust: MissedEntityReport[];
}

export interface TaggerRow {
  /** Row label, e.g. "wasim" or "wasim (optimised)". */
  label: string;
  tagger: TaggerName;
  cut?: Cut | TagOptions;
  metrics: Metrics;
  errors?: ArticleErrors[];
}

export interface EvaluationReport {
  scored: number;
  goldWithoutArticle: string[];
  articlesWithoutGold: string[];
  warnings: string[];
  rows: TaggerRow[];
  optimized?: OptimizeResult;
}

function errorsOf(
  alignment: Alignment,
  run: RankedRun,
  perArticle: readonly ArticleScore[],
  uncut?: RankedRun,
): ArticleErrors[] {
  const titles = new Map(alignment.pairs.map((p) => [p.article.id, p.article.title]));
  return perArticle
    .map((s) => {
      const ranked = run.get(s.id) ?? [];
      const byTag = new Map<string, RankedTag>();
      for (const t of ranked) if (!byTag.has(t.tag)) byTag.set(t.tag, t);
      const falsePositives = s.falsePositives.map((tag) => {
        const t = byTag.get(tag);
        return { tag, ...(t?.score !== undefined ? { score: t.score } : {}), mentions: t?.mentions ?? [] };
      });
      const uncutList = uncut?.get(s.id) ?? [];
      const missedMust = s.missedMust.map((m) => {
        const keys = new Set(m.tags.map(foldForScoring));
        const rank = uncutList.findIndex((t) => keys.has(foldForScoring(t.tag)));
        const report: MissedEntityReport = { entity: m.entity, tags: m.tags };
        if (rank >= 0) {
          const t = uncutList[rank]!;
          report.belowCut = { tag: t.tag, rank: rank + 1, ...(t.score !== undefined ? { score: t.score } : {}) };
        }
        return report;
      });
      return { id: s.id, title: titles.get(s.id) ?? '', falsePositives, missedMust };
    })
    .filter((a) => a.falsePositives.length > 0 || a.missedMust.length > 0);
}

export function evaluate(options: EvaluateOptions): EvaluationReport {
  const source = options.articlesSource ?? 'articles';
  const alignment = alignGold(options.gold, options.articles, source);
  const rows: TaggerRow[] = [];
  let optimized: OptimizeResult | undefined;
  const gold = alignment.pairs.map((p) => p.gold);

  let compiled = options.compiled;
  for (const name of options.taggers) {
    if (name !== 'wasim') {
      if (!options.entries) {
        throw WasimError.of('USAGE', 'taggerNeedsEntries', { tagger: name });
      }
      const tagger: EvalTagger = createReferenceTagger(name, options.entries);
      const run = runTagger(tagger, alignment, source);
      const report = scoreRun(alignment, run);
      rows.push({
        label: name,
        tagger: name,
        metrics: report.metrics,
        ...(options.errors ? { errors: errorsOf(alignment, run, report.perArticle) } : {}),
      });
      continue;
    }
    if (!compiled) {
      if (!options.entries) throw WasimError.of('USAGE', 'wasimNeedsVocabulary', {});
      compiled = compileVocabulary(options.entries);
    }
    const cut = options.wasimCut ?? {};
    const run = runTagger(createWasimEvalTagger(compiled, cut, options.adaptation), alignment, source);
    const report = scoreRun(alignment, run);
    // The uncut run explains misses (ranked below the cut) and feeds the optimiser.
    const needUncut = options.errors || options.optimize;
    const uncut = needUncut ? runTagger(createWasimEvalTagger(compiled, NO_CUT, options.adaptation), alignment, source) : undefined;
    rows.push({
      label: 'wasim',
      tagger: 'wasim',
      cut: { ...cut },
      metrics: report.metrics,
      ...(options.errors ? { errors: errorsOf(alignment, run, report.perArticle, uncut) } : {}),
    });
    if (options.optimize && uncut) {
      optimized = optimizeCut(gold, uncut, { perType: options.optimizePerType ?? false, ...(options.optimizeMinPrecision !== undefined ? { minPrecision: options.optimizeMinPrecision } : {}) });
      rows.push({ label: 'wasim (no cut)', tagger: 'wasim', cut: { top: Infinity, minScore: 0 }, metrics: optimized.uncut });
      const optimisedRun = applyCutToRun(uncut, optimized.cut);
      rows.push({
        label: 'wasim (optimised)',
        tagger: 'wasim',
        cut: optimized.cut,
        // Re-scored with the rounded thresholds that are reported, not the raw candidates.
        metrics: scoreRun(alignment, optimisedRun).metrics,
      });
    }
  }

  return {
    scored: alignment.pairs.length,
    goldWithoutArticle: alignment.goldWithoutArticle,
    articlesWithoutGold: alignment.articlesWithoutGold,
    warnings: alignment.warnings,
    rows,
    ...(optimized ? { optimized } : {}),
  };
}

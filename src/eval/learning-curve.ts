/**
 * The learning curve: a gold set read as one editor's decisions, in date order. wasim learns
 * from the first k articles and is scored on articles it never learned from, for several k, in
 * two designs:
 * - held-out: the set's later half (by date) is kept aside and always scored; wasim learns from
 *   the first k of the earlier half. The same articles are scored at every k, so the numbers
 *   compare, and none of them was ever learned from;
 * - rest: wasim learns from the first k articles and is scored on all the others (fewer as k grows).
 * Besides date order, the learned articles are taken in a few seeded random orders: the spread
 * says how much of a difference is the order rather than the learning. Pure given loaded inputs.
 */
import { learnAdaptation, type AdaptationModel, type LearnOptions, type Tagger } from '../core/index.js';
import type { ArticleRecord, GoldArticle } from './gold.js';
import { decisionsFromGold } from './learn-gold.js';
import { addCounts, metricsOf, scoreArticle, zeroCounts, type Metrics } from './score.js';
import { seededRandom } from '../node/random.js';

export type Pair = { gold: GoldArticle; article: ArticleRecord };

export interface CurveSet {
  name: string;
  /** Judged articles in date order. */
  pairs: Pair[];
  /** The shipped model. */
  tagger: Tagger;
  /** A tagger of the same vocabulary with an adaptation. */
  adapted(model: AdaptationModel): Tagger;
}

export interface CurvePoint {
  k: number;
  /** k as asked, when fewer articles were there to learn from. */
  asked: number;
  scored: number;
  /** Date order. */
  date: Metrics;
  /** Mean and standard deviation over date order and the random orders. */
  mean: { precision: number; mustRecall: number; f1: number };
  sd: { precision: number; mustRecall: number; f1: number };
  /** The shipped model on the same articles (mean over the orders): what learning is compared with. */
  shipped: { precision: number; mustRecall: number; f1: number };
}

export interface CurveOptions {
  ks: readonly number[];
  /** Random orders besides date order. */
  orders: number;
  learn?: LearnOptions;
}


export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Articles by date (the SaudiNewsNet ids carry it: snn:YYYY-MM-DD:n), then by their number that day. */
export function dateOrder(pairs: readonly Pair[]): Pair[] {
  const key = (id: string): [string, number] => {
    const m = /^snn:(\d{4}-\d{2}-\d{2}):(\d+)$/.exec(id);
    return m ? [m[1]!, Number(m[2])] : [id, 0];
  };
  return [...pairs].sort((a, b) => {
    const [da, na] = key(a.gold.id);
    const [db, nb] = key(b.gold.id);
    return da < db ? -1 : da > db ? 1 : na - nb;
  });
}

function scoreWith(tagger: Tagger, pairs: readonly Pair[]): Metrics {
  const total = zeroCounts();
  for (const { gold, article } of pairs) addCounts(total, scoreArticle(gold, tagger.tag({ title: article.title, body: article.body }).map((t) => t.tag)).counts);
  return metricsOf(total);
}

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, sd };
}

function summarise(k: number, asked: number, runs: { adapted: Metrics; shipped: Metrics }[]): CurvePoint {
  const of = (pick: (m: Metrics) => number, which: 'adapted' | 'shipped') => stats(runs.map((r) => pick(r[which])));
  const p = of((m) => m.precision, 'adapted');
  const r = of((m) => m.mustRecall, 'adapted');
  const f = of((m) => m.f1, 'adapted');
  return {
    k,
    asked,
    scored: runs[0]!.adapted.articles,
    date: runs[0]!.adapted,
    mean: { precision: p.mean, mustRecall: r.mean, f1: f.mean },
    sd: { precision: p.sd, mustRecall: r.sd, f1: f.sd },
    shipped: { precision: of((m) => m.precision, 'shipped').mean, mustRecall: of((m) => m.mustRecall, 'shipped').mean, f1: of((m) => m.f1, 'shipped').mean },
  };
}

export function learningCurve(set: CurveSet, options: CurveOptions): { heldOut: CurvePoint[]; rest: CurvePoint[]; pool: number; heldOutSize: number } {
  const pairs = dateOrder(set.pairs);
  // Decisions once per article: what the editor would have said, shown the shipped model's tags.
  const decisions = new Map(decisionsFromGold(set.tagger, pairs).decisions.map((d) => [d.id, d]));
  const learnFrom = (list: readonly Pair[]): Tagger => (list.length === 0 ? set.tagger : set.adapted(learnAdaptation(set.tagger, list.map((p) => decisions.get(p.gold.id)!), options.learn)));
  const orders = (list: readonly Pair[]): Pair[][] => [list as Pair[], ...Array.from({ length: options.orders }, (_, i) => shuffled(list, i + 1))];

  const half = Math.ceil(pairs.length / 2);
  const pool = pairs.slice(0, half);
  const heldOut = pairs.slice(half);
  const heldOutPoints: CurvePoint[] = [];
  const seen = new Set<number>();
  for (const asked of options.ks) {
    const k = Math.min(asked, pool.length);
    if (seen.has(k)) continue;
    seen.add(k);
    const shipped = scoreWith(set.tagger, heldOut);
    heldOutPoints.push(summarise(k, asked, orders(pool).map((order) => ({ adapted: scoreWith(learnFrom(order.slice(0, k)), heldOut), shipped }))));
  }
  const restPoints: CurvePoint[] = [];
  for (const k of options.ks) {
    if (k >= pairs.length) continue;
    restPoints.push(summarise(k, k, orders(pairs).map((order) => ({ adapted: scoreWith(learnFrom(order.slice(0, k)), order.slice(k)), shipped: scoreWith(set.tagger, order.slice(k)) }))));
  }
  return { heldOut: heldOutPoints, rest: restPoints, pool: pool.length, heldOutSize: heldOut.length };
}

/**
 * Learning a newsroom's adaptation (src/core/adapt.ts) from its editors' decisions. Pure: the
 * callers (the `wasim learn` command, the service's background refit) read the decisions and
 * hand them over; the same decisions make the same model, byte for byte.
 *
 * Two steps, so that the service can spread the work and keep what it has seen:
 * 1. `observe` tags a decided article with the shipped model and records every candidate — its
 *    features, the forms it matched, whether it was shown (above the cut) and what the editor
 *    said of it (kept/added, rejected, nothing);
 * 2. `fitAdaptation` turns observations into a model:
 *    - per tag and per tag × form: kept and rejected counts with the global model's probability
 *      summed over them (the Beta prior's centre, see adapt.ts);
 *    - once at least `minDecisions` articles and `minExamples` judged candidates exist: the
 *      ranker's weights, by L2-regularised logistic regression pulled toward the shipped weights,
 *      signs kept, each weight moving at most `maxWeightStep` from the previous model per refit
 *      and `maxWeightShift` from the shipped one in all, and the scores' logits by at most
 *      `maxMeanShift` on average per refit; and the cut, chosen for F1 on the
 *      decisions with each decision's own evidence left out of the tag priors (so the cut is not
 *      chosen on what it was fitted to), moving at most `maxCutStep` per refit;
 *    - "always also tag" pairs: a tag editors add in most articles where they keep another.
 * A decision is learned once: observations are keyed by decision id, a later one replacing it.
 */
import { emptyAdaptation, FEATURE_NAMES, logistic, shiftOf, tagIndex, type AcceptanceCounts, type AdaptationModel, type FormAdaptation, type PairProposal, type TagAdaptation } from './adapt.js';
import type { CompiledVocabulary } from './vocabulary/compile.js';
import { WasimError, type TemplateName, type TemplateParams } from './errors.js';
import { foldKey, keyOfLight } from './fold.js';
import { DEFAULT_CUT, type Tagger } from './pipeline.js';
import { WEIGHTS, type FeatureName } from './features.js';

/** One article's decisions, as `wasim learn --decisions` reads them (one per line). */
export interface Decision {
  id: string;
  title: string;
  body: string;
  /** Suggested tags the editor kept. */
  accepted: string[];
  rejected: string[];
  /** Tags the editor added. */
  added: string[];
  /** Where the decision came from, for messages (file:line). */
  where?: string;
}

export interface ObservedCandidate {
  /** The tag's entity, named by its first named tag: twins share it. */
  id: string;
  label: string;
  /** The shipped model's score. */
  score: number;
  /** Feature values in FEATURE_NAMES order. */
  features: number[];
  forms: { key: string; text: string }[];
  /** Above the cut the editor saw. */
  shown: boolean;
  /** 1 kept or added, 0 rejected, -1 no decision. */
  y: 1 | 0 | -1;
}

export interface Observation {
  id: string;
  /** A stamp from the decisions' source (the service's log id): resets forget evidence up to a stamp. */
  seq: number;
  /** Candidates with at least one usable mention. */
  candidates: ObservedCandidate[];
  /** Entities kept or added (their ids as candidates have them), found by the tagger or not. */
  kept: string[];
  /** Of those, the ones the editor had to add: not shown. */
  added: string[];
  /** Labels of the kept entities the tagger found nowhere (by id). */
  unmatched: Record<string, string>;
}

export interface ObserveOptions {
  /** The cut the editor saw (default: the shipped cut). */
  cut?: { top: number; minScore: number };
  seq?: number;
}

/** What the tagger's vocabulary resolves a decision's tag to: by id, then by label folded. */
export interface TagResolver {
  resolve(ref: string): number | undefined;
}

export function tagResolver(cv: CompiledVocabulary): TagResolver {
  let index: ReturnType<typeof tagIndex> | undefined;
  let aliases: Map<string, number> | undefined;
  return {
    resolve(ref: string): number | undefined {
      index ??= tagIndex(cv);
      const key = foldKey(ref);
      const found = index.byId.get(ref) ?? index.byKey.get(key);
      if (found !== undefined) return found;
      // Else an alias («حركة حماس» for حماس): the vocabulary's other names, read once on demand.
      if (aliases === undefined) {
        aliases = new Map();
        for (let p = 0; p < cv.patterns.length; p++) {
          const pattern = cv.patterns.get(p);
          if (pattern.nisba) continue;
          const k = pattern.lights.map(keyOfLight).join(' ');
          if (!aliases.has(k)) aliases.set(k, pattern.tag);
        }
      }
      return aliases.get(key);
    },
  };
}

/** The id and label an entity is learned under: its first tag not named by a nisba. */
function entityName(cv: CompiledVocabulary, tag: number): { id: string; label: string } {
  const t = cv.tagTable;
  const e = t.entityOf[tag]!;
  const named = t.namedOfEntity[e]!;
  const chosen = cv.tags.get(named >= 0 ? named : t.firstOfEntity[e]!);
  return { id: chosen.id, label: chosen.label };
}

/** The id a tag is learned under (its entity's), for a tag index; undefined for none. */
export function learnedId(cv: CompiledVocabulary, index: number | undefined): string | undefined {
  return index === undefined ? undefined : entityName(cv, index).id;
}

/** Tags an article with the shipped model and records what the editor said of each candidate. */
export function observe(tagger: Tagger, decision: Decision, resolver: TagResolver = tagResolver(tagger.vocabulary), options: ObserveOptions = {}): Observation {
  const cv = tagger.vocabulary;
  const where = decision.where ?? { en: `decision "${decision.id}"`, ar: `القرار «${decision.id}»` };
  const verdict = new Map<string, 1 | 0>();
  const labels = new Map<string, string>();
  const lists: [keyof Pick<Decision, 'accepted' | 'added' | 'rejected'>, 1 | 0][] = [['accepted', 1], ['added', 1], ['rejected', 0]];
  for (const [list, y] of lists) {
    for (const ref of decision[list]) {
      const index = resolver.resolve(ref);
      if (index === undefined) throw WasimError.of('BAD_DECISIONS', 'unknownTag', { where, ref, list });
      const { id, label } = entityName(cv, index);
      const before = verdict.get(id);
      if (before !== undefined && before !== y) throw WasimError.of('BAD_DECISIONS', 'keptAndRejected', { where, ref });
      verdict.set(id, y);
      labels.set(id, label);
    }
  }
  const cut = options.cut ?? DEFAULT_CUT;
  const candidates: ObservedCandidate[] = [];
  const shownIds = new Set<string>();
  const found = new Set<string>();
  tagger.candidates({ title: decision.title, body: decision.body }).forEach((c, rank) => {
    const { id, label } = entityName(cv, c.tag);
    if (found.has(id)) return;
    found.add(id);
    const shown = rank < cut.top && c.score >= cut.minScore;
    if (shown) shownIds.add(id);
    // No usable mention: the score is 0 whatever is learned.
    if (c.score <= 0) return;
    candidates.push({ id, label, score: c.score, features: FEATURE_NAMES.map((n) => c.features[n] ?? 0), forms: c.forms, shown, y: verdict.get(id) ?? -1 });
  });
  const kept = [...verdict].filter(([, y]) => y === 1).map(([id]) => id).sort();
  const unmatched: Record<string, string> = {};
  for (const id of kept) if (!found.has(id)) unmatched[id] = labels.get(id)!;
  return { id: decision.id, seq: options.seq ?? 0, candidates, kept, added: kept.filter((id) => !shownIds.has(id)), unmatched };
}

/** What fitting needs to know of the vocabulary: for the pairs, each tag's label, key, type and parent. */
export interface VocabularyFacts {
  tag(id: string): { label: string; key: string; type?: string; parent?: string } | undefined;
}

export function vocabularyFacts(cv: CompiledVocabulary): VocabularyFacts {
  let index: ReturnType<typeof tagIndex> | undefined;
  return {
    tag(id) {
      index ??= tagIndex(cv);
      const i = index.byId.get(id);
      if (i === undefined) return undefined;
      const t = cv.tags.get(i);
      return { label: t.label, key: t.key, ...(t.type ? { type: t.type } : {}), ...(t.parent !== undefined ? { parent: t.parent } : {}) };
    },
  };
}

/** The facts of the tags observations name (kept or added), as plain data: what a worker thread is given. */
export function factsOfObservations(cv: CompiledVocabulary, observations: Iterable<Observation>): Record<string, NonNullable<ReturnType<VocabularyFacts['tag']>>> {
  const facts = vocabularyFacts(cv);
  const out: Record<string, NonNullable<ReturnType<VocabularyFacts['tag']>>> = {};
  for (const o of observations) {
    for (const id of [...o.kept, ...o.added]) {
      if (id in out) continue;
      const f = facts.tag(id);
      if (f) out[id] = f;
    }
  }
  return out;
}

export function factsFrom(record: Record<string, NonNullable<ReturnType<VocabularyFacts['tag']>>>): VocabularyFacts {
  return { tag: (id) => record[id] };
}

/** Evidence forgotten: each item's decisions up to a stamp (Observation.seq) no longer count. */
export interface Resets {
  all?: number;
  /** By tag (entity) id. */
  tags?: Record<string, number>;
  /** By `${tagId}\u001f${formKey}`. */
  forms?: Record<string, number>;
  weights?: number;
  cut?: number;
}

export const FORM_SEPARATOR = '\u001f';

export interface LearnOptions {
  /** Weight of the global model in the Beta prior, in decisions. */
  pseudoCount?: number;
  /** The model this refit follows: weights and cut move at most a step from it. */
  previous?: AdaptationModel;
  resets?: Resets;
  /** Articles with decisions needed before weights and cut are refitted. */
  minDecisions?: number;
  /** Judged candidates needed before weights and cut are refitted. */
  minExamples?: number;
  /** Pull toward the shipped weights, in examples. */
  lambda?: number;
  maxWeightStep?: number;
  maxWeightShift?: number;
  /** What a refit may change the score's logit by, on average over the judged candidates. */
  maxMeanShift?: number;
  /** Candidates the weights are fitted on at most (an even sample beyond). */
  maxExamples?: number;
  maxCutStep?: number;
  maxCutShift?: number;
  /** The shipped cut (the one refits are pulled back to). */
  cut?: { top: number; minScore: number };
  /** A candidate below the cut the editor did not add counts this much as a rejection in the refits. */
  implicitWeight?: number;
  minPairTogether?: number;
  minPairShare?: number;
  maxPairs?: number;
}

type Settings = Required<Omit<LearnOptions, 'previous' | 'resets' | 'cut'>>;

export const LEARN_DEFAULTS: Readonly<Settings> = {
  // A strong tag (0.9) must survive one rejection and fall below the shipped cut (0.42) after
  // ten: true for pseudo-counts from 0.9 to 8.7; 3 is near the middle of that range (geometric).
  pseudoCount: 3,
  minDecisions: 30,
  minExamples: 300,
  lambda: 50,
  maxWeightStep: 0.25,
  maxWeightShift: 1,
  maxMeanShift: 0.25,
  maxExamples: 20_000,
  maxCutStep: 0.04,
  maxCutShift: 0.12,
  implicitWeight: 0.5,
  minPairTogether: 3,
  minPairShare: 0.7,
  maxPairs: 50,
};

const SHIPPED = FEATURE_NAMES.map((n) => WEIGHTS[n]);

function definedOnly(options: LearnOptions): Partial<Settings> {
  return Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'previous' && k !== 'resets' && k !== 'cut')) as Partial<Settings>;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Example {
  x: number[];
  y: number;
  c: number;
}

/**
 * L2-regularised logistic regression toward the shipped weights, by coordinate descent within
 * per-weight bounds (each coordinate's Newton step, clipped): convex, deterministic, and a few
 * passes over the examples per weight.
 */
function fitWeights(examples: readonly Example[], start: readonly number[], lo: readonly number[], hi: readonly number[], lambda: number): number[] {
  const w = start.map((v, k) => Math.min(hi[k]!, Math.max(lo[k]!, v)));
  const z = examples.map((e) => e.x.reduce((s, v, k) => s + v * w[k]!, 0));
  for (let pass = 0; pass < 100; pass++) {
    let moved = 0;
    for (let k = 0; k < w.length; k++) {
      if (lo[k] === hi[k]) continue;
      let g = lambda * (w[k]! - SHIPPED[k]!);
      let h = lambda;
      for (let i = 0; i < examples.length; i++) {
        const e = examples[i]!;
        const v = e.x[k]!;
        if (v === 0) continue;
        const p = logistic(z[i]!);
        g += e.c * (p - e.y) * v;
        h += e.c * p * (1 - p) * v * v;
      }
      const next = Math.min(hi[k]!, Math.max(lo[k]!, w[k]! - g / h));
      const d = next - w[k]!;
      if (d === 0) continue;
      for (let i = 0; i < examples.length; i++) z[i]! += d * examples[i]!.x[k]!;
      w[k] = next;
      moved = Math.max(moved, Math.abs(d));
    }
    // Weights are kept to six decimals: moving less than that changes nothing stored.
    if (moved < 1e-7) break;
  }
  return w;
}

/**
 * Each weight moving within its bounds can still add up to a large change of every score: the
 * step from the previous weights is scaled down until the logit moves at most `maxMean` on
 * average over the examples, so one refit changes what is suggested by a bounded amount.
 */
function boundedStep(examples: readonly Example[], previous: readonly number[], fitted: readonly number[], maxMean: number): number[] {
  if (examples.length === 0) return [...previous];
  let total = 0;
  let weight = 0;
  for (const e of examples) {
    let dz = 0;
    for (let k = 0; k < fitted.length; k++) dz += (fitted[k]! - previous[k]!) * e.x[k]!;
    total += e.c * Math.abs(dz);
    weight += e.c;
  }
  const mean = total / weight;
  if (mean <= maxMean) return [...fitted];
  const scale = maxMean / mean;
  return fitted.map((w, k) => previous[k]! + (w - previous[k]!) * scale);
}

function emptyCounts(): AcceptanceCounts {
  return { accepted: 0, rejected: 0, prior: 0 };
}

/** Turns observations into a model; observations with the same id count once (the last given). */
export function fitAdaptation(vocabulary: CompiledVocabulary | VocabularyFacts, observations: Iterable<Observation>, options: LearnOptions = {}): AdaptationModel {
  const facts = 'patterns' in vocabulary ? vocabularyFacts(vocabulary) : vocabulary;
  const o: Settings = { ...LEARN_DEFAULTS, ...definedOnly(options) };
  const baseCut = options.cut ?? DEFAULT_CUT;
  const resets = options.resets ?? {};
  const byId = new Map<string, Observation>();
  for (const ob of observations) byId.set(ob.id, ob);
  const all = [...byId.values()].filter((ob) => !(resets.all !== undefined && ob.seq <= resets.all)).sort((a, b) => compareIds(a.id, b.id));
  const model = emptyAdaptation(o.pseudoCount);
  model.decisions = all.length;

  // ---- weights
  const examples: Example[] = [];
  let judgedDecisions = 0;
  let judged = 0;
  for (const ob of all) {
    if (resets.weights !== undefined && ob.seq <= resets.weights) continue;
    let any = false;
    for (const c of ob.candidates) {
      if (c.y >= 0) {
        examples.push({ x: c.features, y: c.y, c: 1 });
        judged++;
        any = true;
      } else if (!c.shown) examples.push({ x: c.features, y: 0, c: o.implicitWeight });
    }
    if (any) judgedDecisions++;
  }
  const enough = judgedDecisions >= o.minDecisions && judged >= o.minExamples;
  // A newsroom's year of decisions is millions of candidates: the weights are fitted on an even
  // sample of them (every n-th, in decision-id order), which bounds a refit's time.
  const sample = examples.length > o.maxExamples ? examples.filter((_, i) => i % Math.ceil(examples.length / o.maxExamples) === 0) : examples;
  const previousWeights = options.previous?.weights ? FEATURE_NAMES.map((n) => options.previous!.weights![n]) : SHIPPED;
  let weights = SHIPPED;
  if (enough) {
    const lo: number[] = [];
    const hi: number[] = [];
    FEATURE_NAMES.forEach((name, k) => {
      const ship = SHIPPED[k]!;
      let l = Math.max(previousWeights[k]! - o.maxWeightStep, ship - o.maxWeightShift);
      let h = Math.min(previousWeights[k]! + o.maxWeightStep, ship + o.maxWeightShift);
      // Evidence keeps its direction (a feature meant to raise a score never lowers it), and a
      // feature the shipped model gives no weight stays without: the bias alone is free.
      if (name !== 'bias') {
        if (ship > 0) l = Math.max(l, 0);
        else if (ship < 0) h = Math.min(h, 0);
        else l = h = 0;
      }
      lo.push(l);
      hi.push(Math.max(l, h));
    });
    weights = boundedStep(sample, previousWeights, fitWeights(sample, previousWeights, lo, hi, o.lambda), o.maxMeanShift).map(round6);
    model.weights = Object.fromEntries(FEATURE_NAMES.map((n, k) => [n, weights[k]!])) as Record<FeatureName, number>;
  } else if (options.previous?.weights) {
    // Not enough new evidence to refit: the previous refit stands.
    weights = previousWeights;
    model.weights = { ...options.previous.weights };
  }
  const probability = (c: ObservedCandidate): number => logistic(c.features.reduce((s, v, k) => s + v * weights[k]!, 0));

  // ---- tag and form priors
  const tags = new Map<string, TagAdaptation>();
  for (const ob of all) {
    for (const c of ob.candidates) {
      if (c.y < 0) continue;
      if (resets.tags?.[c.id] !== undefined && ob.seq <= resets.tags[c.id]!) continue;
      const p = probability(c);
      let t = tags.get(c.id);
      if (t === undefined) tags.set(c.id, (t = { label: c.label, ...emptyCounts(), forms: {} }));
      t.accepted += c.y;
      t.rejected += 1 - c.y;
      t.prior += p;
      for (const f of c.forms) {
        const stamp = resets.forms?.[`${c.id}${FORM_SEPARATOR}${f.key}`];
        if (stamp !== undefined && ob.seq <= stamp) continue;
        const form: FormAdaptation = (t.forms[f.key] ??= { accepted: 0, rejected: 0, prior: 0, text: f.text });
        form.accepted += c.y;
        form.rejected += 1 - c.y;
        form.prior += p;
      }
    }
  }
  for (const id of [...tags.keys()].sort(compareIds)) {
    const t = tags.get(id)!;
    const forms: Record<string, FormAdaptation> = {};
    for (const key of Object.keys(t.forms).sort(compareIds)) {
      const f = t.forms[key]!;
      forms[key] = { accepted: f.accepted, rejected: f.rejected, prior: round6(f.prior), text: f.text };
    }
    model.tags[id] = { label: t.label, accepted: t.accepted, rejected: t.rejected, prior: round6(t.prior), forms };
  }

  // ---- the cut
  const previousCut = options.previous?.cut?.minScore ?? baseCut.minScore;
  if (enough) {
    const chosen = chooseCut(all, model, probability, baseCut, previousCut, o, resets.cut);
    if (chosen !== baseCut.minScore) model.cut = { minScore: chosen };
  } else if (options.previous?.cut) model.cut = { ...options.previous.cut };

  model.pairs = pairsOf(facts, all, o);
  return model;
}

/** The adapted score of a candidate with its own decision left out of the priors (as adaptGroup scores it). */
function heldOutScore(model: AdaptationModel, c: ObservedCandidate, p: number): number {
  const t = model.tags[c.id];
  if (t === undefined) return p;
  const own = c.y >= 0 ? { accepted: c.y, rejected: 1 - c.y, prior: p } : emptyCounts();
  const minus = (x: AcceptanceCounts): AcceptanceCounts => {
    const left = { accepted: x.accepted - own.accepted, rejected: x.rejected - own.rejected, prior: x.prior - own.prior };
    // Its own decision was not counted (a reset forgot it): nothing to leave out.
    return left.accepted < 0 || left.rejected < 0 || left.prior < -1e-6 ? x : left;
  };
  let best = -Infinity;
  for (const f of c.forms) {
    const counts = t.forms[f.key];
    if (counts === undefined) continue;
    const left = minus(counts);
    if (left.accepted + left.rejected <= 0) continue;
    best = Math.max(best, shiftOf(left, model.pseudoCount));
  }
  if (best === -Infinity) {
    const left = minus(t);
    best = left.accepted + left.rejected > 0 ? shiftOf(left, model.pseudoCount) : 0;
  }
  return logistic(Math.log(p / (1 - p)) + best);
}

function chooseCut(all: readonly Observation[], model: AdaptationModel, probability: (c: ObservedCandidate) => number, baseCut: { top: number; minScore: number }, previous: number, o: Settings, resetStamp: number | undefined): number {
  const lists: { scores: { s: number; good: number; bad: number }[]; positives: number }[] = [];
  for (const ob of all) {
    if (resetStamp !== undefined && ob.seq <= resetStamp) continue;
    const scores = ob.candidates.map((c) => {
      const s = Math.round(heldOutScore(model, c, Math.min(1 - 1e-6, Math.max(1e-6, probability(c)))) * 1000) / 1000;
      // Judged, or below the cut and not added (not wanted); shown and left alone: unknown.
      return { s, good: c.y === 1 ? 1 : 0, bad: c.y === 0 || (c.y === -1 && !c.shown) ? 1 : 0 };
    });
    scores.sort((a, b) => b.s - a.s);
    lists.push({ scores, positives: ob.kept.length });
  }
  const lo = Math.max(previous - o.maxCutStep, baseCut.minScore - o.maxCutShift);
  const hi = Math.min(previous + o.maxCutStep, baseCut.minScore + o.maxCutShift);
  let best = { cut: Math.min(hi, Math.max(lo, previous)), f1: -1 };
  for (let j = Math.ceil(lo * 100 - 1e-9); j <= Math.floor(hi * 100 + 1e-9); j++) {
    const cut = j / 100;
    let good = 0;
    let bad = 0;
    let positives = 0;
    for (const l of lists) {
      positives += l.positives;
      let kept = 0;
      for (const x of l.scores) {
        if (x.s < cut || kept >= baseCut.top) break;
        kept++;
        good += x.good;
        bad += x.bad;
      }
    }
    const precision = good + bad === 0 ? 0 : good / (good + bad);
    const recall = positives === 0 ? 0 : good / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    // Ties (within a rounding of F1) go to the cut nearer the shipped one.
    if (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && Math.abs(cut - baseCut.minScore) < Math.abs(best.cut - baseCut.minScore))) best = { cut, f1 };
  }
  return best.cut;
}

function pairsOf(facts: VocabularyFacts, all: readonly Observation[], o: Settings): PairProposal[] {
  const of = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  const labels = new Map<string, string>();
  for (const ob of all) {
    for (const c of ob.candidates) labels.set(c.id, c.label);
    for (const [id, label] of Object.entries(ob.unmatched)) labels.set(id, label);
    for (const x of ob.kept) {
      of.set(x, (of.get(x) ?? 0) + 1);
      for (const z of ob.added) {
        if (z === x) continue;
        let m = together.get(x);
        if (m === undefined) together.set(x, (m = new Map()));
        m.set(z, (m.get(z) ?? 0) + 1);
      }
    }
  }
  const tagOf = (id: string) => facts.tag(id);
  const pairs: PairProposal[] = [];
  for (const [from, m] of together) {
    const n = of.get(from)!;
    for (const [to, k] of m) {
      if (k < o.minPairTogether || k / n < o.minPairShare) continue;
      const a = tagOf(from);
      const b = tagOf(to);
      // Already the vocabulary's parent: nothing to propose.
      if (a?.parent !== undefined && b !== undefined && (a.parent === to || foldKey(a.parent) === b.key)) continue;
      pairs.push({ from, fromLabel: labels.get(from) ?? a?.label ?? from, to, toLabel: labels.get(to) ?? b?.label ?? to, together: k, of: n, kind: a?.type === 'place' && b?.type === 'place' ? 'parent' : 'rule' });
    }
  }
  pairs.sort((x, y) => y.together - x.together || y.together / y.of - x.together / x.of || compareIds(x.from, y.from) || compareIds(x.to, y.to));
  return pairs.slice(0, o.maxPairs);
}

/** Both steps at once: what `wasim learn` does. */
export function learnAdaptation(tagger: Tagger, decisions: Iterable<Decision>, options: LearnOptions & ObserveOptions = {}): AdaptationModel {
  const resolver = tagResolver(tagger.vocabulary);
  const observations: Observation[] = [];
  for (const d of decisions) observations.push(observe(tagger, d, resolver, options));
  return fitAdaptation(tagger.vocabulary, observations, options);
}

// ---- reading a decisions file

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads decisions, one JSON object per line: {"id","title","body","accepted":[…],"rejected":[…],"added":[…]}.
 * Blank lines are skipped; a broken line, a missing field or an empty file is an error naming the line.
 * An id given twice is one decision, the later line (a correction) replacing the earlier.
 */
export function parseDecisions(text: string, source: string): { decisions: Decision[]; repeated: number } {
  const byId = new Map<string, Decision>();
  let repeated = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw WasimError.of('BAD_JSON', 'line', { where, reason: e instanceof Error ? e.message : String(e) }, { file: source, line: i + 1 });
    }
    const fail = <N extends TemplateName<'BAD_DECISIONS'>>(template: N, params: Omit<TemplateParams<'BAD_DECISIONS', N>, 'where'>): never => {
      throw WasimError.of('BAD_DECISIONS', template, { ...params, where } as TemplateParams<'BAD_DECISIONS', N>, { file: source, line: i + 1 });
    };
    if (!isObject(value)) fail('notObject', {});
    const obj = value as Record<string, unknown>;
    const id = typeof obj.id === 'string' && obj.id.trim() !== '' ? obj.id : typeof obj.id === 'number' && Number.isInteger(obj.id) ? String(obj.id) : fail(obj.id === undefined ? 'missingId' : 'badId', {});
    for (const f of ['title', 'body'] as const) if (obj[f] !== undefined && obj[f] !== null && typeof obj[f] !== 'string') fail('fieldNotString', { field: f });
    const title = (obj.title as string | undefined) ?? '';
    const body = (obj.body as string | undefined) ?? '';
    if (title.trim() === '' && body.trim() === '') fail('noText', {});
    const list = (name: 'accepted' | 'rejected' | 'added'): string[] => {
      const v = obj[name];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((t) => typeof t !== 'string' || t.trim() === '')) return fail('notTagList', { field: name });
      return v as string[];
    };
    const d: Decision = { id, title, body, accepted: list('accepted'), rejected: list('rejected'), added: list('added'), where };
    if (d.accepted.length + d.rejected.length + d.added.length === 0) fail('noDecision', {});
    if (byId.has(id)) repeated++;
    byId.delete(id);
    byId.set(id, d);
  });
  if (byId.size === 0) throw WasimError.of('BAD_DECISIONS', 'emptyFile', { path: source }, { file: source });
  return { decisions: [...byId.values()], repeated };
}

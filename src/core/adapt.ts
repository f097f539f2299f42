/**
 * A newsroom's adaptation: what its editors' decisions taught wasim about its vocabulary, applied
 * in the score stage on top of the shipped model. It is plain, versioned JSON (AdaptationModel),
 * fitted by src/core/learn.ts and given to the tagger as an explicit input (TaggerOptions), so the
 * core stays pure and the same decisions make the same model wherever they are learned.
 *
 * What it holds:
 * - per tag, and per tag × the form that matched (the vocabulary's words, «الحياة» apart from
 *   «صحيفة الحياة»), how often editors kept and rejected it, with the global model's probability
 *   summed over those decisions. The acceptance rate is smoothed toward the global model by a
 *   Beta prior centred on that probability with `pseudoCount` pseudo-decisions, and applied as a
 *   shift of the score's logit: with the default 3 pseudo-decisions a strong tag (0.9) rejected
 *   once stays above the cut (0.68), rejected ten times it falls well below it (0.21);
 * - optionally, refitted feature weights and cut (only once enough decisions exist, bounded per
 *   refit: see learn.ts);
 * - "always also tag" pairs, proposals for the admin: never applied here.
 */
import type { MatchRef } from './candidates.js';
import type { CompiledVocabulary } from './vocabulary/compile.js';
import { WasimError, type TemplateName, type TemplateParams } from './errors.js';
import { keyOfLight } from './fold.js';
import { FEATURE_NAMES, WEIGHTS, type FeatureName, type FeatureValues } from './features.js';

export const ADAPTATION_FORMAT = 'wasim-adaptation';
export const ADAPTATION_VERSION = 1;

/** Decisions about a tag (or a tag in one form). */
export interface AcceptanceCounts {
  /** Decisions where editors kept or added it. */
  accepted: number;
  /** Decisions where editors rejected it. */
  rejected: number;
  /** The global model's probability summed over those decisions: the prior's centre is prior / (accepted + rejected). */
  prior: number;
}

export interface FormAdaptation extends AcceptanceCounts {
  /** The form as the vocabulary writes it (the key is folded). */
  text: string;
}

export interface TagAdaptation extends AcceptanceCounts {
  label: string;
  /** By folded form. */
  forms: Record<string, FormAdaptation>;
}

/** Editors add `to` in most articles where they keep `from` (a city and its country): for the admin to decide. */
export interface PairProposal {
  from: string;
  fromLabel: string;
  to: string;
  toLabel: string;
  /** Decisions where `to` was added while `from` was kept. */
  together: number;
  /** Decisions where `from` was kept. */
  of: number;
  /** `parent`: both are places, `to` could be `from`'s vocabulary parent; else a rule. */
  kind: 'parent' | 'rule';
}

export interface AdaptationModel {
  format: typeof ADAPTATION_FORMAT;
  version: typeof ADAPTATION_VERSION;
  /** Decisions (articles) learned from. */
  decisions: number;
  /** Weight of the global model in the Beta prior, in decisions. */
  pseudoCount: number;
  /** By tag id, in id order. */
  tags: Record<string, TagAdaptation>;
  /** Every feature's weight, when refitted; absent: the shipped weights. */
  weights?: Record<FeatureName, number>;
  /** The refitted cut, when refitted; absent: the tagger's. */
  cut?: { minScore: number };
  pairs: PairProposal[];
}

export { FEATURE_NAMES };
const SHIPPED = FEATURE_NAMES.map((k) => WEIGHTS[k]);

/** A shift of the logit no amount of evidence goes beyond: keeps scores off 0 and 1 exactly. */
export const MAX_SHIFT = 8;
const EPS = 1e-3;

export function emptyAdaptation(pseudoCount = 3): AdaptationModel {
  return { format: ADAPTATION_FORMAT, version: ADAPTATION_VERSION, decisions: 0, pseudoCount, tags: {}, pairs: [] };
}

export function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

export function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function rounded(p: number): number {
  return Math.round(p * 1000) / 1000;
}

/**
 * The logit shift of a tag (or form) with these decisions: the Beta-smoothed acceptance rate
 * (accepted + κ·p̄) / (n + κ), where p̄ is the global model's mean probability, against p̄.
 * No decisions, no shift.
 */
export function shiftOf(c: AcceptanceCounts, pseudoCount: number): number {
  const n = c.accepted + c.rejected;
  if (n <= 0) return 0;
  const centre = Math.min(1 - EPS, Math.max(EPS, c.prior / n));
  const rate = (c.accepted + pseudoCount * centre) / (n + pseudoCount);
  return Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, logit(rate) - logit(centre)));
}

/** The key of the form a mention matched: the vocabulary's words, folded; a derived nisba or an inflection apart. */
export function formOf(cv: CompiledVocabulary, ref: MatchRef): { key: string; text: string } {
  const p = cv.patterns.get(ref.matches.patterns[ref.index]!);
  const text = p.lights.join(' ');
  let key = p.lights.map(keyOfLight).join(' ');
  const kind = ref.matches.kind(ref.index);
  if ((kind === 'nisba' && !p.nisba) || kind === 'inflected') key += `~${kind}`;
  return { key, text };
}

interface PreparedCounts extends AcceptanceCounts {
  shift: number;
  text?: string;
}

interface PreparedTag {
  id: string;
  label: string;
  counts: PreparedCounts;
  forms: Map<string, PreparedCounts>;
}

/** An adaptation bound to one compiled vocabulary: what the score stage reads, by entity number. */
export interface PreparedAdaptation {
  readonly model: AdaptationModel;
  readonly byEntity: ReadonlyMap<number, PreparedTag>;
  /** Every feature's weight (refitted or shipped), in FEATURE_NAMES order. */
  readonly weights: Float64Array;
  readonly refitWeights: boolean;
  readonly minScore: number | undefined;
  /** The largest logit shift any tag can get: how far below the cut a candidate can still be lifted above it. */
  readonly maxShift: number;
  /** Entities some decisions lift (a positive shift of the tag or of one of its forms). */
  readonly lifted: ReadonlySet<number>;
  /** Learned tags this vocabulary does not have (an entry deleted since). */
  readonly unknownTags: string[];
  /** Form keys by pattern id and kind, filled as articles need them (this object's own cache). */
  readonly formKeys: Map<number, string>;
}

function formKeyOf(a: PreparedAdaptation, cv: CompiledVocabulary, ref: MatchRef): string {
  // The kind's KIND_RANK is below 8.
  const slot = ref.matches.patterns[ref.index]! * 8 + ref.matches.kinds[ref.index]!;
  let key = a.formKeys.get(slot);
  if (key === undefined) {
    key = formOf(cv, ref).key;
    a.formKeys.set(slot, key);
  }
  return key;
}

/** Tag ids of the vocabulary, for lookups by id; labels by folded key. */
export function tagIndex(cv: CompiledVocabulary): { byId: Map<string, number>; byKey: Map<string, number> } {
  const byId = new Map<string, number>();
  const byKey = new Map<string, number>();
  for (let i = 0; i < cv.tags.length; i++) {
    const t = cv.tags.get(i);
    if (!byId.has(t.id)) byId.set(t.id, i);
    if (!byKey.has(t.key)) byKey.set(t.key, i);
  }
  return { byId, byKey };
}

function addCounts(into: AcceptanceCounts, c: AcceptanceCounts): void {
  into.accepted += c.accepted;
  into.rejected += c.rejected;
  into.prior += c.prior;
}

export function prepareAdaptation(cv: CompiledVocabulary, model: AdaptationModel): PreparedAdaptation {
  const { byId } = tagIndex(cv);
  const byEntity = new Map<number, PreparedTag>();
  const unknownTags: string[] = [];
  const k = model.pseudoCount;
  let maxShift = 0;
  for (const [id, t] of Object.entries(model.tags)) {
    const index = byId.get(id);
    if (index === undefined) {
      unknownTags.push(id);
      continue;
    }
    // Twins (مفاوضات / المفاوضات) are one entity and are scored as one group: their decisions add up.
    const entity = cv.tagTable.entityOf[index]!;
    let p = byEntity.get(entity);
    if (p === undefined) byEntity.set(entity, (p = { id, label: t.label, counts: { accepted: 0, rejected: 0, prior: 0, shift: 0 }, forms: new Map() }));
    addCounts(p.counts, t);
    for (const [key, f] of Object.entries(t.forms)) {
      let pf = p.forms.get(key);
      if (pf === undefined) p.forms.set(key, (pf = { accepted: 0, rejected: 0, prior: 0, shift: 0, text: f.text }));
      addCounts(pf, f);
    }
  }
  const lifted = new Set<number>();
  for (const [entity, p] of byEntity) {
    p.counts.shift = shiftOf(p.counts, k);
    let most = p.counts.shift;
    for (const f of p.forms.values()) {
      f.shift = shiftOf(f, k);
      most = Math.max(most, f.shift);
    }
    if (most > 0) lifted.add(entity);
    maxShift = Math.max(maxShift, most);
  }
  const weights = Float64Array.from(model.weights ? FEATURE_NAMES.map((n) => model.weights![n]) : SHIPPED);
  return { model, byEntity, weights, refitWeights: model.weights !== undefined, minScore: model.cut?.minScore, maxShift, lifted, unknownTags, formKeys: new Map() };
}

/** What the adaptation did to one tag in one article, for the evidence (--explain). */
export interface AdaptationEffect {
  score: number;
  base: number;
  shift: number;
  /** Kept because editors accepted it before in the same form and never rejected it there. */
  kept: boolean;
  en?: string;
  ar?: string;
}

function times(n: number): string {
  if (n === 1) return 'مرة واحدة';
  if (n === 2) return 'مرتين';
  if (n >= 3 && n <= 10) return `${n} مرات`;
  return `${n} مرة`;
}

function describe(c: AcceptanceCounts, shift: number, form: string | undefined): { en: string; ar: string } {
  const n = c.accepted + c.rejected;
  const inForm = form === undefined ? { en: '', ar: '' } : { en: ` in the form «${form}»`, ar: ` بصيغة «${form}»` };
  if (shift < 0) return { en: `editors rejected it ${c.rejected} time${c.rejected === 1 ? '' : 's'} out of ${n}${inForm.en}`, ar: `رفضه المحررون ${times(c.rejected)} من ${n}${inForm.ar}` };
  return { en: `editors kept it ${c.accepted} time${c.accepted === 1 ? '' : 's'} out of ${n}${inForm.en}`, ar: `قبله المحررون ${times(c.accepted)} من ${n}${inForm.ar}` };
}

/**
 * The adapted score of a scored group (its features and mentions as the shipped ranker saw them).
 * The form-level decisions of the forms this article uses come first (the most favourable of
 * them), the tag's as a whole otherwise. `baseCut` and `cut` are the cuts in force without and
 * with the adaptation: a tag editors accepted in this very form and never rejected there is not
 * pushed below the cut by a refit it has no evidence against.
 */
export function adaptGroup(a: PreparedAdaptation, cv: CompiledVocabulary, tag: number, values: FeatureValues, base: number, refs: readonly MatchRef[], baseCut: number, cut: number, explain: boolean): AdaptationEffect {
  if (base <= 0) return { score: base, base, shift: 0, kept: false };
  let z = 0;
  for (let i = 0; i < FEATURE_NAMES.length; i++) z += a.weights[i]! * values[i]!;
  const entry = a.byEntity.get(cv.tagTable.entityOf[tag]!);
  let shift = 0;
  let source: PreparedCounts | undefined;
  let sourceForm: string | undefined;
  let keptForm: string | undefined;
  if (entry !== undefined) {
    let best = -Infinity;
    if (entry.forms.size > 0) {
      for (const r of refs) {
        const key = formKeyOf(a, cv, r);
        const f = entry.forms.get(key);
        if (f === undefined || f.accepted + f.rejected === 0) continue;
        if (f.accepted > 0 && f.rejected === 0) keptForm ??= f.text ?? key;
        if (f.shift > best) {
          best = f.shift;
          source = f;
          sourceForm = f.text ?? key;
        }
      }
    }
    if (source === undefined && entry.counts.accepted + entry.counts.rejected > 0) source = entry.counts;
    shift = source?.shift ?? 0;
  }
  let score = rounded(logistic(z + shift));
  let kept = false;
  if (keptForm !== undefined && base >= baseCut && score < Math.max(base, cut)) {
    score = Math.max(base, cut);
    kept = true;
  }
  const effect: AdaptationEffect = { score, base, shift: Math.round(shift * 1000) / 1000, kept };
  if (explain && (source !== undefined || score !== base)) {
    const parts: { en: string; ar: string }[] = [];
    // The form is named only where it tells something: the tag was decided on in other forms too.
    const formMatters = source !== undefined && source !== entry?.counts && (source.accepted !== entry!.counts.accepted || source.rejected !== entry!.counts.rejected);
    if (source !== undefined) parts.push(describe(source, shift, formMatters ? sourceForm : undefined));
    if (a.refitWeights && score !== base && !kept) parts.push({ en: `weights refitted from ${a.model.decisions} decisions`, ar: `أوزان أعيد ضبطها من ${a.model.decisions} قرارًا` });
    if (kept) parts.push({ en: `kept: editors accepted it before in the form «${keptForm}» and never rejected it there`, ar: `أُبقي: قبله المحررون بصيغة «${keptForm}» ولم يرفضوه بها` });
    effect.en = parts.map((p) => p.en).join('; ');
    effect.ar = parts.map((p) => p.ar).join('؛ ');
  }
  return effect;
}

// ---- reading a model from JSON

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks that a parsed JSON value is an adaptation model of this version and returns it.
 * Throws BAD_ADAPTATION naming the first problem (`source` says where the value came from).
 */
export function readAdaptation(value: unknown, source = 'adaptation'): AdaptationModel {
  const fail = <N extends TemplateName<'BAD_ADAPTATION'>>(template: N, params: Omit<TemplateParams<'BAD_ADAPTATION', N>, 'source'>): never => {
    throw WasimError.of('BAD_ADAPTATION', template, { ...params, source } as TemplateParams<'BAD_ADAPTATION', N>);
  };
  if (!isObject(value)) return fail('notObject', {});
  if (value.format !== ADAPTATION_FORMAT) return fail('notModel', { format: ADAPTATION_FORMAT });
  if (value.version !== ADAPTATION_VERSION) return fail('version', { version: JSON.stringify(value.version) ?? 'undefined', supported: ADAPTATION_VERSION });
  const count = (v: unknown, at: string): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail('count', { at }));
  const decisions = count(value.decisions, '"decisions"');
  const pseudoCount = count(value.pseudoCount, '"pseudoCount"');
  if (pseudoCount <= 0) fail('pseudoCount', {});
  if (!isObject(value.tags)) return fail('tags', {});
  const tags: Record<string, TagAdaptation> = {};
  const countsOf = (v: unknown, at: string): AcceptanceCounts => {
    if (!isObject(v)) return fail('fieldObject', { at });
    const c = { accepted: count(v.accepted, `${at}.accepted`), rejected: count(v.rejected, `${at}.rejected`), prior: count(v.prior, `${at}.prior`) };
    if (c.prior > c.accepted + c.rejected + 1e-6) fail('priorExceeds', { at });
    return c;
  };
  for (const [id, t] of Object.entries(value.tags)) {
    const at = `tags[${JSON.stringify(id)}]`;
    const c = countsOf(t, at);
    const raw = t as Record<string, unknown>;
    if (typeof raw.label !== 'string') fail('fieldString', { at: `${at}.label` });
    if (!isObject(raw.forms)) return fail('fieldObject', { at: `${at}.forms` });
    const forms: Record<string, FormAdaptation> = {};
    for (const [key, f] of Object.entries(raw.forms)) {
      const fc = countsOf(f, `${at}.forms[${JSON.stringify(key)}]`);
      const text = (f as Record<string, unknown>).text;
      forms[key] = { ...fc, text: typeof text === 'string' ? text : key };
    }
    tags[id] = { label: raw.label as string, ...c, forms };
  }
  const model: AdaptationModel = { format: ADAPTATION_FORMAT, version: ADAPTATION_VERSION, decisions, pseudoCount, tags, pairs: [] };
  if (value.weights !== undefined) {
    if (!isObject(value.weights)) return fail('weights', {});
    const w = {} as Record<FeatureName, number>;
    for (const name of FEATURE_NAMES) {
      const v = value.weights[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail('fieldNumber', { at: `weights.${name}` });
      w[name] = v;
    }
    for (const name of Object.keys(value.weights)) if (!(FEATURE_NAMES as string[]).includes(name)) fail('unknownFeature', { name });
    model.weights = w;
  }
  if (value.cut !== undefined) {
    const m = isObject(value.cut) ? value.cut.minScore : undefined;
    if (typeof m !== 'number' || !(m >= 0 && m <= 1)) return fail('cut', {});
    model.cut = { minScore: m };
  }
  if (value.pairs !== undefined) {
    if (!Array.isArray(value.pairs)) return fail('pairs', {});
    model.pairs = value.pairs.map((p, i): PairProposal => {
      const at = `pairs[${i}]`;
      if (!isObject(p)) return fail('fieldObject', { at });
      for (const k of ['from', 'fromLabel', 'to', 'toLabel'] as const) if (typeof p[k] !== 'string') fail('fieldString', { at: `${at}.${k}` });
      if (p.kind !== 'parent' && p.kind !== 'rule') fail('pairKind', { at });
      return { from: p.from as string, fromLabel: p.fromLabel as string, to: p.to as string, toLabel: p.toLabel as string, together: count(p.together, `${at}.together`), of: count(p.of, `${at}.of`), kind: p.kind as 'parent' | 'rule' };
    });
  }
  return model;
}

/** Reads a model from its JSON text. */
export function parseAdaptation(text: string, source = 'adaptation'): AdaptationModel {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw WasimError.of('BAD_ADAPTATION', 'invalidJson', { source, reason: e instanceof Error ? e.message : String(e) });
  }
  return readAdaptation(value, source);
}

/** The model as JSON text: key order fixed, so that equal models are equal text. */
export function serializeAdaptation(model: AdaptationModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}

/** A tag's learned effect for listings (the admin's page): its shift on a tag the global model gives 0.5 … */
export interface LearnedTag {
  id: string;
  label: string;
  accepted: number;
  rejected: number;
  /** Logit shift of the tag as a whole. */
  shift: number;
  /** The score a tag the global model scores at the prior's centre gets now. */
  from: number;
  to: number;
  forms: { key: string; text: string; accepted: number; rejected: number; shift: number }[];
}

export function learnedTags(model: AdaptationModel): LearnedTag[] {
  return Object.entries(model.tags).map(([id, t]) => {
    const n = t.accepted + t.rejected;
    const shift = shiftOf(t, model.pseudoCount);
    const centre = n > 0 ? t.prior / n : 0.5;
    return {
      id,
      label: t.label,
      accepted: t.accepted,
      rejected: t.rejected,
      shift,
      from: rounded(centre),
      to: rounded(logistic(logit(centre) + shift)),
      forms: Object.entries(t.forms).map(([key, f]) => ({ key, text: f.text, accepted: f.accepted, rejected: f.rejected, shift: shiftOf(f, model.pseudoCount) })),
    };
  });
}

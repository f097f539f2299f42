/**
 * The ranking features, each defined once: how its value follows from what the ranker found
 * of a group's mentions (a Tally), the most it can add to a score before the mentions are read
 * in context (its bound, from a Reach), its shipped weight, the weight an editor would give it
 * (where fitting starts), and its label in English and Arabic. Everything else — the weights,
 * the fitter's prior, the `--explain` evidence, the newsroom's labels — is a view of this list,
 * in its order, so that a new feature is written here and nowhere else.
 *
 * The order is part of the output: `--explain` lists the evidence in it, and scores are summed in
 * it (floating-point sums depend on their order).
 */

/** What scoring found of a group's mentions, read in context (rank.ts fills it). */
export interface Tally {
  mentions: number;
  /** Mentions that are not doubtful readings. */
  usable: number;
  /** Usable mentions of the name itself (not a nisba or inflection), not fragments, not signal words. */
  strong: number;
  strongInTitle: boolean;
  usableInTitle: boolean;
  strongInLead: boolean;
  strongMultiword: boolean;
  /** Bit k: a mention in the k-th third of the body. */
  thirds: number;
  /** The most specific (and most headline-worthy) form among strong mentions, and among usable ones; -Infinity when none. */
  strongSpecificity: number;
  strongTitleRate: number;
  usableSpecificity: number;
  usableTitleRate: number;
  /** The label's own statistics, for a group with no usable mention. */
  labelSpecificity: number;
  labelTitleRate: number;
  /** Summed over mentions: how often each one's words sit inside a longer phrase. */
  fragmentShare: number;
  /** Mentions inside a longer personal name, and next to a rare word. */
  nameFragments: number;
  rareNeighbours: number;
  /** How unconfirmed the name is when the vocabulary marks it ambiguous, from its usable mentions' confidences; else 0. */
  ambiguity: number;
  /** A word that confirms the tag's sense is near one of its mentions. */
  context: boolean;
  typed: boolean;
  allNisba: boolean;
  listedNisba: number;
  /** 1 for a tag that is two words joined by و (الإسرائيلي والفلسطيني). */
  coordination: number;
  /** The tag is the word by which a longer name found in the article refers back to itself. */
  headAnaphor: boolean;
}

/**
 * The facts a bound reads: what is known of a group, or of an entity before it is a group,
 * without reading its mentions in context. A fact not known yet is taken at its most favourable
 * for the features that read it: a feature's direction is the sign of its hand-set weight, which
 * fitting keeps. Kept as numbers in one array (booleans as 0 or 1), so that most bounds are a
 * weighted sum of facts computed in one loop.
 */
const REACH_FACTS = [
  'mentions',
  // Mentions of the name itself (some may turn out doubtful, fragments or signal words).
  'strong',
  // No mention of the name itself: all by nisba or inflection.
  'noStrong',
  // Mentions by a nisba the vocabulary lists.
  'listed',
  'inTitle',
  'strongInTitle',
  'strongInLead',
  'strongMultiword',
  // Every mention a nisba.
  'allNisba',
  // The share of the body's thirds mentioned, as the spread feature counts them; 1 when unknown.
  'spread',
  // The most specific and most headline-worthy of the forms used and of the label.
  'specificity',
  'titleRate',
  // The group may be reported as a typed tag, as a tag with sense cues.
  'typed',
  'cues',
  // The least coordination of the tags the group may be reported as.
  'coordination',
  // Known once groups are formed; 0 before.
  'headAnaphor',
] as const;

export type ReachFact = (typeof REACH_FACTS)[number];
export type Reach = Float64Array;
/** Where each fact is in a Reach. */
export const R: Readonly<Record<ReachFact, number>> = Object.freeze(Object.fromEntries(REACH_FACTS.map((f, i) => [f, i])) as Record<ReachFact, number>);

export function createReach(): Reach {
  return new Float64Array(REACH_FACTS.length);
}

/** How a bound follows from the facts, when it is a weighted fact. */
interface LinearBound {
  readonly kind: 'equal' | 'upTo' | 'oneIf';
  readonly fact: ReachFact | number;
}
/** The value is the fact (or the number). */
const equal = (fact: ReachFact | number): LinearBound => ({ kind: 'equal', fact });
/** The value is at most the fact (or the number), and at least 0. */
const upTo = (fact: ReachFact | number): LinearBound => ({ kind: 'upTo', fact });
/** The value is 1 when the fact holds, else 0 or 1. */
const oneIf = (fact: ReachFact): LinearBound => ({ kind: 'oneIf', fact });

type Bound<N extends string> = LinearBound | ((r: Reach, w: Readonly<Record<N, number>>) => number) | { readonly with: NoInfer<N> };

interface Definition<N extends string> {
  readonly name: N;
  /** Fitted on both dev sets by src/tools/fit-ranker.ts from `handSet`, whose sign it keeps. 0: no use found beside the others, still explained. */
  readonly weight: number;
  /** What the feature should weigh before any gold set is seen: the direction and rough size an editor would give it. */
  readonly handSet: number;
  readonly label: { readonly en: string; readonly ar: string };
  readonly value: (t: Tally) => number;
  /**
   * The most the feature can add to z (weight × value) given a Reach: how its value follows from
   * the facts, or the most the term can be. Features that exclude each other or share counts are
   * bounded together, by the first of them; the others name it.
   */
  readonly bound: Bound<N>;
}

function defineFeatures<const N extends string>(definitions: readonly Definition<N>[]): readonly Definition<N>[] {
  return definitions;
}

/** log2(1 + n) for a count n: mention counts are small, and a table lookup is cheaper than Math.log2 (and gives the same number). */
const LOG2_1P = Float64Array.from({ length: 256 }, (_, n) => Math.log2(1 + n));
const log2p1 = (n: number): number => (n >>> 0 === n && n < 256 ? LOG2_1P[n]! : Math.log2(1 + n));

/** A term at its most favourable when the value is at most `v`. */
const plus = (w: number, v: number): number => (w > 0 ? w * v : 0);
const bit = (b: boolean): number => (b ? 1 : 0);
/** The share of the body's thirds a group is mentioned in, from the bits of a Tally's `thirds`. */
export const thirdsShare = (thirds: number): number => ((thirds & 1) + ((thirds >> 1) & 1) + ((thirds >> 2) & 1)) / 3;

export const FEATURES = defineFeatures([
  { name: 'bias', weight: -1.85, handSet: -2.0, label: { en: 'starting point', ar: 'نقطة البداية' }, value: () => 1, bound: equal(1) },
  {
    name: 'titleStrong',
    weight: 1.4,
    handSet: 1.6,
    label: { en: 'named in the title', ar: 'ورد صريحًا في العنوان' },
    value: (t) => bit(t.strongInTitle),
    // A title mention is strong or weak, not both.
    bound: (r, w) => (r[R.inTitle] ? Math.max(plus(w.titleStrong, r[R.strongInTitle]!), plus(w.titleWeak, 1)) : 0),
  },
  { name: 'titleWeak', weight: 0.6, handSet: 0.4, label: { en: 'in the title in a weaker form', ar: 'ورد في العنوان بصيغة ضعيفة' }, value: (t) => bit(!t.strongInTitle && t.usableInTitle), bound: { with: 'titleStrong' } },
  { name: 'lead', weight: 0.1, handSet: 0.4, label: { en: 'named early in the body', ar: 'ورد في مطلع النص' }, value: (t) => bit(t.strongInLead), bound: upTo('strongInLead') },
  {
    name: 'logStrong',
    weight: 0.56,
    handSet: 0.5,
    label: { en: 'times named outright', ar: 'تكرار الذكر الصريح' },
    value: (t) => log2p1(t.strong),
    // A mention is strong or weak, not both: the best split of the counts (strong ones may turn
    // out doubtful and count as weak, or as nothing).
    bound: (r, w) => {
      const strongWeight = plus(w.logStrong, 1) + plus(w.logStrongTyped, r[R.typed]!);
      const weakWeight = plus(w.logWeak, 1);
      const strong = r[R.strong]!;
      const mentions = r[R.mentions]!;
      let best = 0;
      for (let s = 0; s <= strong; s++) best = Math.max(best, strongWeight * log2p1(s) + weakWeight * log2p1(mentions - s));
      return best;
    },
  },
  // Repetition says more of a known entity than of a word that may be just a word.
  { name: 'logStrongTyped', weight: 0, handSet: 0, label: { en: 'times a known entity is named', ar: 'تكرار اسم كيان معروف' }, value: (t) => (t.typed ? log2p1(t.strong) : 0), bound: { with: 'logStrong' } },
  { name: 'logWeak', weight: 0.92, handSet: 0.3, label: { en: 'indirect mentions (nisba or inflection)', ar: 'ذكر غير مباشر (نسبة أو تصريف)' }, value: (t) => log2p1(t.usable - t.strong), bound: { with: 'logStrong' } },
  { name: 'spread', weight: 0.26, handSet: 0.3, label: { en: 'spread over the body', ar: 'انتشار في أجزاء النص' }, value: (t) => thirdsShare(t.thirds), bound: equal('spread') },
  {
    name: 'specificity',
    weight: 1.68,
    handSet: 2.0,
    label: { en: 'a rare word in the news', ar: 'ندرة الكلمة في الأخبار' },
    value: (t) => (t.strong > 0 ? t.strongSpecificity : t.usable > 0 ? t.usableSpecificity : t.labelSpecificity),
    bound: upTo('specificity'),
  },
  {
    name: 'titleRate',
    weight: 2.55,
    handSet: 2.5,
    label: { en: 'often in news headlines', ar: 'كثرة ورودها في عناوين الأخبار' },
    value: (t) => (t.strong > 0 ? t.strongTitleRate : t.usable > 0 ? t.usableTitleRate : t.labelTitleRate),
    bound: upTo('titleRate'),
  },
  { name: 'multiword', weight: 0.5, handSet: 0.8, label: { en: 'a name of several words', ar: 'اسم من أكثر من كلمة' }, value: (t) => bit(t.strongMultiword), bound: upTo('strongMultiword') },
  { name: 'fragment', weight: -1.89, handSet: -2.0, label: { en: 'part of a longer phrase', ar: 'جزء من عبارة أطول' }, value: (t) => (t.mentions > 0 ? t.fragmentShare / t.mentions : 0), bound: upTo(1) },
  {
    name: 'ambiguous',
    weight: -1.39,
    handSet: -1.5,
    label: { en: 'a name that is also a common word', ar: 'اسم ملتبس بكلمة شائعة' },
    // Judged on the forms the text used: صحيفة الحياة is unambiguous where الحياة alone is not.
    value: (t) => (t.strongMultiword ? 0 : t.ambiguity),
    bound: upTo(1),
  },
  { name: 'context', weight: 0.16, handSet: 0.8, label: { en: 'context confirms the sense', ar: 'سياق يؤكد المعنى' }, value: (t) => bit(t.context), bound: upTo('cues') },
  // Scores mean the same whether a publisher's list is typed or not: a type is no evidence.
  { name: 'typed', weight: 0, handSet: 0, label: { en: 'an entity with a type in the vocabulary', ar: 'كيان له نوع في المعجم' }, value: (t) => bit(t.typed), bound: upTo('typed') },
  // Nisba forms a vocabulary lists (الإيرانية for إيران) are reliable; derived ones less so.
  { name: 'listedNisba', weight: 0.69, handSet: 0.5, label: { en: 'a nisba the vocabulary lists', ar: 'نسبة مسجلة في المعجم' }, value: (t) => log2p1(t.listedNisba), bound: (r, w) => plus(w.listedNisba, log2p1(r[R.listed]!)) },
  { name: 'nisbaOnly', weight: -0.51, handSet: -0.5, label: { en: 'only by its nisba', ar: 'ورد بالنسبة فقط' }, value: (t) => bit(t.allNisba), bound: oneIf('allNisba') },
    { name: 'weakOnly', weight: -0.74, handSet: -1.2, label: { en: 'never named outright', ar: 'لا ذكر صريحًا له' }, value: (t) => bit(t.strong === 0), bound: oneIf('noStrong') },
  { name: 'nameFragment', weight: -1.88, handSet: -2.0, label: { en: 'part of a longer personal name', ar: 'جزء من اسم علم أطول' }, value: (t) => (t.mentions > 0 ? t.nameFragments / t.mentions : 0), bound: upTo(1) },
  { name: 'rareNeighbour', weight: -0.58, handSet: -0.8, label: { en: 'next to a rare word (a compound name)', ar: 'بجوار كلمة نادرة (اسم مركب)' }, value: (t) => (t.mentions > 0 ? t.rareNeighbours / t.mentions : 0), bound: upTo(1) },
  { name: 'coordination', weight: -2.2, handSet: -2.5, label: { en: 'a coordinated phrase', ar: 'عبارة عطف' }, value: (t) => t.coordination, bound: equal('coordination') },
  { name: 'headAnaphor', weight: -1.85, handSet: -2.0, label: { en: 'a reference back by a general word', ar: 'إحالة بكلمة عامة' }, value: (t) => bit(t.headAnaphor), bound: equal('headAnaphor') },
]);

export type FeatureName = (typeof FEATURES)[number]['name'];
export type Features = Record<FeatureName, number>;

export type FeatureDefinition = (typeof FEATURES)[number];

/** A record of something of every feature, in FEATURES order: the views the rest of wasim reads. */
export function byFeature<T>(of: (d: FeatureDefinition) => T): Readonly<Record<FeatureName, T>> {
  return Object.freeze(Object.fromEntries(FEATURES.map((d) => [d.name, of(d)])) as Record<FeatureName, T>);
}

export const FEATURE_NAMES: readonly FeatureName[] = Object.freeze(FEATURES.map((d) => d.name));
/** The shipped weights of the logistic scorer. */
export const WEIGHTS = byFeature((d) => d.weight);
/** Where fitting starts, what it is pulled back to, and whose signs it keeps. */
export const HAND_SET_WEIGHTS = byFeature((d) => d.handSet);

// The hot loops below run over flat arrays in FEATURES order.
const COUNT = FEATURES.length;
const VALUES = FEATURES.map((d) => d.value);
const WEIGHT_VALUES = Float64Array.from(FEATURES, (d) => d.weight);

/** A group's feature values, in FEATURES order: a record is made of them only for what is output. */
export type FeatureValues = readonly number[];

/** The features of a tally, written into `out` in FEATURES order; returns z, the weighted sum the score is the logistic of. */
export function weighFeatures(t: Tally, out: number[]): number {
  let z = 0;
  for (let i = 0; i < COUNT; i++) {
    const v = VALUES[i]!(t);
    out[i] = v;
    z += WEIGHT_VALUES[i]! * v;
  }
  return z;
}

/** The features as a record, by name. */
export function featuresOf(values: FeatureValues): Features {
  const features = {} as Features;
  for (let i = 0; i < COUNT; i++) features[FEATURE_NAMES[i]!] = values[i]!;
  return features;
}

/**
 * The linear bounds folded, once, into a constant and a weight per fact (a term at most w × v
 * for v ≤ fact is at most max(0, w) × fact): what remains to compute per group is one weighted
 * sum and the few bounds that are functions.
 */
const REACH_CONSTANT_AND_WEIGHTS = ((): [number, Float64Array] => {
  let constant = 0;
  const perFact = new Float64Array(REACH_FACTS.length);
  for (const d of FEATURES) {
    const b = d.bound;
    if (typeof b === 'function' || 'with' in b) continue;
    const w = d.weight;
    const up = Math.max(0, w);
    const k = b.kind === 'equal' ? w : b.kind === 'upTo' ? up : w - up;
    if (typeof b.fact === 'number') constant += k * b.fact;
    else perFact[R[b.fact]]! += k;
    if (b.kind === 'oneIf') constant += up;
  }
  return [constant, perFact];
})();
const REACH_CONSTANT = REACH_CONSTANT_AND_WEIGHTS[0];
const REACH_WEIGHTS = REACH_CONSTANT_AND_WEIGHTS[1];
const REACH_FUNCTIONS = FEATURES.flatMap((d) => (typeof d.bound === 'function' ? [d.bound] : []));

/** The highest z a group could reach given what a Reach knows of it. */
export function reachOf(r: Reach): number {
  let z = REACH_CONSTANT;
  for (let i = 0; i < REACH_WEIGHTS.length; i++) z += REACH_WEIGHTS[i]! * r[i]!;
  for (let i = 0; i < REACH_FUNCTIONS.length; i++) z += REACH_FUNCTIONS[i]!(r, WEIGHTS);
  return z;
}

/**
 * Disambiguation and scoring. Candidates naming one entity are grouped (twins such as
 * حماس / حركة حماس or مفاوضات / المفاوضات), each group gets named features from its mentions
 * and from the background model of Arabic news, and the score is a logistic function of a
 * weighted sum of those features — so every score can be explained feature by feature.
 */
import type { BackgroundModel } from './background.js';
import { collectCandidates, type Candidate, type FieldText, type MatchRef } from './candidates.js';
import type { CompiledTag, CompiledVocabulary, Pattern } from './vocabulary/compile.js';
import { trieChild } from './vocabulary/trie.js';
import type { Match } from './match.js';
import { CUE_WINDOW, cuesFor } from './cues.js';
import { SIGNAL_CONFIDENCE } from './disambiguate.js';
import { foldKey, keyOfLight } from './fold.js';
import type { Evidence, MatchKind, TagType } from './types.js';

export interface Scored {
  /** The tag reported for the group: the best-evidenced of the twins. */
  tag: number;
  /** The group's matches, one per span, title first then in text order. */
  refs: MatchRef[];
  score: number;
  features: Features;
  twins: number;
  doubtfulClitics: number;
  /** The refs that are evidence (not doubtful readings): the mentions mention mode reports. */
  usable: MatchRef[];
}

/**
 * Feature weights of the logistic scorer: fitted on both dev sets (the dirty list and the
 * default vocabulary) with src/tools/fit-ranker.ts
 * from hand-set values (which it keeps the signs of). A weight of 0 is a feature the dev set
 * found no use for beside the others; it is still reported in the evidence.
 */
export const WEIGHTS = {
  bias: -1.85,
  titleStrong: 1.40,
  titleWeak: 0.60,
  lead: 0.10,
  logStrong: 0.56,
  logStrongTyped: 0.00,
  logWeak: 0.92,
  spread: 0.26,
  specificity: 1.68,
  titleRate: 2.55,
  multiword: 0.50,
  fragment: -1.89,
  ambiguous: -1.39,
  context: 0.16,
  typed: 0.00,
  listedNisba: 0.69,
  nisbaOnly: -0.51,
  weakOnly: -0.74,
  nameFragment: -1.88,
  rareNeighbour: -0.58,
  coordination: -2.20,
  headAnaphor: -1.85,
} as const;

export type FeatureName = keyof typeof WEIGHTS;
export type Features = Record<FeatureName, number>;

/** Evidence of the name itself, not of a related form (inflected, nisba). Compared, not hashed: asked per mention. */
function isStrong(kind: MatchKind): boolean {
  return kind === 'exact' || kind === 'clitic' || kind === 'variant';
}

/** Words that bind a name into a longer personal name (عبد الله بن سعود، الملك فهد، أبو محمد). */
const NAME_LINKS: ReadonlySet<string> = new Set(['بن', 'ابن', 'بنت', 'أبو', 'أبي', 'أم', 'آل', 'الملك', 'الأمير', 'الأميرة', 'الشيخ', 'عبد', 'ولد'].map(foldKey));

/**
 * Words that name a country by its kind: in a kingdom's own press «المملكة» is that kingdom and
 * «السلطنة» is Oman. They stand for a country only in an article set in it (one of its places or
 * its name or nisba found too), so a Jordanian article's «المملكة» is Jordan, not Saudi Arabia.
 */
const KIND_NAMES: ReadonlySet<string> = new Set(['المملكة', 'السلطنة'].map(foldKey));

function namesByKind(p: Pattern): boolean {
  return p.alias === true && p.lights.length === 1 && KIND_NAMES.has(keyOfLight(p.lights[0]!));
}

/**
 * A word news uses as a given name: often followed by بن (سعد بن، فيصل بن، عبدالله بن). A place
 * or its nisba right after one is a family name (سعد السويدي، محمد المصري), not the place.
 * Words that are also common words (علي/على، حسن، جمال) are rarely followed by بن, and pass.
 */
function isGivenName(bg: BackgroundModel, key: string | undefined): boolean {
  if (key === undefined) return false;
  // Asked for the word before almost every one-word mention: remembered per word.
  if (givenNames?.bg !== bg) givenNames = { bg, known: new Map() };
  let known = givenNames.known.get(key);
  if (known === undefined) {
    const df = bg.df(key);
    // One name in a list: وعبدالله السويدي.
    known = (df >= RARE_DF && bg.bigramDf(key, 'بن') >= GIVEN_NAME_SHARE * df) || (key.startsWith('و') && key.length > 3 && isGivenName(bg, key.slice(1)));
    if (givenNames.known.size >= 100_000) givenNames.known.clear();
    givenNames.known.set(key, known);
  }
  return known;
}

let givenNames: { bg: BackgroundModel; known: Map<string, boolean> } | undefined;

const GIVEN_NAME_SHARE = 0.1;

/** Words after which a personal name is a father's or ancestor's, part of another person's name. */
const PATRONYM_LINKS: ReadonlySet<string> = new Set(['بن', 'ابن', 'بنت'].map(foldKey));

function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

const FEATURE_NAMES = Object.keys(WEIGHTS) as FeatureName[];
const WEIGHT_VALUES = FEATURE_NAMES.map((k) => WEIGHTS[k] as number);

export function scoreOf(f: Features): number {
  let z = 0;
  for (let i = 0; i < FEATURE_NAMES.length; i++) z += WEIGHT_VALUES[i]! * (f[FEATURE_NAMES[i]!] ?? 0);
  return rounded(logistic(z));
}

/**
 * Scores are reported to three decimals, and the cut applies to the reported score: so a bound
 * is rounded the same way before it is compared with the cut or with other scores (an unrounded
 * 0.69954 would drop a group reported as 0.700 at a cut of 0.6995).
 */
function rounded(p: number): number {
  return Math.round(p * 1000) / 1000;
}

/** The features behind a score, as reported by --explain and the evidence field. */
export function evidenceOf(s: Scored): Evidence {
  const evidence: Evidence = {};
  for (const k of FEATURE_NAMES) if (k !== 'bias') evidence[k] = s.features[k];
  evidence.twins = s.twins;
  evidence.doubtfulClitics = s.doubtfulClitics;
  evidence.bestKind = s.refs.find((r) => isStrong(r.match.kind))?.match.kind ?? s.refs[0]!.match.kind;
  return evidence;
}

/** What a tag's words are like in news at large: the same in every article, so computed once. */
interface TagInfo {
  keys: string[];
  specificity: number;
  titleRate: number;
  coordination: number;
  /** Words by which a later mention refers back to this multi-word tag (its head, a person's family name). */
  anaphors: readonly string[];
  /** A one-word tag's key without the article, as anaphors are kept; else undefined. */
  bareKey: string | undefined;
  /** Words that confirm the tag's sense nearby. */
  cues: ReadonlySet<string> | undefined;
}

const tagInfoCache = new WeakMap<CompiledVocabulary, { background: BackgroundModel | undefined; infos: (TagInfo | undefined)[] }>();

interface PatternStats {
  background: BackgroundModel | undefined;
  stats: ({ specificity: number; titleRate: number } | undefined)[];
}
const patternStatsCache = new WeakMap<CompiledVocabulary, PatternStats>();
let lastPatternStats: { cv: CompiledVocabulary; cache: PatternStats } | undefined;

/**
 * How specific and how headline-worthy the form a mention used is: قاعدة العديد is a rare name,
 * its alias العديد ("many") is not. A nisba speaks for its entity, so it takes the tag's label.
 */
function formStatistics(cv: CompiledVocabulary, ref: MatchRef, info: TagInfo, background: BackgroundModel | undefined): { specificity: number; titleRate: number } {
  return ref.match.kind === 'nisba' ? info : patternStatistics(cv, ref.match.pattern, background);
}

function patternStatistics(cv: CompiledVocabulary, pid: number, background: BackgroundModel | undefined): { specificity: number; titleRate: number } {
  // Called for every mention of every candidate: the last vocabulary's cache is kept at hand.
  let cache = lastPatternStats?.cv === cv ? lastPatternStats.cache : patternStatsCache.get(cv);
  if (cache === undefined || cache.background !== background) {
    // Filled up front: an array written at scattered pattern ids would fall back to a dictionary.
    cache = { background, stats: new Array<{ specificity: number; titleRate: number } | undefined>(cv.patterns.length).fill(undefined) };
    patternStatsCache.set(cv, cache);
  }
  if (lastPatternStats?.cache !== cache) lastPatternStats = { cv, cache };
  let st = cache.stats[pid];
  if (st === undefined) {
    const p = cv.patterns.get(pid);
    st = tagStatistics(p.lights.map((l, k) => (p.rewritten[k] ? l : keyOfLight(l))), background);
    cache.stats[pid] = st;
  }
  return st;
}

let lastTagInfos: { cv: CompiledVocabulary; cache: { background: BackgroundModel | undefined; infos: (TagInfo | undefined)[] } } | undefined;

function tagInfo(cv: CompiledVocabulary, index: number, background: BackgroundModel | undefined): TagInfo {
  let cache = lastTagInfos?.cv === cv ? lastTagInfos.cache : tagInfoCache.get(cv);
  if (cache === undefined || cache.background !== background) {
    cache = { background, infos: new Array<TagInfo | undefined>(cv.tags.length).fill(undefined) };
    tagInfoCache.set(cv, cache);
  }
  if (lastTagInfos?.cache !== cache) lastTagInfos = { cv, cache };
  let info = cache.infos[index];
  if (info === undefined) {
    const keys = cv.tags.get(index).key.split(' ');
    const stats = tagStatistics(keys, background);
    const tag = cv.tags.get(index);
    const anaphors: string[] = [];
    if (tag.labelTokens > 1) {
      anaphors.push(withoutArticle(keys[0]!));
      if (isPersonalName(tag, keys, background && background.documents > 0 ? background : undefined)) anaphors.push(withoutArticle(keys[keys.length - 1]!));
    }
    info = { keys, specificity: stats.specificity, titleRate: stats.titleRate, coordination: isCoordination(keys) ? 1 : 0, anaphors, bareKey: keys.length === 1 ? withoutArticle(keys[0]!) : undefined, cues: cuesFor(tag) };
    cache.infos[index] = info;
  }
  return info;
}

/** Background statistics of a tag's words: how specific (rare) and how title-worthy they are. */
function tagStatistics(keys: string[], bg: BackgroundModel | undefined): { specificity: number; titleRate: number } {
  if (!bg || bg.documents === 0 || keys.length === 0) return { specificity: 0.5, titleRate: bg?.titleRatePrior ?? 0.2 };
  const maxIdf = Math.log(bg.documents + 1);
  if (keys.length === 1) return { specificity: bg.idf(keys[0]!) / maxIdf, titleRate: bg.titleRate(keys[0]!) };
  // A multi-word tag is as common as its rarest adjacent pair (pairs below the threshold count as rare).
  let df = Infinity;
  for (let i = 0; i + 1 < keys.length; i++) df = Math.min(df, bg.bigramDf(keys[i]!, keys[i + 1]!));
  const specificity = Math.log((bg.documents + 1) / (df + 1)) / maxIdf;
  const titleRate = Math.max(...keys.map((k) => bg.titleRate(k)));
  return { specificity, titleRate };
}

/** A mention whose words sit inside a longer phrase this often is a fragment, not evidence. */
const FRAGMENT_LIMIT = 0.3;

/**
 * How often, in news at large, the mentioned word is part of the phrase it forms here with a
 * neighbour. Only adjective agreement counts — both words definite, as in الأمم المتحدة,
 * الضفة الغربية, الشعب الفلسطيني — where the word is a modifier or a head cut from its name.
 * A name after a head noun (قطاع غزة, حالة الطقس, الملك سلمان) is the meaningful word itself.
 */
function fragmentShare(bg: BackgroundModel, toks: readonly { key: string }[], m: Match): number {
  const key = toks[m.tokenStart]!.key;
  if (!key.startsWith('ال')) return 0;
  const prev = m.tokenStart > 0 ? toks[m.tokenStart - 1]!.key : null;
  const next = m.tokenEnd < toks.length ? toks[m.tokenEnd]!.key : null;
  const left = prev !== null && prev.startsWith('ال') ? prev : null;
  const right = next !== null && next.startsWith('ال') ? next : null;
  if (left === null && right === null) return 0;
  // After its head, a modifier is bound when the head rarely goes without it (الأمم → المتحدة),
  // however many other heads the modifier serves.
  return Math.max(bg.fragmentShare(left, key, right), left === null ? 0 : bg.neighbourBond(left, key, null));
}

/**
 * A neighbour the background has rarely seen, and never beside this word, is most likely
 * the other half of a foreign or compound name (هاريسون فورد for the tag فورد).
 */
function rareNeighbour(bg: BackgroundModel, toks: readonly { key: string; script?: string }[], m: Match): boolean {
  const key = toks[m.tokenStart]!.key;
  const check = (k: string | undefined, pair: () => number): boolean => k !== undefined && k.length > 2 && bg.df(k) < RARE_DF && pair() === 0;
  return check(toks[m.tokenStart - 1]?.key, () => bg.bigramDf(toks[m.tokenStart - 1]!.key, key)) || check(toks[m.tokenEnd]?.key, () => bg.bigramDf(toks[m.tokenEnd - 1]!.key, toks[m.tokenEnd]!.key));
}

const RARE_DF = 20;

/** The text has the bare word where the tag has the article (وحدة for الوحدة). */
function articleAdded(tokenKey: string, tagKey: string): boolean {
  return tagKey.startsWith('ال') && tokenKey.endsWith(tagKey.slice(2)) && !tokenKey.endsWith(tagKey);
}

/**
 * The text has the article on a form the vocabulary writes without it (الفرسان for فرسان,
 * بالحماس for حماس, المحمد for محمد). A name without the article never takes it, so the word
 * is the common noun or another name; ل + ال is written لل (للفرسان).
 */
function articleGained(tokenKey: string, formKey: string): boolean {
  if (formKey.startsWith('ال') || !tokenKey.endsWith(formKey)) return false;
  const at = tokenKey.length - formKey.length;
  if (at < 2) return false;
  const before = tokenKey.slice(at - 2, at);
  return before === 'ال' || (before === 'لل' && at <= 3);
}

/** Proper names: they do not take the article they were not written with. */
const NAME_TYPES: ReadonlySet<TagType | undefined> = new Set(['place', 'person', 'organisation']);

function withoutArticle(key: string): string {
  return key.startsWith('ال') && key.length > 4 ? key.slice(2) : key;
}

/**
 * How unconfirmed an ambiguous name is, from its mentions' confidences (disambiguate.ts): 0 when
 * one mention is confirmed by its context, 1 when none is (or none is usable).
 */
function ambiguityOf(usable: readonly MatchRef[]): number {
  let best = 0;
  for (const r of usable) best = Math.max(best, r.match.confidence);
  if (usable.length === 0) return 1;
  return Math.min(1, Math.max(0, (1 - best) / (1 - SIGNAL_CONFIDENCE.ambiguousName)));
}

/**
 * «الإسرائيلي والفلسطيني» is two words joined by و, a list cut from a sentence rather than a
 * name: a definite word followed by و + a definite word.
 */
function isCoordination(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i]!.startsWith('وال') && keys[i - 1]!.startsWith('ال')) return true;
  return false;
}

/**
 * A reading that strips or adds letters is doubtful when the whole token is itself a common
 * word far more frequent than the tag: وكيل is "agent", not و + كيل; الخميس is Thursday, not
 * ال + خميس; الداخلي is "internal", not the nisba of الداخلة.
 */
function readingDoubt(bg: BackgroundModel, tokenKey: string, tagKey: string): boolean {
  const whole = bg.df(tokenKey);
  return whole >= 30 && whole > 2 * bg.df(tagKey);
}

function fieldOf(fields: readonly FieldText[], name: 'title' | 'body'): FieldText | undefined {
  return fields.find((f) => f.field === name);
}

const W = WEIGHTS as Readonly<Record<FeatureName, number>>;
const plus = (w: number, v: number): number => (w > 0 ? w * v : 0);

/** What a group's mentions are like, as bits (with LISTED_NISBA, a pattern's, beside them). */
const LISTED_NISBA = 1;
const TYPED = 2;
const IN_TITLE = 4;
const STRONG_IN_TITLE = 8;
const STRONG_IN_LEAD = 16;
const STRONG_MULTIWORD = 32;
const NOT_ALL_NISBA = 64;

/**
 * The terms of z that follow from counts over a group's mentions, each at its most favourable:
 * shared by upperBound and the pre-bound, which must never bound lower than it.
 */
function mentionTerms(flags: number, strong: number, mentions: number, listed: number, specificity: number, titleRate: number): number {
  let z = W.bias;
  if (flags & IN_TITLE) z += Math.max(plus(W.titleStrong, flags & STRONG_IN_TITLE ? 1 : 0), plus(W.titleWeak, 1));
  z += plus(W.lead, flags & STRONG_IN_LEAD ? 1 : 0);
  // A mention is strong or weak, not both: the best split of the counts (strong ones may turn
  // out doubtful and count as weak, or as nothing).
  const strongWeight = plus(W.logStrong, 1) + (flags & TYPED ? plus(W.logStrongTyped, 1) : 0);
  const weakWeight = plus(W.logWeak, 1);
  let counts = 0;
  for (let s = 0; s <= strong; s++) counts = Math.max(counts, strongWeight * Math.log2(1 + s) + weakWeight * Math.log2(1 + mentions - s));
  z += counts;
  z += plus(W.specificity, specificity) + plus(W.titleRate, titleRate);
  z += plus(W.multiword, flags & STRONG_MULTIWORD ? 1 : 0);
  z += flags & NOT_ALL_NISBA ? 0 : Math.min(0, W.nisbaOnly);
  z += plus(W.listedNisba, Math.log2(1 + listed));
  z += strong === 0 ? Math.min(0, W.weakOnly) : 0;
  return z;
}

/**
 * The highest z a group could reach: features that need the background or the text around a
 * mention (doubtful readings, fragments, name links, context) taken at their most favourable.
 */
function upperBound(cv: CompiledVocabulary, tag: CompiledTag, info: TagInfo, ms: readonly MatchRef[], heads: ReadonlySet<string>, leadEnd: number, bodyLength: number, cues: ReadonlySet<string> | undefined, background: BackgroundModel | undefined): number {
  let strong = 0;
  // With no usable mention the label's own statistics stand in: they bound the score too.
  let specificity = info.specificity;
  let titleRate = info.titleRate;
  let title = false;
  let strongTitle = false;
  let lead = false;
  let multiword = false;
  let allNisba = true;
  let listed = 0;
  let thirds = 0;
  for (const m of ms) {
    const kind = m.match.kind;
    const form = formStatistics(cv, m, info, background);
    specificity = Math.max(specificity, form.specificity);
    titleRate = Math.max(titleRate, form.titleRate);
    if (kind !== 'nisba') allNisba = false;
    if (cv.patterns.get(m.match.pattern).nisba) listed++;
    if (m.field === 'title') title = true;
    else if (bodyLength > 0) thirds |= 1 << Math.min(2, Math.floor((3 * m.start) / bodyLength));
    if (isStrong(kind)) {
      strong++;
      if (m.field === 'title') strongTitle = true;
      else if (m.start < leadEnd) lead = true;
      if (m.match.tokenEnd - m.match.tokenStart > 1) multiword = true;
    }
  }
  const flags = (title ? IN_TITLE : 0) | (strongTitle ? STRONG_IN_TITLE : 0) | (lead ? STRONG_IN_LEAD : 0) | (multiword ? STRONG_MULTIWORD : 0) | (allNisba ? 0 : NOT_ALL_NISBA) | (tag.type ? TYPED : 0);
  let z = mentionTerms(flags, strong, ms.length, listed, specificity, titleRate);
  z += W.spread * (((thirds & 1) + ((thirds >> 1) & 1) + ((thirds >> 2) & 1)) / 3);
  // The ambiguity term depends on the confidences of the usable mentions: at its best, 0.
  z += cues && cues.size > 0 ? plus(W.context, 1) : 0;
  z += tag.type ? W.typed : 0;
  z += W.coordination * info.coordination;
  z += info.bareKey !== undefined && heads.has(info.bareKey) ? W.headAnaphor : 0;
  return z;
}

/**
 * A multi-word tag known to be a person, or one whose first word news has hardly ever seen: a
 * foreign given name (هاريسون، بيرني) rather than a head noun (وزارة، قطاع).
 */
function isPersonalName(tag: CompiledTag, keys: readonly string[], bg: BackgroundModel | undefined): boolean {
  if (tag.type === 'person') return true;
  return tag.type === undefined && bg !== undefined && bg.df(keys[0]!) < RARE_DF;
}

/** The vocabulary's tag naming the entity of a nisba-labelled tag (the first listed), else the tag itself. */
function namedTwin(cv: CompiledVocabulary, index: number): number {
  const table = cv.tagTable;
  const named = table.namedOfEntity[table.entityOf[index]!]!;
  return named >= 0 ? named : index;
}

interface EntityIndex {
  /** Dense entity number of each tag. */
  ofTag: Int32Array;
  /** 1 for a tag whose label has several words. */
  multiWord: Uint8Array;
  /** Scratch, all 0 between calls: 1 + the index of an entity's group in the article being scored. */
  groupOf: Int32Array;
  /** Scratch, all 0 between calls: twice an entity's mentions, + 1 when a word like «المملكة» may name it. */
  weight: Int32Array;
}

/** The name of an entity by its number: its first tag's. */
function entityName(cv: CompiledVocabulary, entity: number): string {
  return cv.tags.get(cv.tagTable.firstOfEntity[entity]!).entity;
}

const kindNames = new WeakMap<CompiledVocabulary, ReadonlySet<number>>();

/**
 * The patterns that name a country by its kind («المملكة»): a handful, found once per vocabulary.
 * A one-word pattern ends at the trie node of its word's key, which is its light's key: only the
 * patterns ending at the kind words' nodes need looking at, not every pattern.
 */
export function kindNamePatterns(cv: CompiledVocabulary): ReadonlySet<number> {
  let set = kindNames.get(cv);
  if (set === undefined) {
    const found = new Set<number>();
    for (const key of KIND_NAMES) {
      const token = cv.tokenIds.get(key);
      const node = token === undefined ? -1 : trieChild(cv.trie, 0, token);
      if (node < 0) continue;
      for (let t = cv.trie.terminalStart[node]!; t < cv.trie.terminalStart[node + 1]!; t++) {
        const pattern = cv.trie.terminalPattern[t]!;
        if (namesByKind(cv.patterns.get(pattern))) found.add(pattern);
      }
    }
    kindNames.set(cv, (set = found));
  }
  return set;
}

const entityIndexes = new WeakMap<CompiledVocabulary, EntityIndex>();

function entityIndex(cv: CompiledVocabulary): EntityIndex {
  let index = entityIndexes.get(cv);
  if (index === undefined) {
    const table = cv.tagTable;
    const entities = table.firstOfEntity.length;
    index = { ofTag: table.entityOf, multiWord: table.multiWord, groupOf: new Int32Array(entities), weight: new Int32Array(entities) };
    entityIndexes.set(cv, index);
  }
  return index;
}

/*
 * A pre-bound, before any candidate is built. A big vocabulary matches nearly every content word
 * of an article (hundreds of matches), and all but a few dozen of the entities they name cannot
 * reach the cut whatever their context. Their bound needs only counts over their matches and
 * what each matched pattern could bring (its words' statistics, its tag's type and cues), read
 * from one flat array: no object per match, per candidate or per group for the entities dropped.
 * It is never below upperBound's, so the output is that of scoring every candidate.
 */

/** Per pattern, stride PATTERN_BOUND_STRIDE: tag terms (NaN until computed), specificity, titleRate, flags. */
const PATTERN_BOUND_STRIDE = 4;

interface PatternBounds {
  background: BackgroundModel | undefined;
  values: Float64Array;
}

const patternBounds = new WeakMap<CompiledVocabulary, PatternBounds>();

/**
 * What a match of the pattern could bring to any group it joins. The group may be reported as
 * the pattern's tag or, for a nisba-labelled tag, as the tag naming its entity (namedTwin): the
 * best of both is taken, and every term that can only lower a score is left out.
 */
function patternBound(cv: CompiledVocabulary, bounds: PatternBounds, pid: number, background: BackgroundModel | undefined): number {
  const at = pid * PATTERN_BOUND_STRIDE;
  const v = bounds.values;
  if (!Number.isNaN(v[at]!)) return at;
  const p = cv.patterns.get(pid);
  const form = patternStatistics(cv, pid, background);
  let tagTerms = -Infinity;
  let specificity = form.specificity;
  let titleRate = form.titleRate;
  let flags = p.nisba ? LISTED_NISBA : 0;
  const own = p.tag;
  const reported = cv.tags.get(own).nisbaLabel ? namedTwin(cv, own) : own;
  for (const t of reported === own ? [own] : [own, reported]) {
    const tag = cv.tags.get(t);
    const info = tagInfo(cv, t, background);
    // A nisba mention takes the reported tag's statistics, and a group with no usable mention its label's.
    specificity = Math.max(specificity, info.specificity);
    titleRate = Math.max(titleRate, info.titleRate);
    if (tag.type) flags |= TYPED;
    tagTerms = Math.max(tagTerms, (tag.type ? W.typed : 0) + (info.cues && info.cues.size > 0 ? plus(W.context, 1) : 0) + W.coordination * info.coordination);
  }
  v[at + 1] = specificity;
  v[at + 2] = titleRate;
  v[at + 3] = flags;
  v[at] = tagTerms;
  return at;
}

function patternBoundsOf(cv: CompiledVocabulary, background: BackgroundModel | undefined): PatternBounds {
  let bounds = patternBounds.get(cv);
  if (bounds === undefined || bounds.background !== background) {
    bounds = { background, values: new Float64Array(cv.patterns.length * PATTERN_BOUND_STRIDE).fill(NaN) };
    patternBounds.set(cv, bounds);
  }
  return bounds;
}

/**
 * Per-entity counts of the article being bounded, a record of BOUND_RECORD numbers per entity in
 * one column of the vocabulary (one memory line per entity touched, not one per count), all 0
 * between articles: mentions, strong mentions, listed nisba mentions, flags, then the best tag
 * terms, specificity and title rate of its patterns.
 */
interface BoundScratch {
  records: Float64Array;
  touched: number[];
}

const BOUND_RECORD = 8;
const MENTIONS = 0;
const STRONG = 1;
const LISTED = 2;
const FLAGS = 3;
const TAG_TERMS = 4;
const SPECIFICITY = 5;
const TITLE_RATE = 6;


const boundScratches = new WeakMap<CompiledVocabulary, BoundScratch>();

function boundScratch(cv: CompiledVocabulary, entities: number): BoundScratch {
  let s = boundScratches.get(cv);
  if (s === undefined) {
    s = { records: new Float64Array(entities * BOUND_RECORD), touched: [] };
    boundScratches.set(cv, s);
  }
  return s;
}

/** Matches a rounding step apart must not be dropped by the pre-bound and kept by upperBound. */
const BOUND_SLACK = 1e-9;

/**
 * The candidates of the matches (as collectCandidates), leaving out those whose entity cannot
 * reach `minScore`: the same scores for every group that can.
 */
export function viableCandidates(cv: CompiledVocabulary, fields: readonly FieldText[], background: BackgroundModel | undefined, minScore: number): Candidate[] {
  if (!(minScore > 0)) return collectCandidates(fields);
  const entities = entityIndex(cv);
  const bounds = patternBoundsOf(cv, background);
  const v = bounds.values;
  const s = boundScratch(cv, entities.groupOf.length);
  const body = fieldOf(fields, 'body');
  const leadEnd = Math.max(400, (body?.text.length ?? 0) * 0.25);
  const r = s.records;
  for (const f of fields) {
    const inTitle = f.field === 'title';
    for (const m of f.matches) {
      const e = entities.ofTag[m.tag]! * BOUND_RECORD;
      const at = patternBound(cv, bounds, m.pattern, background);
      if (r[e + MENTIONS] === 0) {
        s.touched.push(e);
        r[e + TAG_TERMS] = -Infinity;
        r[e + SPECIFICITY] = -Infinity;
        r[e + TITLE_RATE] = -Infinity;
      }
      r[e + MENTIONS]!++;
      const patternFlags = v[at + 3]!;
      let flags = r[e + FLAGS]! | (patternFlags & TYPED);
      if (patternFlags & LISTED_NISBA) r[e + LISTED]!++;
      if (m.kind !== 'nisba') flags |= NOT_ALL_NISBA;
      if (inTitle) flags |= IN_TITLE;
      if (isStrong(m.kind)) {
        r[e + STRONG]!++;
        if (inTitle) flags |= STRONG_IN_TITLE;
        else if (f.tokens[m.tokenStart]!.start < leadEnd) flags |= STRONG_IN_LEAD;
        if (m.tokenEnd - m.tokenStart > 1) flags |= STRONG_MULTIWORD;
      }
      r[e + FLAGS] = flags;
      if (v[at]! > r[e + TAG_TERMS]!) r[e + TAG_TERMS] = v[at]!;
      if (v[at + 1]! > r[e + SPECIFICITY]!) r[e + SPECIFICITY] = v[at + 1]!;
      if (v[at + 2]! > r[e + TITLE_RATE]!) r[e + TITLE_RATE] = v[at + 2]!;
    }
  }
  // Reused as the mark of the entities kept: 1 kept, 0 dropped (and the reset state).
  const keep = entities.groupOf;
  for (const e of s.touched) {
    const z = mentionTerms(r[e + FLAGS]!, r[e + STRONG]!, r[e + MENTIONS]!, r[e + LISTED]!, r[e + SPECIFICITY]!, r[e + TITLE_RATE]!) + r[e + TAG_TERMS]! + plus(W.spread, 1);
    keep[e / BOUND_RECORD] = rounded(logistic(z + BOUND_SLACK)) >= minScore ? 1 : 0;
    r.fill(0, e, e + BOUND_RECORD);
  }
  const candidates = collectCandidates(fields, (tag) => keep[entities.ofTag[tag]!] === 1);
  for (const e of s.touched) keep[e / BOUND_RECORD] = 0;
  s.touched.length = 0;
  return candidates;
}

/** A group of twin candidates waiting to be scored, with the best score it could reach. */
interface Pending {
  bestTag: number;
  ms: MatchRef[];
  twins: number;
  bound: number;
}

/**
 * Scores the candidate groups. A group whose most favourable score (every uncertain feature at
 * its best) is below `minScore`, or below the `top` groups already scored, is dropped unscored:
 * the same output as scoring everything, at a fraction of the cost when a big vocabulary finds
 * hundreds of candidates in an article.
 */
export function scoreCandidates(cv: CompiledVocabulary, candidates: readonly Candidate[], fields: readonly FieldText[], background?: BackgroundModel, minScore = 0, top = Infinity): Scored[] {
  const title = fieldOf(fields, 'title');
  const body = fieldOf(fields, 'body');
  const bodyLength = body?.text.length ?? 0;
  const leadEnd = Math.max(400, bodyLength * 0.25);
  const bg = background && background.documents > 0 ? background : undefined;
  const groups: Candidate[][] = [];
  // Words that refer back to a longer name found here: the head noun of a multi-word tag
  // («القطاع» after «قطاع غزة») and the family name of a personal name («فورد» after «هاريسون فورد»).
  const heads = new Set<string>();
  // Grouped by entity number through a per-vocabulary array, reset below: hundreds of candidates
  // an article with a big vocabulary, where a hash of entity names cost a probe each.
  const entities = entityIndex(cv);
  for (const c of candidates) {
    const e = entities.ofTag[c.tag]!;
    const at = entities.groupOf[e]! - 1;
    if (at < 0) entities.groupOf[e] = groups.push([c]);
    else groups[at]!.push(c);
  }
  // From every match, not only the candidates given: a name the pre-bound dropped still refers back.
  for (const f of fields) for (const m of f.matches) if (entities.multiWord[m.tag] === 1) for (const a of tagInfo(cv, m.tag, background).anaphors) heads.add(a);
  for (const c of candidates) entities.groupOf[entities.ofTag[c.tag]!] = 0;
  let kingdoms: Map<string, string> | undefined;
  const pending: Pending[] = [];
  for (const members of groups) {
    let bestTag = members[0]!.tag;
    const twins = members.length;
    // A lone candidate's matches are already in text order, title first.
    let ms: MatchRef[] = members[0]!.refs;
    if (twins > 1) {
      // The reported twin: a name before a nisba-named tag, then most strong mentions in the
      // title, then overall, then the longer name.
      let best = { title: -1, strong: -1, all: -1 };
      for (const c of members) {
        const s = { title: 0, strong: 0, all: c.refs.length };
        for (const r of c.refs) {
          if (!isStrong(r.match.kind)) continue;
          s.strong++;
          if (r.field === 'title') s.title++;
        }
        const t = c.tag;
        const better = best.all < 0 ? 1 : Number(!cv.tags.get(t).nisbaLabel) - Number(!cv.tags.get(bestTag).nisbaLabel) || s.title - best.title || s.strong - best.strong || s.all - best.all || cv.tags.get(t).labelTokens - cv.tags.get(bestTag).labelTokens || bestTag - t;
        if (better > 0) {
          bestTag = t;
          best = s;
        }
      }
      // One mention per span: twins can both match the same words (مفاوضات and المفاوضات).
      const seen = new Set<number>();
      ms = [];
      for (const c of members) {
        for (const r of c.refs) {
          const k = (r.field === 'title' ? 0 : 1) + 2 * r.start;
          if (!seen.has(k)) {
            seen.add(k);
            ms.push(r);
          }
        }
      }
      ms.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1));
    }
    // A country seen only through its nisba is still reported by its name when the vocabulary has it (الإيراني → إيران).
    if (cv.tags.get(bestTag).nisbaLabel) bestTag = namedTwin(cv, bestTag);
    const tag = cv.tags.get(bestTag);
    const info = tagInfo(cv, bestTag, background);
    const cues = info.cues;
    const bound = minScore > 0 || Number.isFinite(top) ? logistic(upperBound(cv, tag, info, ms, heads, leadEnd, bodyLength, cues, background)) : 1;
    if (rounded(bound) < minScore) continue;
    pending.push({ bestTag, ms, twins, bound });
  }
  if (!Number.isFinite(top) || pending.length <= top) return dropHomonyms(pending.map(scoreGroup));
  // Only the best `top` are wanted: score the most promising first and stop once `top` distinct
  // groups score above what any group left could reach.
  pending.sort((x, y) => y.bound - x.bound);
  const scored: Scored[] = [];
  for (const p of pending) {
    if (scored.length >= top) {
      // Rounded as scores are, lest a tie slip past it.
      const reach = rounded(p.bound);
      let above = 0;
      for (const g of scored) if (g.score > reach) above++;
      if (above >= top && dropHomonyms(scored.filter((g) => g.score > reach)).length >= top) break;
    }
    scored.push(scoreGroup(p));
  }
  return dropHomonyms(scored);

  /**
   * The country a word like «المملكة» names here: of the countries it may name, the one the
   * article is most set in — most mentions of it by name or nisba, or of places inside it
   * (default-vocabulary ids nest: place-sa-asir is in place-sa).
   */
  function kingdomOf(ref: MatchRef): string | undefined {
    if (kingdoms === undefined) {
      kingdoms = new Map();
      // Every match counts, candidates dropped by the pre-bound too: they say where the article is set.
      // Counted by dense entity number: an article has hundreds of matches, and only a few claims.
      const kindPatterns = kindNamePatterns(cv);
      const weight = entities.weight;
      const seen: number[] = [];
      const claims = new Map<string, number[]>();
      for (const f of fields) {
        for (const m of f.matches) {
          const e = entities.ofTag[m.tag]!;
          if (weight[e] === 0) seen.push(e);
          if (!kindPatterns.has(m.pattern)) {
            weight[e]! += 2;
            continue;
          }
          // Odd until the entity has a mention of its own: seen in order, and never counted for its claims.
          weight[e]! |= 1;
          const at = `${f.field}${f.tokens[m.tokenStart]!.start}`;
          const list = claims.get(at);
          if (list === undefined) claims.set(at, [e]);
          else if (!list.includes(e)) list.push(e);
        }
      }
      const firstSeen = new Map<number, number>(seen.map((e, k) => [e, k]));
      for (const [at, claimants] of claims) {
        // Ties go to the country the article names first.
        claimants.sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)!);
        let best: string | undefined;
        let bestWeight = 0;
        for (const c of claimants) {
          const country = entityName(cv, c);
          let w = 0;
          for (const e of seen) {
            const name = entityName(cv, e);
            if (name === country || name.startsWith(`${country}-`)) w += weight[e]! >> 1;
          }
          if (w > bestWeight) {
            best = country;
            bestWeight = w;
          }
        }
        if (best !== undefined) kingdoms.set(at, best);
      }
      for (const e of seen) weight[e] = 0;
    }
    return kingdoms.get(`${ref.field}${ref.start}`);
  }

  function scoreGroup({ bestTag, ms, twins }: Pending): Scored {
    const tag = cv.tags.get(bestTag);
    const info = tagInfo(cv, bestTag, background);
    const cues = info.cues;
      let fragment = 0;
      let context = 0;
      let doubtful = 0;
      let nameFragments = 0;
      let rare = 0;
      // Mentions that are not doubtful readings are the evidence, strong or weak.
      let usable = 0;
      let usableInTitle = false;
      let listedNisba = 0;
      let strong = 0;
      let strongInTitle = false;
      let strongInLead = false;
      let strongMultiword = false;
      // The most specific form the text used, among strong mentions, else any usable one.
      let strongSpecificity = -Infinity;
      let strongTitleRate = -Infinity;
      let usableSpecificity = -Infinity;
      let usableTitleRate = -Infinity;
      let allNisba = true;
      let thirds = 0;
      const usableRefs: MatchRef[] = [];
      for (const m of ms) {
        const f = m.field === 'title' ? title : body;
        if (!f) continue;
        const toks = f.tokens;
        const match = m.match;
        const kind = match.kind;
        const single = match.tokenEnd - match.tokenStart === 1;
        const pattern = cv.patterns.get(match.pattern);
        let share = 0;
        let doubt = false;
        if (bg && single) {
          // A nisba is an adjective by nature: following its noun is how it is used, not a fragment.
          share = kind === 'nisba' ? 0 : fragmentShare(bg, toks, match);
          if (tag.type !== 'person' && rareNeighbour(bg, toks, match)) rare++;
          // Listed nisba forms are known to name the place; derived ones and stripped readings are checked.
          const listed = kind === 'nisba' && pattern.nisba;
          doubt = kind !== 'exact' && kind !== 'variant' && !listed && readingDoubt(bg, toks[match.tokenStart]!.key, tag.key);
        }
        // The article added to a bare word (وحدة → الوحدة, شباب → الشباب) reads a name into a common
        // word: only topic nouns keep their meaning without the article.
        if (kind === 'inflected' && tag.type && tag.type !== 'topic' && articleAdded(toks[match.tokenStart]!.key, tag.key)) doubt = true;
        if (single && kind === 'clitic' && NAME_TYPES.has(tag.type) && articleGained(toks[match.tokenStart]!.key, keyOfLight(pattern.lights[0]!))) doubt = true;
        if (namesByKind(pattern) && kingdomOf(m) !== tag.entity) doubt = true;
        fragment += share;
        if (kind !== 'nisba') allNisba = false;
        if (m.field === 'body' && bodyLength > 0) thirds |= 1 << Math.min(2, Math.floor((3 * m.start) / bodyLength));
        if (doubt) doubtful++;
        else {
          usable++;
          usableRefs.push(m);
          if (m.field === 'title') usableInTitle = true;
          if (pattern.nisba) listedNisba++;
          const form = formStatistics(cv, m, info, background);
          usableSpecificity = Math.max(usableSpecificity, form.specificity);
          usableTitleRate = Math.max(usableTitleRate, form.titleRate);
        }
        // A bare name inside a longer personal name (الملك فهد، عبد الله بن سعود) is not that tag —
        // unless the tag is known to be a person, whose titles and patronyms are normal context.
        if (tag.type !== 'person' && (NAME_LINKS.has(toks[match.tokenStart - 1]?.key ?? '') || NAME_LINKS.has(toks[match.tokenEnd]?.key ?? '') || (bg !== undefined && single && isGivenName(bg, toks[match.tokenStart - 1]?.key)))) nameFragments++;
        // A person's name after بن is someone's father: مشاري بن سعود بن عبد العزيز is not King Saud.
        else if (tag.type === 'person' && PATRONYM_LINKS.has(toks[match.tokenStart - 1]?.key ?? '')) nameFragments++;
        // A topic named by one of the words that signal it (صحيفة for الصحافة) is weaker than by its name.
        const signalWord = tag.type === 'topic' && pattern.alias === true;
        if (isStrong(kind) && !doubt && !signalWord && share < FRAGMENT_LIMIT) {
          strong++;
          const form = formStatistics(cv, m, info, background);
          strongSpecificity = Math.max(strongSpecificity, form.specificity);
          strongTitleRate = Math.max(strongTitleRate, form.titleRate);
          if (m.field === 'title') strongInTitle = true;
          else if (m.start < leadEnd) strongInLead = true;
          if (!single) strongMultiword = true;
        }
        if (cues && cues.size > 0 && !context) {
          const to = Math.min(toks.length, match.tokenEnd + CUE_WINDOW);
          for (let i = Math.max(0, match.tokenStart - CUE_WINDOW); i < to; i++) {
            if ((i < match.tokenStart || i >= match.tokenEnd) && cues.has(toks[i]!.key)) {
              context = 1;
              break;
            }
          }
        }
      }
      const n = ms.length;
      const features: Features = {
        bias: 1,
        titleStrong: strongInTitle ? 1 : 0,
        titleWeak: !strongInTitle && usableInTitle ? 1 : 0,
        lead: strongInLead ? 1 : 0,
        logStrong: Math.log2(1 + strong),
        // Repetition says more of a known entity than of a word that may be just a word.
        logStrongTyped: tag.type ? Math.log2(1 + strong) : 0,
        logWeak: Math.log2(1 + usable - strong),
        spread: ((thirds & 1) + ((thirds >> 1) & 1) + ((thirds >> 2) & 1)) / 3,
        specificity: strong > 0 ? strongSpecificity : usable > 0 ? usableSpecificity : info.specificity,
        titleRate: strong > 0 ? strongTitleRate : usable > 0 ? usableTitleRate : info.titleRate,
        // Judged on the forms the text used: صحيفة الحياة is unambiguous where الحياة alone is not.
        multiword: strongMultiword ? 1 : 0,
        fragment: n > 0 ? fragment / n : 0,
        // Per mention: 1 when no usable mention of an ambiguous name is confirmed by its context.
        ambiguous: tag.ambiguous && !strongMultiword ? ambiguityOf(usableRefs) : 0,
        context,
        typed: tag.type ? 1 : 0,
        nisbaOnly: allNisba ? 1 : 0,
        // Nisba forms a vocabulary lists (الإيرانية for إيران) are reliable; derived ones less so.
        listedNisba: Math.log2(1 + listedNisba),
        weakOnly: strong === 0 ? 1 : 0,
        nameFragment: n > 0 ? nameFragments / n : 0,
        rareNeighbour: n > 0 ? rare / n : 0,
        coordination: info.coordination,
        headAnaphor: info.bareKey !== undefined && heads.has(info.bareKey) ? 1 : 0,
      };
      // Every mention a doubtful reading (وكيل read as و + كيل, another country's «المملكة»): no evidence at all.
      return { tag: bestTag, refs: ms, score: usable > 0 ? scoreOf(features) : 0, features, twins, doubtfulClitics: doubtful, usable: usableRefs };
  }
}

/**
 * Two entries can share a name (a generic وزارة الصحة and the Saudi one): when two groups rest
 * on exactly the same words, they are readings of one mention — keep the better-scored one.
 */
function dropHomonyms(scored: Scored[]): Scored[] {
  // Most groups differ already in their first mention: compare whole spans only where they do not.
  const byFirst = new Map<number, Scored[]>();
  for (const s of scored) {
    const r = s.refs[0]!;
    const k = (r.field === 'title' ? 0 : 1) + 2 * r.start;
    const list = byFirst.get(k);
    if (list === undefined) byFirst.set(k, [s]);
    else list.push(s);
  }
  const out: Scored[] = [];
  for (const list of byFirst.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const best = new Map<string, Scored>();
    for (const s of list) {
      const key = s.refs.map((m) => `${m.field}${m.start}-${m.end}`).join(',');
      const prev = best.get(key);
      // Equal scores go to the first tag of the vocabulary, not the first scored: the pruned and
      // the full scoring meet the groups in different orders and must keep the same one.
      if (!prev || s.score > prev.score || (s.score === prev.score && s.tag < prev.tag)) best.set(key, s);
    }
    out.push(...best.values());
  }
  return out;
}

/**
 * Disambiguation and scoring. Candidates naming one entity are grouped (twins such as
 * حماس / حركة حماس or مفاوضات / المفاوضات), each group gets named features from its mentions
 * and from the background model of Arabic news, and the score is a logistic function of a
 * weighted sum of those features — so every score can be explained feature by feature.
 */
import type { BackgroundModel } from './background.js';
import { CandidateList, collectCandidates, type FieldText, type MatchRef } from './candidates.js';
import type { CompiledTag, CompiledVocabulary, Pattern } from './vocabulary/compile.js';
import { trieChild } from './vocabulary/trie.js';
import { KIND_RANK } from './match.js';
import { CUE_WINDOW, cuesFor } from './cues.js';
import { SIGNAL_CONFIDENCE } from './disambiguate.js';
import { createReach, FEATURE_NAMES, R, reachOf, thirdsShare, weighFeatures, type FeatureValues, type Reach, type Tally } from './features.js';
import { foldKey, keyOfLight } from './fold.js';
import type { Evidence, MatchKind, TagType } from './types.js';
import { WordFacts, type TextFacts } from './word-facts.js';

export type { Features } from './features.js';

export interface Scored {
  /** The tag reported for the group: the best-evidenced of the twins. */
  tag: number;
  /** The group's matches, one per span, title first then in text order. */
  refs: MatchRef[];
  score: number;
  /** Its features' values, in FEATURES order (featuresOf makes a record of them). */
  values: FeatureValues;
  twins: number;
  doubtfulClitics: number;
  /** The refs that are evidence (not doubtful readings): the mentions mention mode reports. */
  usable: MatchRef[];
}

/** Evidence of the name itself, not of a related form (inflected, nisba). Compared, not hashed: asked per mention. */
function isStrong(kind: MatchKind): boolean {
  return kind === 'exact' || kind === 'clitic' || kind === 'variant';
}

/** isStrong of a kind by its KIND_RANK: the strong kinds rank first. */
function isStrongRank(rank: number): boolean {
  return rank <= KIND_RANK.clitic;
}

function kindOf(ref: MatchRef): MatchKind {
  return ref.matches.kind(ref.index);
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

/** Words after which a personal name is a father's or ancestor's, part of another person's name. */
const PATRONYM_LINKS: ReadonlySet<string> = new Set(['بن', 'ابن', 'بنت'].map(foldKey));

function logistic(z: number): number {
  return 1 / (1 + Math.exp(-z));
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
  for (let i = 0; i < FEATURE_NAMES.length; i++) if (FEATURE_NAMES[i] !== 'bias') evidence[FEATURE_NAMES[i]!] = s.values[i]!;
  evidence.twins = s.twins;
  evidence.doubtfulClitics = s.doubtfulClitics;
  const best = s.refs.find((r) => isStrong(kindOf(r))) ?? s.refs[0]!;
  evidence.bestKind = kindOf(best);
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

interface FormStats {
  specificity: number;
  titleRate: number;
}

/**
 * What ranking keeps from article to article, owned by its caller (a Tagger makes one): what
 * each tag and pattern of the vocabulary is like, computed once, and scratch arrays reused.
 * It serves one vocabulary and background model at a time, and starts over when given others.
 */
export interface RankCaches {
  vocabulary: CompiledVocabulary | undefined;
  background: BackgroundModel | undefined;
  // Filled up front: arrays written at scattered ids would fall back to dictionaries.
  tagInfos: (TagInfo | undefined)[];
  patternStats: (FormStats | undefined)[];
  /** Per tag, the background's document frequency of its key + 1, 0 until asked (readingDoubt). */
  tagKeyDf: Int32Array;
  kindNames: ReadonlySet<number> | undefined;
  /** Scratch, all 0 between calls: 1 + the index of an entity's group in the article being scored. */
  groupOf: Int32Array;
  /** Scratch, all 0 between calls: twice an entity's mentions, + 1 when a word like «المملكة» may name it. */
  weight: Int32Array;
  /** Per tag, TAG_RECORD numbers (tagRecord), and per pattern PATTERN_RECORD (patternRecord): empty until ranking runs. */
  tagRecords: Float64Array;
  patternRecords: Float64Array;
  /** A number per word by which a later mention may refer back to a tag (TagInfo's anaphors and bareKey). */
  anaphorIds: Map<string, number>;
  /** Scratch: per anaphor id, the stamp of the last call to find it a head; headStamp, the current call's. */
  heads: Int32Array;
  headStamp: number;
  /** The key of a pattern's first light, by pattern, kept once asked for. */
  firstKeys: (string | undefined)[];
  /** Scratch: the refs of the groups being scored, as ids of the candidates' refs, and the chains of a group's members. */
  groupRefs: Int32Array;
  nextMember: Int32Array;
  /** The pre-bound's candidates (viableCandidates), filled again for each article. */
  candidates: CandidateList;
  /** The pre-bound's per-entity records (viableCandidates), empty until it runs. */
  boundRecords: Float64Array;
  touched: number[];
  /** The background's facts of the words, shared with the other stages that ask them. */
  readonly wordFacts: WordFacts;
  /** Scratch: the group being scored, and the group or entity being bounded. */
  tally: Tally;
  reach: Reach;
}

export function createRankCaches(wordFacts: WordFacts = new WordFacts()): RankCaches {
  const tally: Tally = {
    mentions: 0,
    usable: 0,
    strong: 0,
    strongInTitle: false,
    usableInTitle: false,
    strongInLead: false,
    strongMultiword: false,
    thirds: 0,
    strongSpecificity: 0,
    strongTitleRate: 0,
    usableSpecificity: 0,
    usableTitleRate: 0,
    labelSpecificity: 0,
    labelTitleRate: 0,
    fragmentShare: 0,
    nameFragments: 0,
    rareNeighbours: 0,
    ambiguity: 0,
    context: false,
    typed: false,
    allNisba: false,
    listedNisba: 0,
    coordination: 0,
    headAnaphor: false,
  };
  const reach = createReach();
  const none = new Int32Array(0);
  return { vocabulary: undefined, background: undefined, tagInfos: [], patternStats: [], tagKeyDf: none, kindNames: undefined, groupOf: none, weight: none, tagRecords: new Float64Array(0), patternRecords: new Float64Array(0), anaphorIds: new Map(), heads: none, headStamp: 0, firstKeys: [], groupRefs: none, nextMember: none, candidates: new CandidateList(), boundRecords: new Float64Array(0), touched: [], wordFacts, tally, reach };
}

/** The caches, serving `cv` and `background`. */
function serving(c: RankCaches, cv: CompiledVocabulary, background: BackgroundModel | undefined): RankCaches {
  if (c.vocabulary !== cv || c.background !== background) {
    c.vocabulary = cv;
    c.background = background;
    c.tagInfos = new Array<TagInfo | undefined>(cv.tags.length).fill(undefined);
    c.patternStats = new Array<FormStats | undefined>(cv.patterns.length).fill(undefined);
    c.tagKeyDf = new Int32Array(cv.tags.length);
    c.kindNames = undefined;
    const entities = cv.tagTable.firstOfEntity.length;
    c.groupOf = new Int32Array(entities);
    c.weight = new Int32Array(entities);
    c.tagRecords = new Float64Array(0);
    c.patternRecords = new Float64Array(0);
    c.anaphorIds.clear();
    c.heads = new Int32Array(0);
    c.headStamp = 0;
    c.firstKeys = new Array<string | undefined>(cv.patterns.length).fill(undefined);
    c.boundRecords = new Float64Array(0);
    c.touched.length = 0;
  }
  if (c.tagRecords.length === 0) {
    c.tagRecords = new Float64Array(cv.tags.length * TAG_RECORD);
    c.patternRecords = new Float64Array(cv.patterns.length * PATTERN_RECORD);
  }
  return c;
}

/*
 * Ranking reads a few facts of a group's tag and of each mention's pattern, hundreds of times an
 * article with a big vocabulary: kept in one flat record per tag and per pattern (one memory line
 * each), not read from the vocabulary's row objects and the TagInfo objects scattered on the heap.
 */

/** Per tag, stride TAG_RECORD: specificity, title rate (in that order, as a pattern's form statistics), flags (0 until filled), the ids of its bare key and of two anaphors (-1: none), coordination. */
const TAG_RECORD = 8;
const TAG_SPECIFICITY = 0;
const TAG_TITLE_RATE = 1;
const TAG_FLAGS = 2;
const TAG_BARE_KEY = 3;
const TAG_ANAPHORS = 4;
const TAG_COORDINATION = 6;
const TAG_FILLED = 1;
const TAG_TYPED = 2;
const TAG_CUES = 4;
const TAG_NISBA_LABEL = 8;

/** The offset of a tag's record in c.tagRecords, filled on first use. */
function tagRecord(c: RankCaches, index: number): number {
  const at = index * TAG_RECORD;
  const v = c.tagRecords;
  if (v[at + TAG_FLAGS] !== 0) return at;
  const tag = c.vocabulary!.tags.get(index);
  const info = tagInfo(c, index);
  let flags = TAG_FILLED;
  if (tag.type) flags |= TAG_TYPED;
  if (info.cues !== undefined && info.cues.size > 0) flags |= TAG_CUES;
  if (tag.nisbaLabel) flags |= TAG_NISBA_LABEL;
  v[at + TAG_SPECIFICITY] = info.specificity;
  v[at + TAG_TITLE_RATE] = info.titleRate;
  v[at + TAG_BARE_KEY] = info.bareKey === undefined ? -1 : anaphorId(c, info.bareKey);
  v[at + TAG_ANAPHORS] = info.anaphors.length > 0 ? anaphorId(c, info.anaphors[0]!) : -1;
  v[at + TAG_ANAPHORS + 1] = info.anaphors.length > 1 ? anaphorId(c, info.anaphors[1]!) : -1;
  v[at + TAG_COORDINATION] = info.coordination;
  v[at + TAG_FLAGS] = flags;
  return at;
}

function nisbaLabelled(c: RankCaches, index: number): boolean {
  return (c.tagRecords[tagRecord(c, index) + TAG_FLAGS]! & TAG_NISBA_LABEL) !== 0;
}

function anaphorId(c: RankCaches, key: string): number {
  let id = c.anaphorIds.get(key);
  if (id === undefined) {
    id = c.anaphorIds.size;
    c.anaphorIds.set(key, id);
    if (id >= c.heads.length) {
      const grown = new Int32Array(Math.max(1024, 2 * c.heads.length));
      grown.set(c.heads);
      c.heads = grown;
    }
  }
  return id;
}

/**
 * Per pattern, stride PATTERN_RECORD: what a match of it could bring to any group it joins
 * (the pre-bound's: least coordination, specificity, title rate), its flags (0 until filled), and
 * its own form's specificity and title rate (in that order, as a tag's).
 */
const PATTERN_RECORD = 6;
const BOUND_COORDINATION = 0;
const BOUND_SPECIFICITY = 1;
const BOUND_TITLE_RATE = 2;
const PATTERN_FLAGS = 3;
const FORM_SPECIFICITY = 4;
const FORM_TITLE_RATE = 5;

/** The key of a pattern's first light. */
function firstKeyOf(c: RankCaches, pid: number): string {
  let key = c.firstKeys[pid];
  if (key === undefined) {
    key = keyOfLight(c.vocabulary!.patterns.get(pid).lights[0]!);
    c.firstKeys[pid] = key;
  }
  return key;
}

function patternStatistics(c: RankCaches, pid: number): FormStats {
  let st = c.patternStats[pid];
  if (st === undefined) {
    const p = c.vocabulary!.patterns.get(pid);
    st = tagStatistics(p.lights.map((l, k) => (p.rewritten[k] ? l : keyOfLight(l))), c.background);
    c.patternStats[pid] = st;
  }
  return st;
}

function tagInfo(c: RankCaches, index: number): TagInfo {
  let info = c.tagInfos[index];
  if (info === undefined) {
    const cv = c.vocabulary!;
    const background = c.background;
    const keys = cv.tags.get(index).key.split(' ');
    const stats = tagStatistics(keys, background);
    const tag = cv.tags.get(index);
    const anaphors: string[] = [];
    if (tag.labelTokens > 1) {
      anaphors.push(withoutArticle(keys[0]!));
      if (isPersonalName(tag, keys, background && background.documents > 0 ? background : undefined)) anaphors.push(withoutArticle(keys[keys.length - 1]!));
    }
    info = { keys, specificity: stats.specificity, titleRate: stats.titleRate, coordination: isCoordination(keys) ? 1 : 0, anaphors, bareKey: keys.length === 1 ? withoutArticle(keys[0]!) : undefined, cues: cuesFor(tag) };
    c.tagInfos[index] = info;
  }
  return info;
}

/** Background statistics of a tag's words: how specific (rare) and how title-worthy they are. */
function tagStatistics(keys: string[], bg: BackgroundModel | undefined): FormStats {
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
 * For the one-word mention at `token`.
 */
function fragmentShare(facts: TextFacts, keys: readonly string[], length: number, token: number): number {
  const key = keys[token]!;
  if (!key.startsWith('ال')) return 0;
  const left = token > 0 && keys[token - 1]!.startsWith('ال');
  const right = token + 1 < length && keys[token + 1]!.startsWith('ال');
  if (!left && !right) return 0;
  // BackgroundModel.fragmentShare and neighbourBond, from the pairs this text has asked already.
  const df = facts.df(token);
  const leftPair = left ? facts.pairBefore(token) : 0;
  const share = df === 0 ? 0 : Math.min(1, Math.max(leftPair, right ? facts.pairBefore(token + 1) : 0) / df);
  if (!left) return share;
  // After its head, a modifier is bound when the head rarely goes without it (الأمم → المتحدة),
  // however many other heads the modifier serves.
  const headDf = leftPair === 0 ? 0 : facts.df(token - 1);
  return Math.max(share, leftPair === 0 || headDf === 0 ? 0 : Math.min(1, leftPair / headDf));
}

/**
 * A neighbour the background has rarely seen, and never beside this word, is most likely
 * the other half of a foreign or compound name (هاريسون فورد for the tag فورد).
 */
function rareNeighbour(facts: TextFacts, keys: readonly string[], length: number, tokenStart: number, tokenEnd: number): boolean {
  if (tokenStart > 0 && keys[tokenStart - 1]!.length > 2 && facts.df(tokenStart - 1) < RARE_DF && facts.pairBefore(tokenStart) === 0) return true;
  return tokenEnd < length && keys[tokenEnd]!.length > 2 && facts.df(tokenEnd) < RARE_DF && facts.pairBefore(tokenEnd) === 0;
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
  for (const r of usable) best = Math.max(best, r.matches.confidences[r.index]!);
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
function readingDoubt(c: RankCaches, bg: BackgroundModel, facts: TextFacts, token: number, tag: number): boolean {
  const whole = facts.df(token);
  if (whole < 30) return false;
  let tagDf = c.tagKeyDf[tag]!;
  if (tagDf === 0) c.tagKeyDf[tag] = tagDf = bg.df(c.vocabulary!.tags.get(tag).key) + 1;
  return whole > 2 * (tagDf - 1);
}

function fieldOf(fields: readonly FieldText[], name: 'title' | 'body'): FieldText | undefined {
  return fields.find((f) => f.field === name);
}

/** What an entity's mentions are like, as bits of the pre-bound's records (with LISTED_NISBA, a pattern's, beside them). */
const LISTED_NISBA = 1;
const TYPED = 2;
const IN_TITLE = 4;
const STRONG_IN_TITLE = 8;
const STRONG_IN_LEAD = 16;
const STRONG_MULTIWORD = 32;
const NOT_ALL_NISBA = 64;
const CUES = 128;
/** A pattern's own flags, beside LISTED_NISBA, TYPED and CUES: its record is filled, it is an alias, it names a country by its kind. */
const PATTERN_FILLED = 256;
const ALIAS = 512;
const BY_KIND = 1024;

/** Which third of the body an offset is in. */
function thirdOf(offset: number, bodyLength: number): number {
  return Math.min(2, Math.floor((3 * offset) / bodyLength));
}

/** z at its most favourable is never below the score's z, whatever the order the terms are summed in. */
const BOUND_SLACK = 1e-9;

/**
 * The highest z a group could reach: features that need the background or the text around a
 * mention (doubtful readings, fragments, name links, context) taken at their most favourable.
 */
function upperBound(c: RankCaches, tagAt: number, candidates: CandidateList, refs: Int32Array, from: number, to: number, leadEnd: number, bodyLength: number): number {
  const tv = c.tagRecords;
  const pv = c.patternRecords;
  const r = c.reach;
  let strong = 0;
  // With no usable mention the label's own statistics stand in: they bound the score too.
  const labelSpecificity = tv[tagAt + TAG_SPECIFICITY]!;
  const labelTitleRate = tv[tagAt + TAG_TITLE_RATE]!;
  let specificity = labelSpecificity;
  let titleRate = labelTitleRate;
  let title = false;
  let strongTitle = false;
  let lead = false;
  let multiword = false;
  let allNisba = true;
  let listed = 0;
  let thirds = 0;
  const { fields, refFields, refRows, refOffsets } = candidates;
  for (let j = from; j < to; j++) {
    const ref = refs[j]!;
    const f = fields[refFields[ref]!]!;
    const matches = f.matches;
    const row = refRows[ref]!;
    const start = refOffsets[ref]!;
    const rank = matches.kinds[row]!;
    const at = patternRecord(c, matches.patterns[row]!);
    // A nisba speaks for its entity, so it takes the tag's label's statistics.
    const nisba = rank === KIND_RANK.nisba;
    specificity = Math.max(specificity, nisba ? labelSpecificity : pv[at + FORM_SPECIFICITY]!);
    titleRate = Math.max(titleRate, nisba ? labelTitleRate : pv[at + FORM_TITLE_RATE]!);
    if (!nisba) allNisba = false;
    if (pv[at + PATTERN_FLAGS]! & LISTED_NISBA) listed++;
    const inTitle = f.field === 'title';
    if (inTitle) title = true;
    else if (bodyLength > 0) thirds |= 1 << thirdOf(start, bodyLength);
    if (isStrongRank(rank)) {
      strong++;
      if (inTitle) strongTitle = true;
      else if (start < leadEnd) lead = true;
      if (matches.tokenEnds[row]! - matches.tokenStarts[row]! > 1) multiword = true;
    }
  }
  const flags = tv[tagAt + TAG_FLAGS]!;
  const bare = tv[tagAt + TAG_BARE_KEY]!;
  r[R.mentions] = to - from;
  r[R.strong] = strong;
  r[R.noStrong] = strong === 0 ? 1 : 0;
  r[R.listed] = listed;
  r[R.inTitle] = title ? 1 : 0;
  r[R.strongInTitle] = strongTitle ? 1 : 0;
  r[R.strongInLead] = lead ? 1 : 0;
  r[R.strongMultiword] = multiword ? 1 : 0;
  r[R.allNisba] = allNisba ? 1 : 0;
  r[R.spread] = thirdsShare(thirds);
  r[R.specificity] = specificity;
  r[R.titleRate] = titleRate;
  r[R.typed] = flags & TAG_TYPED ? 1 : 0;
  r[R.cues] = flags & TAG_CUES ? 1 : 0;
  r[R.coordination] = tv[tagAt + TAG_COORDINATION]!;
  r[R.headAnaphor] = bare >= 0 && c.heads[bare] === c.headStamp ? 1 : 0;
  return reachOf(r) + BOUND_SLACK;
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

/** The name of an entity by its number: its first tag's. */
function entityName(cv: CompiledVocabulary, entity: number): string {
  return cv.tags.get(cv.tagTable.firstOfEntity[entity]!).entity;
}

/**
 * The patterns that name a country by its kind («المملكة»): a handful, found once per vocabulary.
 * A one-word pattern ends at the trie node of its word's key, which is its light's key: only the
 * patterns ending at the kind words' nodes need looking at, not every pattern.
 */
export function kindNamePatterns(cv: CompiledVocabulary): ReadonlySet<number> {
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
  return found;
}

/*
 * A pre-bound, before any candidate is built. A big vocabulary matches nearly every content word
 * of an article (hundreds of matches), and all but a few dozen of the entities they name cannot
 * reach the cut whatever their context. Their bound needs only counts over their matches and
 * what each matched pattern could bring (its words' statistics, its tag's type and cues), read
 * from one flat array: no object per match, per candidate or per group for the entities dropped.
 * An entity's facts are never less favourable than those of the group it becomes (its matches
 * are the group's, before twins' duplicate spans are dropped), so the output is that of scoring
 * every candidate.
 */

/**
 * The offset of a pattern's record in c.patternRecords, filled on first use. The group a match
 * joins may be reported as the pattern's tag or, for a nisba-labelled tag, as the tag naming its
 * entity (namedTwin): the bound takes the facts of both at their most favourable.
 */
function patternRecord(c: RankCaches, pid: number): number {
  const at = pid * PATTERN_RECORD;
  const v = c.patternRecords;
  if (v[at + PATTERN_FLAGS] !== 0) return at;
  const cv = c.vocabulary!;
  const p = cv.patterns.get(pid);
  const form = patternStatistics(c, pid);
  let coordination = Infinity;
  let specificity = form.specificity;
  let titleRate = form.titleRate;
  let flags = PATTERN_FILLED | (p.nisba ? LISTED_NISBA : 0) | (p.alias === true ? ALIAS : 0) | (namesByKind(p) ? BY_KIND : 0);
  const own = p.tag;
  const reported = cv.tags.get(own).nisbaLabel ? namedTwin(cv, own) : own;
  for (const t of reported === own ? [own] : [own, reported]) {
    const tag = cv.tags.get(t);
    const info = tagInfo(c, t);
    // A nisba mention takes the reported tag's statistics, and a group with no usable mention its label's.
    specificity = Math.max(specificity, info.specificity);
    titleRate = Math.max(titleRate, info.titleRate);
    if (tag.type) flags |= TYPED;
    if (info.cues && info.cues.size > 0) flags |= CUES;
    coordination = Math.min(coordination, info.coordination);
  }
  v[at + BOUND_COORDINATION] = coordination;
  v[at + BOUND_SPECIFICITY] = specificity;
  v[at + BOUND_TITLE_RATE] = titleRate;
  v[at + FORM_SPECIFICITY] = form.specificity;
  v[at + FORM_TITLE_RATE] = form.titleRate;
  v[at + PATTERN_FLAGS] = flags;
  return at;
}

/**
 * Per-entity facts of the article being bounded, a record of BOUND_RECORD numbers per entity in
 * one column of the vocabulary (one memory line per entity touched, not one per count), all 0
 * between articles: mentions, strong mentions, listed nisba mentions, flags, then the best
 * specificity, title rate and coordination of its patterns.
 */
const BOUND_RECORD = 8;
const MENTIONS = 0;
const STRONG = 1;
const LISTED = 2;
const FLAGS = 3;
const SPECIFICITY = 4;
const TITLE_RATE = 5;
const COORDINATION = 6;

/**
 * The candidates of the matches (as collectCandidates), leaving out those whose entity cannot
 * reach `minScore`: the same scores for every group that can. The list is the caches' own
 * (RankCaches.candidates), filled again by their next call.
 */
export function viableCandidates(caches: RankCaches, cv: CompiledVocabulary, fields: readonly FieldText[], background: BackgroundModel | undefined, minScore: number): CandidateList {
  if (!(minScore > 0)) return collectCandidates(fields);
  const c = serving(caches, cv, background);
  if (c.boundRecords.length === 0) c.boundRecords = new Float64Array(c.groupOf.length * BOUND_RECORD);
  const entityOf = cv.tagTable.entityOf;
  const v = c.patternRecords;
  const r = c.boundRecords;
  const touched = c.touched;
  const bodyLength = fieldOf(fields, 'body')?.text.length ?? 0;
  const leadEnd = Math.max(400, bodyLength * 0.25);
  for (const f of fields) {
    const inTitle = f.field === 'title';
    const matches = f.matches;
    const { tags, patterns, kinds, tokenStarts, tokenEnds } = matches;
    const starts = f.tokenized.starts;
    for (let k = 0; k < matches.length; k++) {
      const e = entityOf[tags[k]!]! * BOUND_RECORD;
      const at = patternRecord(c, patterns[k]!);
      if (r[e + MENTIONS] === 0) {
        touched.push(e);
        r[e + SPECIFICITY] = -Infinity;
        r[e + TITLE_RATE] = -Infinity;
        r[e + COORDINATION] = Infinity;
      }
      r[e + MENTIONS]!++;
      const patternFlags = v[at + PATTERN_FLAGS]!;
      let flags = r[e + FLAGS]! | (patternFlags & (TYPED | CUES));
      if (patternFlags & LISTED_NISBA) r[e + LISTED]!++;
      const rank = kinds[k]!;
      if (rank !== KIND_RANK.nisba) flags |= NOT_ALL_NISBA;
      if (inTitle) flags |= IN_TITLE;
      if (isStrongRank(rank)) {
        r[e + STRONG]!++;
        if (inTitle) flags |= STRONG_IN_TITLE;
        else if (starts[tokenStarts[k]!]! < leadEnd) flags |= STRONG_IN_LEAD;
        if (tokenEnds[k]! - tokenStarts[k]! > 1) flags |= STRONG_MULTIWORD;
      }
      r[e + FLAGS] = flags;
      if (v[at + BOUND_COORDINATION]! < r[e + COORDINATION]!) r[e + COORDINATION] = v[at + BOUND_COORDINATION]!;
      if (v[at + BOUND_SPECIFICITY]! > r[e + SPECIFICITY]!) r[e + SPECIFICITY] = v[at + BOUND_SPECIFICITY]!;
      if (v[at + BOUND_TITLE_RATE]! > r[e + TITLE_RATE]!) r[e + TITLE_RATE] = v[at + BOUND_TITLE_RATE]!;
    }
  }
  // Reused as the mark of the entities kept: 1 kept, 0 dropped (and the reset state).
  const keep = c.groupOf;
  const reach = c.reach;
  for (const e of touched) {
    const flags = r[e + FLAGS]!;
    const strong = r[e + STRONG]!;
    reach[R.mentions] = r[e + MENTIONS]!;
    reach[R.strong] = strong;
    reach[R.noStrong] = strong === 0 ? 1 : 0;
    reach[R.listed] = r[e + LISTED]!;
    reach[R.inTitle] = flags & IN_TITLE ? 1 : 0;
    reach[R.strongInTitle] = flags & STRONG_IN_TITLE ? 1 : 0;
    reach[R.strongInLead] = flags & STRONG_IN_LEAD ? 1 : 0;
    reach[R.strongMultiword] = flags & STRONG_MULTIWORD ? 1 : 0;
    reach[R.allNisba] = flags & NOT_ALL_NISBA ? 0 : 1;
    // Where the mentions are is not looked up for the thousands of entities bounded here.
    reach[R.spread] = 1;
    reach[R.specificity] = r[e + SPECIFICITY]!;
    reach[R.titleRate] = r[e + TITLE_RATE]!;
    reach[R.typed] = flags & TYPED ? 1 : 0;
    reach[R.cues] = flags & CUES ? 1 : 0;
    reach[R.coordination] = r[e + COORDINATION]!;
    // Known once groups are formed.
    reach[R.headAnaphor] = 0;
    keep[e / BOUND_RECORD] = rounded(logistic(reachOf(reach) + BOUND_SLACK)) >= minScore ? 1 : 0;
    r.fill(0, e, e + BOUND_RECORD);
  }
  const candidates = collectCandidates(fields, (tag) => keep[entityOf[tag]!] === 1, c.candidates);
  for (const e of touched) keep[e / BOUND_RECORD] = 0;
  touched.length = 0;
  return candidates;
}

/** A group of twin candidates waiting to be scored, with the best score it could reach. */
interface Pending {
  bestTag: number;
  /** Its refs, as ids of the candidates' refs at `from` … `to` - 1 of the call's groupRefs. */
  from: number;
  to: number;
  twins: number;
  bound: number;
}

/**
 * Scores the candidate groups. A group whose most favourable score (every uncertain feature at
 * its best) is below `minScore`, or below the `top` groups already scored, is dropped unscored:
 * the same output as scoring everything, at a fraction of the cost when a big vocabulary finds
 * hundreds of candidates in an article.
 */
export function scoreCandidates(caches: RankCaches, cv: CompiledVocabulary, candidates: CandidateList, fields: readonly FieldText[], background?: BackgroundModel, minScore = 0, top = Infinity): Scored[] {
  const cache = serving(caches, cv, background);
  const title = fieldOf(fields, 'title');
  const body = fieldOf(fields, 'body');
  const bodyLength = body?.text.length ?? 0;
  const leadEnd = Math.max(400, bodyLength * 0.25);
  const bg = background && background.documents > 0 ? background : undefined;
  // Slots as the disambiguation stage reads the fields (title, then body), which keeps what it asked.
  const titleFacts = bg !== undefined && title !== undefined ? cache.wordFacts.of(title.tokenized, bg, 0) : undefined;
  const bodyFacts = bg !== undefined && body !== undefined ? cache.wordFacts.of(body.tokenized, bg, 1) : undefined;
  // Words that refer back to a longer name found here: the head noun of a multi-word tag
  // («القطاع» after «قطاع غزة») and the family name of a personal name («فورد» after «هاريسون فورد»).
  // Marked by stamping their ids (cache.heads) with this call's number.
  if (cache.headStamp >= 0x7fffffff) {
    cache.heads.fill(0);
    cache.headStamp = 0;
  }
  const stamp = ++cache.headStamp;
  // Grouped by entity number through a per-vocabulary array, reset below: hundreds of candidates
  // an article with a big vocabulary, where a hash of entity names cost a probe each.
  // A group's members are a chain through nextMember, in the candidates' order.
  const entityOf = cv.tagTable.entityOf;
  const groupOf = cache.groupOf;
  const { tags: candidateTags, refStarts, refFields, refRows, refOffsets } = candidates;
  const refFieldOf = candidates.fields;
  const groupFirst: number[] = [];
  const groupLast: number[] = [];
  if (cache.nextMember.length < candidates.length) cache.nextMember = new Int32Array(Math.max(candidates.length, 2 * cache.nextMember.length));
  const nextMember = cache.nextMember;
  for (let k = 0; k < candidates.length; k++) {
    const e = entityOf[candidateTags[k]!]!;
    const at = groupOf[e]! - 1;
    nextMember[k] = -1;
    if (at < 0) {
      groupOf[e] = groupFirst.push(k);
      groupLast.push(k);
    } else {
      nextMember[groupLast[at]!] = k;
      groupLast[at] = k;
    }
  }
  const refCount = refStarts[candidates.length]!;
  if (cache.groupRefs.length < refCount) cache.groupRefs = new Int32Array(Math.max(refCount, 2 * cache.groupRefs.length));
  const groupRefs = cache.groupRefs;
  let groupRefsUsed = 0;
  // From every match, not only the candidates given: a name the pre-bound dropped still refers back.
  const multiWord = cv.tagTable.multiWord;
  for (const f of fields) {
    const tags = f.matches.tags;
    for (let k = 0; k < f.matches.length; k++) {
      if (multiWord[tags[k]!] !== 1) continue;
      const at = tagRecord(cache, tags[k]!) + TAG_ANAPHORS;
      const tv = cache.tagRecords;
      // Read after tagRecord, which may grow the marks.
      if (tv[at]! >= 0) cache.heads[tv[at]!] = stamp;
      if (tv[at + 1]! >= 0) cache.heads[tv[at + 1]!] = stamp;
    }
  }
  for (let k = 0; k < candidates.length; k++) groupOf[entityOf[candidateTags[k]!]!] = 0;
  let kingdoms: Map<string, string> | undefined;
  const pending: Pending[] = [];
  for (const first of groupFirst) {
    let bestTag = candidateTags[first]!;
    let twins = 0;
    for (let k = first; k >= 0; k = nextMember[k]!) twins++;
    const from = groupRefsUsed;
    if (twins === 1) {
      // A lone candidate's matches are already in text order, title first.
      for (let i = refStarts[first]!; i < refStarts[first + 1]!; i++) groupRefs[groupRefsUsed++] = i;
    } else {
      // The reported twin: a name before a nisba-named tag, then most strong mentions in the
      // title, then overall, then the longer name.
      let best = { title: -1, strong: -1, all: -1 };
      for (let k = first; k >= 0; k = nextMember[k]!) {
        const s = { title: 0, strong: 0, all: refStarts[k + 1]! - refStarts[k]! };
        for (let i = refStarts[k]!; i < refStarts[k + 1]!; i++) {
          const f = refFieldOf[refFields[i]!]!;
          if (!isStrongRank(f.matches.kinds[refRows[i]!]!)) continue;
          s.strong++;
          if (f.field === 'title') s.title++;
        }
        const t = candidateTags[k]!;
        const better = best.all < 0 ? 1 : Number(!nisbaLabelled(cache, t)) - Number(!nisbaLabelled(cache, bestTag)) || s.title - best.title || s.strong - best.strong || s.all - best.all || cv.tags.get(t).labelTokens - cv.tags.get(bestTag).labelTokens || bestTag - t;
        if (better > 0) {
          bestTag = t;
          best = s;
        }
      }
      // One mention per span: twins can both match the same words (مفاوضات and المفاوضات),
      // in text order, title first: a key of both, unique once spans are.
      const spanKey = (i: number): number => (refFieldOf[refFields[i]!]!.field === 'title' ? 0 : 1) + 2 * refOffsets[i]!;
      const seen = new Set<number>();
      const ids: number[] = [];
      for (let k = first; k >= 0; k = nextMember[k]!) {
        for (let i = refStarts[k]!; i < refStarts[k + 1]!; i++) {
          const key = spanKey(i);
          if (!seen.has(key)) {
            seen.add(key);
            ids.push(i);
          }
        }
      }
      ids.sort((a, b) => spanKey(a) % 2 - spanKey(b) % 2 || refOffsets[a]! - refOffsets[b]!);
      for (const i of ids) groupRefs[groupRefsUsed++] = i;
    }
    const to = groupRefsUsed;
    // A country seen only through its nisba is still reported by its name when the vocabulary has it (الإيراني → إيران).
    if (nisbaLabelled(cache, bestTag)) bestTag = namedTwin(cv, bestTag);
    const bound = minScore > 0 || Number.isFinite(top) ? logistic(upperBound(cache, tagRecord(cache, bestTag), candidates, groupRefs, from, to, leadEnd, bodyLength)) : 1;
    if (rounded(bound) < minScore) {
      groupRefsUsed = from;
      continue;
    }
    pending.push({ bestTag, from, to, twins, bound });
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
      const kindPatterns = (cache.kindNames ??= kindNamePatterns(cv));
      const weight = cache.weight;
      const seen: number[] = [];
      const claims = new Map<string, number[]>();
      for (const f of fields) {
        const { tags, patterns, tokenStarts } = f.matches;
        for (let k = 0; k < f.matches.length; k++) {
          const e = entityOf[tags[k]!]!;
          if (weight[e] === 0) seen.push(e);
          if (!kindPatterns.has(patterns[k]!)) {
            weight[e]! += 2;
            continue;
          }
          // Odd until the entity has a mention of its own: seen in order, and never counted for its claims.
          weight[e]! |= 1;
          const at = `${f.field}${f.tokenized.starts[tokenStarts[k]!]!}`;
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

  function scoreGroup({ bestTag, from, to, twins }: Pending): Scored {
    const ms: MatchRef[] = [];
    for (let j = from; j < to; j++) ms.push(candidates.ref(groupRefs[j]!));
    const tag = cv.tags.get(bestTag);
    const tagAt = tagRecord(cache, bestTag);
    const tv = cache.tagRecords;
    const pv = cache.patternRecords;
    // The TagInfo object only when there are cues to read: most tags of a big vocabulary have none.
    const cues = tv[tagAt + TAG_FLAGS]! & TAG_CUES ? tagInfo(cache, bestTag).cues : undefined;
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
      const facts = m.field === 'title' ? titleFacts : bodyFacts;
      const { keys, length } = f.tokenized;
      const matches = m.matches;
      const tokenStart = matches.tokenStarts[m.index]!;
      const tokenEnd = matches.tokenEnds[m.index]!;
      const kind = matches.kind(m.index);
      const single = tokenEnd - tokenStart === 1;
      const pid = matches.patterns[m.index]!;
      const patternAt = patternRecord(cache, pid);
      const patternFlags = pv[patternAt + PATTERN_FLAGS]!;
      // The form's specificity, then its title rate: a nisba speaks for its entity, so it takes the tag's label's.
      const forms = kind === 'nisba' ? tv : pv;
      const formAt = kind === 'nisba' ? tagAt + TAG_SPECIFICITY : patternAt + FORM_SPECIFICITY;
      const before = tokenStart > 0 ? keys[tokenStart - 1] : undefined;
      const after = tokenEnd < length ? keys[tokenEnd] : undefined;
      let share = 0;
      let doubt = false;
      if (bg && facts && single) {
        // A nisba is an adjective by nature: following its noun is how it is used, not a fragment.
        share = kind === 'nisba' ? 0 : fragmentShare(facts, keys, length, tokenStart);
        if (tag.type !== 'person' && rareNeighbour(facts, keys, length, tokenStart, tokenEnd)) rare++;
        // Listed nisba forms are known to name the place; derived ones and stripped readings are checked.
        const listed = kind === 'nisba' && (patternFlags & LISTED_NISBA) !== 0;
        doubt = kind !== 'exact' && kind !== 'variant' && !listed && readingDoubt(cache, bg, facts, tokenStart, bestTag);
      }
      // The article added to a bare word (وحدة → الوحدة, شباب → الشباب) reads a name into a common
      // word: only topic nouns keep their meaning without the article.
      if (kind === 'inflected' && tag.type && tag.type !== 'topic' && articleAdded(keys[tokenStart]!, tag.key)) doubt = true;
      if (single && kind === 'clitic' && NAME_TYPES.has(tag.type) && articleGained(keys[tokenStart]!, firstKeyOf(cache, pid))) doubt = true;
      if (patternFlags & BY_KIND && kingdomOf(m) !== tag.entity) doubt = true;
      fragment += share;
      if (kind !== 'nisba') allNisba = false;
      if (m.field === 'body' && bodyLength > 0) thirds |= 1 << thirdOf(m.start, bodyLength);
      if (doubt) doubtful++;
      else {
        usable++;
        usableRefs.push(m);
        if (m.field === 'title') usableInTitle = true;
        if (patternFlags & LISTED_NISBA) listedNisba++;
        usableSpecificity = Math.max(usableSpecificity, forms[formAt]!);
        usableTitleRate = Math.max(usableTitleRate, forms[formAt + 1]!);
      }
      // A bare name inside a longer personal name (الملك فهد، عبد الله بن سعود) is not that tag —
      // unless the tag is known to be a person, whose titles and patronyms are normal context.
      if (tag.type !== 'person' && (NAME_LINKS.has(before ?? '') || NAME_LINKS.has(after ?? '') || (facts !== undefined && single && tokenStart > 0 && facts.givenNameInList(tokenStart - 1)))) nameFragments++;
      // A person's name after بن is someone's father: مشاري بن سعود بن عبد العزيز is not King Saud.
      else if (tag.type === 'person' && PATRONYM_LINKS.has(before ?? '')) nameFragments++;
      // A topic named by one of the words that signal it (صحيفة for الصحافة) is weaker than by its name.
      const signalWord = tag.type === 'topic' && (patternFlags & ALIAS) !== 0;
      if (isStrong(kind) && !doubt && !signalWord && share < FRAGMENT_LIMIT) {
        strong++;
        strongSpecificity = Math.max(strongSpecificity, forms[formAt]!);
        strongTitleRate = Math.max(strongTitleRate, forms[formAt + 1]!);
        if (m.field === 'title') strongInTitle = true;
        else if (m.start < leadEnd) strongInLead = true;
        if (!single) strongMultiword = true;
      }
      if (cues && cues.size > 0 && !context) {
        const to = Math.min(length, tokenEnd + CUE_WINDOW);
        for (let i = Math.max(0, tokenStart - CUE_WINDOW); i < to; i++) {
          if ((i < tokenStart || i >= tokenEnd) && cues.has(keys[i]!)) {
            context = 1;
            break;
          }
        }
      }
    }
    const t = cache.tally;
    t.mentions = ms.length;
    t.usable = usable;
    t.strong = strong;
    t.strongInTitle = strongInTitle;
    t.usableInTitle = usableInTitle;
    t.strongInLead = strongInLead;
    t.strongMultiword = strongMultiword;
    t.thirds = thirds;
    t.strongSpecificity = strongSpecificity;
    t.strongTitleRate = strongTitleRate;
    t.usableSpecificity = usableSpecificity;
    t.usableTitleRate = usableTitleRate;
    t.labelSpecificity = tv[tagAt + TAG_SPECIFICITY]!;
    t.labelTitleRate = tv[tagAt + TAG_TITLE_RATE]!;
    t.fragmentShare = fragment;
    t.nameFragments = nameFragments;
    t.rareNeighbours = rare;
    // Per mention: 1 when no usable mention of an ambiguous name is confirmed by its context.
    t.ambiguity = tag.ambiguous ? ambiguityOf(usableRefs) : 0;
    t.context = context === 1;
    t.typed = !!tag.type;
    t.allNisba = allNisba;
    t.listedNisba = listedNisba;
    t.coordination = tv[tagAt + TAG_COORDINATION]!;
    const bare = tv[tagAt + TAG_BARE_KEY]!;
    t.headAnaphor = bare >= 0 && cache.heads[bare] === stamp;
    const values = new Array<number>(FEATURE_NAMES.length);
    const z = weighFeatures(t, values);
    // Every mention a doubtful reading (وكيل read as و + كيل, another country's «المملكة»): no evidence at all.
    return { tag: bestTag, refs: ms, score: usable > 0 ? rounded(logistic(z)) : 0, values, twins, doubtfulClitics: doubtful, usable: usableRefs };
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

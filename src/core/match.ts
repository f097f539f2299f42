/**
 * The match stage: whole-token matching of a compiled vocabulary against tokenised text.
 *
 * The first token of a candidate span is analysed backwards — proclitics and the article
 * stripped, inflection and nisba endings removed — and each analysis costs one hash probe.
 * Following tokens of a multi-word tag must be the tag's tokens after folding. Letters are
 * then checked on light forms, so a hamza or ى the writer put in refuses a conflicting tag.
 * Finally the longest match wins: a match lying wholly inside another is dropped, and
 * among matches of one span only the strongest kind of analysis survives.
 */
import { INFLECTABLE_TYPES, type CompiledVocabulary, type Pattern } from './vocabulary/compile.js';
import { trieChild, type Trie } from './vocabulary/trie.js';
import { compatible, compatibleLetter, keyCodeOfLight, keyOfLight } from './fold.js';
import { FNV_OFFSET, fnvRange, fnvStep } from './hash.js';
import { ARTICLE, ARTICLE_PREFIXES, endsWithLam, INFLECTION_ENDINGS, MIN_INFLECTION_BASE, MIN_STEM, NISBA_ENDINGS, POSSESSIVE_SUFFIXES, PROCLITICS } from './morph.js';
import { TokenizedText, type Token, type WordSpace } from './tokenize.js';
import type { MatchKind } from './types.js';
import { canonicalKey } from './variants.js';

/** A match as an object: what matchText gives tools and tests (the stages read a MatchList). */
export interface Match {
  pattern: number;
  tag: number;
  /** Token span [tokenStart, tokenEnd): indices of the text's tokens, not offsets. */
  tokenStart: number;
  tokenEnd: number;
  kind: MatchKind;
  /** Set by the disambiguation stage: how sure it is that the span names the entry. */
  confidence: number;
  /** The disambiguation signals that lowered the confidence, when any did. */
  reasons: readonly string[] | undefined;
}

export const KIND_RANK: Readonly<Record<MatchKind, number>> = { exact: 0, variant: 1, clitic: 2, inflected: 3, nisba: 4 };
/** Kinds by rank. */
const KINDS: readonly MatchKind[] = ['exact', 'variant', 'clitic', 'inflected', 'nisba'];

export function weaker(a: MatchKind, b: MatchKind): MatchKind {
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

/**
 * The matches of one text in columns, match k being row k of each: a big vocabulary finds
 * hundreds of matches in an article, and an object per match (most of them scored and dropped)
 * costs an allocation each and memory spread over the heap, where a column is one array. The
 * match stage fills a list; the stages after it read the columns, write their verdicts into
 * them (confidence, reasons, kind), and keep rows in place or copy them into a new list.
 */
/** Bytes a row takes in a MatchList's buffer: a confidence, four ints, a kind. */
const ROW_BYTES = 8 + 4 * 4 + 1;

export class MatchList {
  length = 0;
  patterns: Int32Array;
  tags: Int32Array;
  /** Token span [tokenStart, tokenEnd): indices of the text's tokens, not offsets. */
  tokenStarts: Int32Array;
  tokenEnds: Int32Array;
  /** KIND_RANK of each match's kind. */
  kinds: Uint8Array;
  /** Set by the disambiguation stage: how sure it is that the span names the entry (1 until then). */
  confidences: Float64Array;
  /** The signals that lowered a match's confidence, by row; made when a row first gets some (most rows never do). */
  private reasonRows: (readonly string[] | undefined)[] | undefined = undefined;

  constructor(capacity = 16) {
    // One buffer for all the columns: an allocation per list, not per column.
    const buffer = new ArrayBuffer(capacity * ROW_BYTES);
    this.confidences = new Float64Array(buffer, 0, capacity);
    this.patterns = new Int32Array(buffer, 8 * capacity, capacity);
    this.tags = new Int32Array(buffer, 12 * capacity, capacity);
    this.tokenStarts = new Int32Array(buffer, 16 * capacity, capacity);
    this.tokenEnds = new Int32Array(buffer, 20 * capacity, capacity);
    this.kinds = new Uint8Array(buffer, 24 * capacity, capacity);
  }

  /** Appends a match of confidence 1 and no reasons; rank is the KIND_RANK of its kind. Returns its row. */
  add(pattern: number, tag: number, tokenStart: number, tokenEnd: number, rank: number): number {
    const k = this.length;
    if (k === this.patterns.length) this.grow();
    this.patterns[k] = pattern;
    this.tags[k] = tag;
    this.tokenStarts[k] = tokenStart;
    this.tokenEnds[k] = tokenEnd;
    this.kinds[k] = rank;
    this.confidences[k] = 1;
    this.length = k + 1;
    return k;
  }

  /** Appends row k of another list, its confidence and reasons with it. */
  addRow(from: MatchList, k: number): void {
    const row = this.add(from.patterns[k]!, from.tags[k]!, from.tokenStarts[k]!, from.tokenEnds[k]!, from.kinds[k]!);
    this.confidences[row] = from.confidences[k]!;
    const reasons = from.reasons(k);
    if (reasons !== undefined) this.setReasons(row, reasons);
  }

  kind(k: number): MatchKind {
    return KINDS[this.kinds[k]!]!;
  }

  reasons(k: number): readonly string[] | undefined {
    return this.reasonRows?.[k];
  }

  setReasons(k: number, reasons: readonly string[] | undefined): void {
    const rows = (this.reasonRows ??= []);
    // Filled up to the row, so that the array stays a packed one.
    while (rows.length < k) rows.push(undefined);
    rows[k] = reasons;
  }

  /** Keeps only the given rows (distinct, in increasing order), moved up in place. */
  keepRows(rows: readonly number[]): void {
    const kept = rows.length;
    if (kept === this.length) return;
    const reasons = this.reasonRows;
    for (let w = 0; w < kept; w++) {
      const k = rows[w]!;
      if (k === w) continue;
      this.patterns[w] = this.patterns[k]!;
      this.tags[w] = this.tags[k]!;
      this.tokenStarts[w] = this.tokenStarts[k]!;
      this.tokenEnds[w] = this.tokenEnds[k]!;
      this.kinds[w] = this.kinds[k]!;
      this.confidences[w] = this.confidences[k]!;
      // Rows past the end of the reasons have none.
      if (reasons !== undefined && w < reasons.length) reasons[w] = reasons[k];
    }
    this.length = kept;
    if (reasons !== undefined && reasons.length > kept) reasons.length = kept;
  }

  /** Row k as an object: for what is output, tools and tests. */
  toMatch(k: number): Match {
    return { pattern: this.patterns[k]!, tag: this.tags[k]!, tokenStart: this.tokenStarts[k]!, tokenEnd: this.tokenEnds[k]!, kind: this.kind(k), confidence: this.confidences[k]!, reasons: this.reasons(k) };
  }

  toMatches(): Match[] {
    const out: Match[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.toMatch(k));
    return out;
  }

  /** The list of match objects (made by tools and tests), in their order. */
  static of(matches: readonly Match[]): MatchList {
    const list = new MatchList(matches.length);
    for (const m of matches) {
      const k = list.add(m.pattern, m.tag, m.tokenStart, m.tokenEnd, KIND_RANK[m.kind]);
      list.confidences[k] = m.confidence;
      if (m.reasons !== undefined) list.setReasons(k, m.reasons);
    }
    return list;
  }

  private grow(): void {
    const grown = new MatchList(Math.max(16, 2 * this.patterns.length));
    grown.patterns.set(this.patterns);
    grown.tags.set(this.tags);
    grown.tokenStarts.set(this.tokenStarts);
    grown.tokenEnds.set(this.tokenEnds);
    grown.kinds.set(this.kinds);
    grown.confidences.set(this.confidences);
    this.patterns = grown.patterns;
    this.tags = grown.tags;
    this.tokenStarts = grown.tokenStarts;
    this.tokenEnds = grown.tokenEnds;
    this.kinds = grown.kinds;
    this.confidences = grown.confidences;
  }
}

/** A token as the matcher sees it: canonical key (spelling variants rewritten) and its light form. */
export interface MatchToken {
  key: string;
  light: string;
  rewritten: boolean;
}

export function matchTokens(tokens: readonly Token[]): MatchToken[] {
  return tokens.map((t) => {
    const key = canonicalKey(t.key);
    return key === t.key ? { key, light: t.light, rewritten: false } : { key, light: key, rewritten: true };
  });
}

function lightsAgree(p: Pattern, pos: number, tokenLight: string, tokenRewritten: boolean): boolean {
  if (p.rewritten[pos] || tokenRewritten) return true;
  return compatible(p.lights[pos]!, tokenLight);
}

/*
 * Letter checks without the letters. A tag token and the text token it matched have one key
 * (one trie edge), so their light forms differ only where one side has a letter the key erases
 * (أ إ آ ى ؤ ئ). A text light with none of them agrees with every tag light of its key: the tag's
 * letter is then a marked form of the text's bare one, which `compatible` accepts. A text light
 * without ى ؤ ئ agrees with a tag light that has none of the erased letters: a bare alef accepts
 * any hamza on alef. Flags say so per light form, found once per word and per pattern, and the
 * letters are compared only when neither rule applies.
 */
/** Flag of a light form: none of the letters the key erases (or a rewritten token, whose letters are not checked). */
const PLAIN = 8;
/** Flag of a light form: no erased letter that a bare tag letter refuses (ى ؤ ئ), or a rewritten token. */
const NO_HARD = 16;
/** The bits of a start's word that hold its KIND_RANK (the rest are PLAIN and NO_HARD). */
const RANK_MASK = 7;

function lightFlags(light: string, rewritten: boolean): number {
  let flags = PLAIN | NO_HARD;
  if (rewritten) return flags;
  for (let i = 0; i < light.length; i++) {
    const c = light.charCodeAt(i);
    const k = keyCodeOfLight(c);
    if (k === c) continue;
    flags &= ~PLAIN;
    if (!compatibleLetter(String.fromCharCode(k), light[i]!)) flags &= ~NO_HARD;
  }
  return flags;
}

/** The rule the scan applies: do the text's flags and the tag's PLAIN bit alone say the light forms agree? */
function flagsAgree(textFlags: number, tagFlags: number): boolean {
  return (textFlags & PLAIN) !== 0 || ((textFlags & NO_HARD) !== 0 && (tagFlags & PLAIN) !== 0);
}

/** Do the flags alone say that these light forms of one key are compatible (see lightFlags)? False means: compare the letters. */
export function lightsSurelyAgree(tagLight: string, textLight: string): boolean {
  return flagsAgree(lightFlags(textLight, false), lightFlags(tagLight, false));
}

/** Pattern facts: found (0 while not yet). */
const P_KNOWN = 1;
const P_NISBA = 2;
/**
 * No token of the pattern rewritten, and the keys of its light forms lead to it in the trie: its
 * light forms have the keys of the text tokens it matches, so the flags of lightFlags apply. Its
 * PLAIN bit (8) then says whether all its light forms are plain.
 */
const P_SURE = 4;

/**
 * What the scan needs of each pattern, in columns the matcher owns: found the first time the
 * pattern ends a span, so that the scan reads no pattern object while the flags decide.
 */
class PatternFacts {
  readonly flags: Uint8Array;
  readonly tags: Int32Array;

  constructor(private readonly cv: CompiledVocabulary) {
    this.flags = new Uint8Array(cv.patterns.length);
    this.tags = new Int32Array(cv.patterns.length);
  }

  describe(pid: number): number {
    const p = this.cv.patterns.get(pid);
    let f = P_KNOWN | (p.nisba ? P_NISBA : 0);
    if (!p.rewritten.includes(true) && this.reachedByLights(p, pid)) {
      let plain = PLAIN;
      for (const light of p.lights) plain &= lightFlags(light, false);
      f |= P_SURE | plain;
    }
    this.tags[pid] = p.tag;
    this.flags[pid] = f;
    return f;
  }

  private reachedByLights(p: Pattern, pid: number): boolean {
    const trie = this.cv.trie;
    let node = 0;
    for (const light of p.lights) {
      const id = this.cv.tokenIds.get(keyOfLight(light));
      if (id === undefined) return false;
      node = trieChild(trie, node, id);
      if (node < 0) return false;
    }
    for (let e = trie.terminalStart[node]!; e < trie.terminalStart[node + 1]!; e++) if (trie.terminalPattern[e] === pid) return true;
    return false;
  }
}

/*
 * Everything the matcher derives from one text token alone, as a record. Words recur (a news
 * article repeats its names, and the language its words), so this is computed once per distinct
 * token and vocabulary, and the per-token cost becomes one array access or hash probe. Records
 * of REC numbers sit side by side in one typed array; their starts and hits in shared pools.
 */
/** Token id of the token as written, -1 when the vocabulary has no such token. */
const EXACT = 0;
/** REWRITTEN, and the PLAIN and NO_HARD of the light form. */
const FLAGS = 1;
/** The readings under which longer tags may start here: start entries [START_AT, START_AT + START_COUNT). */
const START_AT = 2;
const START_COUNT = 3;
/**
 * The matches of the token as a one-token span, as (pattern, tag, KIND_RANK) triples from HIT_AT
 * (in triples) on: those of each reading in turn, then the inflected and nisba readings.
 */
const HIT_AT = 4;
const HIT_COUNT = 5;
/** Another record with the same key (different letters on the light level, or rewritten), -1 at the end. */
const NEXT = 6;
const REC = 8;
/** Numbers per start entry. */
const START = 3;
/** Flag: the token's key was rewritten by a spelling-variant rule. */
const REWRITTEN = 32;

const RANK_VARIANT = KIND_RANK.variant;
const RANK_NISBA = KIND_RANK.nisba;

/** Distinct tokens remembered per vocabulary before the memory is renewed (see Matcher). */
const ANALYSIS_CACHE_LIMIT = 200_000;

/** A flat copy: a long token's strings may be slices that would keep a whole article alive in the cache. */
function ownString(s: string): string {
  if (s.length < 13) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(s.charCodeAt(i));
  return out;
}

function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const out = new Int32Array(Math.max(need, 2 * a.length));
  out.set(a);
  return out;
}

/** One generation of analyses: the records, their pools, and the records by canonical key. */
class Analyses {
  records = new Int32Array(REC * 64);
  count = 0;
  /** Per record: the light form it was made for (the canonical key when rewritten). */
  readonly lights: string[] = [];
  /** Start entries of START numbers: trie node, KIND_RANK | PLAIN | NO_HARD of the reading's light form, childMask of the node. */
  starts = new Int32Array(START * 64);
  startCount = 0;
  /** Per start entry: the reading's light form. */
  readonly startLights: string[] = [];
  hits = new Int32Array(3 * 64);
  hitCount = 0;
  /** The first record of each canonical key (the others follow by NEXT). */
  private readonly byKey = new Map<string, number>();

  /** A new record, its starts and hits to be added next; its id. */
  begin(exactId: number, flags: number, light: string): number {
    const id = this.count++;
    this.records = grown(this.records, REC * this.count);
    const r = id * REC;
    const records = this.records;
    records[r + EXACT] = exactId;
    records[r + FLAGS] = flags;
    records[r + START_AT] = this.startCount;
    records[r + START_COUNT] = 0;
    records[r + HIT_AT] = this.hitCount;
    records[r + HIT_COUNT] = 0;
    records[r + NEXT] = -1;
    this.lights[id] = light;
    return id;
  }

  /** Adds a start to the last record. */
  addStart(node: number, word: number, mask: number, light: string): void {
    const s = this.startCount++;
    this.starts = grown(this.starts, START * this.startCount);
    this.starts[START * s] = node;
    this.starts[START * s + 1] = word;
    this.starts[START * s + 2] = mask;
    this.startLights[s] = light;
    this.records[(this.count - 1) * REC + START_COUNT]++;
  }

  /** Adds a hit to the last record. */
  addHit(pattern: number, tag: number, rank: number): void {
    const h = this.hitCount++;
    this.hits = grown(this.hits, 3 * this.hitCount);
    this.hits[3 * h] = pattern;
    this.hits[3 * h + 1] = tag;
    this.hits[3 * h + 2] = rank;
    this.records[(this.count - 1) * REC + HIT_COUNT]++;
  }

  /** A copy of record `id` of another generation; its id here. */
  copy(from: Analyses, id: number): number {
    const r = id * REC;
    const fr = from.records;
    const copy = this.begin(fr[r + EXACT]!, fr[r + FLAGS]!, from.lights[id]!);
    for (let s = fr[r + START_AT]!, end = s + fr[r + START_COUNT]!; s < end; s++) this.addStart(from.starts[START * s]!, from.starts[START * s + 1]!, from.starts[START * s + 2]!, from.startLights[s]!);
    for (let h = fr[r + HIT_AT]!, end = h + fr[r + HIT_COUNT]!; h < end; h++) this.addHit(from.hits[3 * h]!, from.hits[3 * h + 1]!, from.hits[3 * h + 2]!);
    return copy;
  }

  /** The first record of this canonical key, -1 when there is none: where its chain starts (see find). */
  first(key: string): number {
    return this.byKey.get(key) ?? -1;
  }

  /** The record of this light form and rewriting among those of a key (its chain from `first`), or -1. */
  find(first: number, light: string, rewritten: boolean): number {
    const want = rewritten ? REWRITTEN : 0;
    for (let id = first; id >= 0; id = this.records[id * REC + NEXT]!) {
      if ((this.records[id * REC + FLAGS]! & REWRITTEN) === want && this.lights[id] === light) return id;
    }
    return -1;
  }

  /** Files record `id` under its canonical key, whose first record was `first`. */
  link(key: string, id: number, first: number): void {
    this.records[id * REC + NEXT] = first;
    this.byKey.set(key, id);
  }
}

/**
 * Bit (token id mod 32) set for each child of a trie node: most starts lead nowhere (the next
 * token is no child), and the mask says so before the node's row is searched.
 */
function childMask(trie: Trie, node: number): number {
  let mask = 0;
  for (let c = trie.childStart[node]!; c < trie.childStart[node + 1]! && mask !== -1; c++) mask |= 1 << (trie.childToken[c]! & 31);
  return mask;
}

/*
 * Most readings of a token (a stem, the article added, a base without an ending) are not in
 * the vocabulary, and a news corpus brings new words all the time, so what a word costs the
 * first time it is met matters. A reading is a range of the token's key, perhaps with the
 * article before it or a ه after it: its hash is computed from the key's code units, and a
 * filter of the vocabulary's keys says "surely not" before the reading's string is built and
 * looked up. A false "maybe" costs one real lookup; a "no" is always right.
 */
const ARTICLE_HASH = fnvRange(ARTICLE, 0, ARTICLE.length);
/** ه: a folded taa marbuta, which a possessive suffix turns into ت (حكومتها ← حكومة). */
const HEH = 0x647;
const TEH = 0x62a;
const RANK_EXACT = KIND_RANK.exact;
const RANK_CLITIC = KIND_RANK.clitic;
const RANK_INFLECTED = KIND_RANK.inflected;
/** Letters a nisba base keeps at least in a text word. */
const NISBA_MIN_BASE = 2;

/**
 * A Bloom filter of key hashes with both bits of a key in one 32-bit word: 16 bits a key keep
 * it small enough to stay in cache (an exact table of four slots a key misses the cache on most
 * probes), and a false "maybe" comes about once in fifty.
 */
class KeyFilter {
  private readonly words: Int32Array;
  private readonly mask: number;
  constructor(keys: Iterable<string>, count: number) {
    let size = 64;
    while (size * 32 < count * 16) size *= 2;
    this.words = new Int32Array(size);
    this.mask = size - 1;
    for (const k of keys) {
      const m = KeyFilter.mix(fnvRange(k, 0, k.length));
      this.words[(m ^ (m >>> 13)) & this.mask]! |= (1 << (m >>> 27)) | (1 << ((m >>> 22) & 31));
    }
  }
  private static mix(hash: number): number {
    return Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  }
  mayHave(hash: number): boolean {
    const m = KeyFilter.mix(hash);
    const bits = (1 << (m >>> 27)) | (1 << ((m >>> 22) & 31));
    return (this.words[(m ^ (m >>> 13)) & this.mask]! & bits) === bits;
  }
}

/** The distinct first code units of the strings. */
function firstUnits(strings: readonly string[]): number[] {
  return [...new Set(strings.map((s) => s.charCodeAt(0)))];
}

/**
 * Analyses tokens the matcher has not met before into records. It owns the filters of the
 * vocabulary's keys and scratch room, so that a new word costs hashes, filter probes, and a
 * string and a lookup only for the readings the filters let through.
 */
class WordAnalyser {
  private readonly tokenKeys: KeyFilter;
  private readonly inflectionBases: KeyFilter;
  private readonly nisbaBases: KeyFilter;
  /** The readings of the word being analysed that the vocabulary has, in order: key, light form, KIND_RANK, token id. */
  private readonly readingKeys: string[] = [];
  private readonly readingLights: string[] = [];
  private readonly readingRanks: number[] = [];
  private readonly readingTokens: number[] = [];
  private readingCount = 0;
  /** First letters of the proclitics and of the proclitics ending in the article: a word starting otherwise has neither. */
  private readonly procliticFirsts = firstUnits([...PROCLITICS, ...ARTICLE_PREFIXES]);
  /** prefixHashes[i]: the hash of the stem's first i code units (the stem being analysed for endings). */
  private prefixHashes = new Int32Array(64);

  constructor(private readonly cv: CompiledVocabulary) {
    this.tokenKeys = new KeyFilter(cv.tokenIds.keys(), cv.tokenIds.size);
    this.inflectionBases = new KeyFilter(cv.inflection.keys(), cv.inflection.size);
    this.nisbaBases = new KeyFilter(cv.nisbaBases.keys(), cv.nisbaBases.size);
  }

  /** Analyses a token into a new record of `into`; its id. */
  analyse(into: Analyses, key: string, light: string, rewritten: boolean): number {
    const cv = this.cv;
    const exactId = this.tokenKeys.mayHave(fnvRange(key, 0, key.length)) ? cv.tokenIds.get(key) ?? -1 : -1;
    const id = into.begin(exactId, (rewritten ? REWRITTEN : 0) | lightFlags(light, rewritten), light);
    this.firstTokenReadings(key, light, exactId);
    const trie = cv.trie;
    for (let r = 0; r < this.readingCount; r++) {
      const node = trieChild(trie, 0, this.readingTokens[r]!);
      if (node < 0) continue;
      const readingRank = this.readingRanks[r]!;
      const readingLight = this.readingLights[r]!;
      for (let e = trie.terminalStart[node]!; e < trie.terminalStart[node + 1]!; e++) {
        const pid = trie.terminalPattern[e]!;
        const p = cv.patterns.get(pid);
        if (!lightsAgree(p, 0, readingLight, rewritten)) continue;
        // The article added to a bare word reads a name into a common word (وحدة → الوحدة): topic nouns only.
        if (readingRank === RANK_INFLECTED && !INFLECTABLE_TYPES.has(cv.tags.get(p.tag).type)) continue;
        const rank = p.nisba ? RANK_NISBA : rewritten !== p.rewritten[0] ? Math.max(readingRank, RANK_VARIANT) : readingRank;
        into.addHit(pid, p.tag, rank);
      }
      // A reading that adds the article (تجارة → التجارة) only stands for one-word tags.
      if (readingRank !== RANK_INFLECTED && trie.childStart[node + 1]! > trie.childStart[node]!) into.addStart(node, readingRank | lightFlags(readingLight, rewritten), childMask(trie, node), readingLight);
    }
    this.singleTokenHits(into, key, light, rewritten);
    return id;
  }

  /**
   * The readings under which the first token of a tag may appear in this text token, those the
   * vocabulary has: the token itself, with proclitics and the article stripped, and with the
   * article added. Each distinct key and light form once, at its first place, of its strongest kind.
   */
  private firstTokenReadings(key: string, light: string, exactId: number): void {
    this.readingCount = 0;
    if (exactId >= 0) this.keep(key, light, RANK_EXACT, exactId);
    if (!key.startsWith(ARTICLE)) this.reading(key, light, true, 0, RANK_INFLECTED);
    if (!this.procliticFirsts.includes(key.charCodeAt(0))) return;
    for (const p of PROCLITICS) {
      if (key.length - p.length >= MIN_STEM && key.startsWith(p)) {
        this.reading(key, light, false, p.length, RANK_CLITIC);
        if (!key.startsWith(ARTICLE, p.length)) this.reading(key, light, true, p.length, RANK_INFLECTED);
      }
    }
    for (const a of ARTICLE_PREFIXES) {
      if (key.length - a.length >= MIN_STEM && key.startsWith(a)) {
        this.reading(key, light, false, a.length, RANK_CLITIC);
        if (a !== ARTICLE) this.reading(key, light, true, a.length, RANK_CLITIC);
        // ل + اللجنة → للجنة: the article's lam merged with the stem's.
        if (endsWithLam(a)) {
          this.reading(key, light, false, a.length - 1, RANK_CLITIC);
          this.reading(key, light, true, a.length - 1, RANK_CLITIC);
        }
      }
    }
  }

  /** The reading (the article if `article`) + key.slice(from), kept when the vocabulary has its key. */
  private reading(key: string, light: string, article: boolean, from: number, rank: number): void {
    if (!this.tokenKeys.mayHave(fnvRange(key, from, key.length, article ? ARTICLE_HASH : FNV_OFFSET))) return;
    const readingKey = article ? ARTICLE + key.slice(from) : key.slice(from);
    const tokenId = this.cv.tokenIds.get(readingKey);
    if (tokenId === undefined) return;
    this.keep(readingKey, article ? ARTICLE + light.slice(from) : light.slice(from), rank, tokenId);
  }

  private keep(key: string, light: string, rank: number, tokenId: number): void {
    for (let r = 0; r < this.readingCount; r++) {
      if (this.readingKeys[r] === key && this.readingLights[r] === light) {
        if (rank < this.readingRanks[r]!) this.readingRanks[r] = rank;
        return;
      }
    }
    const r = this.readingCount++;
    this.readingKeys[r] = key;
    this.readingLights[r] = light;
    this.readingRanks[r] = rank;
    this.readingTokens[r] = tokenId;
  }

  /** Inflected and nisba readings of one token (single-token tags only), added to the last record: those of each stem in turn. */
  private singleTokenHits(into: Analyses, key: string, light: string, rewritten: boolean): void {
    const cv = this.cv;
    if (cv.inflection.size === 0 && cv.nisbaBases.size === 0) return;
    this.stemHits(into, key, light, 0, rewritten);
    if (!this.procliticFirsts.includes(key.charCodeAt(0))) return;
    for (const p of PROCLITICS) {
      if (key.length - p.length >= MIN_STEM && key.startsWith(p)) this.stemHits(into, key, light, p.length, rewritten);
    }
    for (const a of ARTICLE_PREFIXES) {
      if (key.length - a.length >= MIN_STEM && key.startsWith(a)) {
        this.stemHits(into, key, light, a.length, rewritten);
        if (endsWithLam(a)) this.stemHits(into, key, light, a.length - 1, rewritten);
      }
    }
  }

  /** The hits of the stem key.slice(from): inflection bases of it and of it without a possessive suffix, then nisba bases. */
  private stemHits(into: Analyses, key: string, light: string, from: number, rewritten: boolean): void {
    const cv = this.cv;
    const n = key.length;
    // An inflection base has MIN_INFLECTION_BASE letters at least, a nisba base two and a nisba ending one.
    if (n - from < Math.min(MIN_INFLECTION_BASE, NISBA_MIN_BASE + 1)) return;
    if (this.prefixHashes.length <= n - from) this.prefixHashes = new Int32Array(2 * (n - from + 1));
    const prefix = this.prefixHashes;
    let h = FNV_OFFSET;
    prefix[0] = h;
    for (let i = from; i < n; i++) prefix[i - from + 1] = h = fnvStep(h, key.charCodeAt(i));
    if (cv.inflection.size > 0) {
      this.endingHits(into, key, light, from, n, false, INFLECTION_ENDINGS, MIN_INFLECTION_BASE, RANK_INFLECTED, rewritten);
      for (const p of POSSESSIVE_SUFFIXES) {
        if (n - from - p.length >= MIN_INFLECTION_BASE && key.endsWith(p)) {
          const cut = n - p.length;
          // The taa marbuta is written ت before a suffix: حكومتها ← حكومة.
          if (key.charCodeAt(cut - 1) === TEH) this.endingHits(into, key, light, from, cut - 1, true, INFLECTION_ENDINGS, MIN_INFLECTION_BASE, RANK_INFLECTED, rewritten);
          else this.endingHits(into, key, light, from, cut, false, INFLECTION_ENDINGS, MIN_INFLECTION_BASE, RANK_INFLECTED, rewritten);
        }
      }
    }
    if (cv.nisbaBases.size > 0) this.endingHits(into, key, light, from, n, false, NISBA_ENDINGS, NISBA_MIN_BASE, RANK_NISBA, rewritten);
  }

  /**
   * The single-token tags whose inflection (or nisba) base is the word key[from, to) + (ه if
   * `heh`) without one of the endings; prefixHashes hold the hashes of key[from, …).
   */
  private endingHits(into: Analyses, key: string, light: string, from: number, to: number, heh: boolean, endings: readonly string[], minBase: number, rank: number, rewritten: boolean): void {
    const cv = this.cv;
    const inflected = rank === RANK_INFLECTED;
    const filter = inflected ? this.inflectionBases : this.nisbaBases;
    const bases = inflected ? cv.inflection : cv.nisbaBases;
    const stemLength = to - from;
    const length = stemLength + (heh ? 1 : 0);
    for (const e of endings) {
      const baseLength = length - e.length;
      if (baseLength < minBase || !wordEndsWith(key, from, to, heh, e)) continue;
      // The base takes the ه only when the ending is empty.
      const withHeh = baseLength > stemLength;
      const hash = withHeh ? fnvStep(this.prefixHashes[stemLength]!, HEH) : this.prefixHashes[baseLength]!;
      if (!filter.mayHave(hash)) continue;
      const pids = bases.get(withHeh ? key.slice(from, to) + 'ه' : key.slice(from, from + baseLength));
      if (pids === undefined) continue;
      const baseLight = withHeh ? light.slice(from, to) + 'ه' : light.slice(from, from + baseLength);
      for (const pid of pids) {
        const p = cv.patterns.get(pid);
        // A version-4 file compiled when untyped tags inflected still lists them: names do not.
        if (inflected && !INFLECTABLE_TYPES.has(cv.tags.get(p.tag).type)) continue;
        const tagBaseLight = inflected ? p.inflectionBaseLight : p.nisbaBaseLight;
        if (rewritten || p.rewritten[0] || compatible(tagBaseLight!, baseLight)) into.addHit(pid, p.tag, rank);
      }
    }
  }
}

/** Does the word key[from, to) + (ه if `heh`) end with `ending`? */
function wordEndsWith(key: string, from: number, to: number, heh: boolean, ending: string): boolean {
  let i = ending.length - 1;
  if (i < 0) return true;
  if (heh) {
    if (ending.charCodeAt(i) !== HEH) return false;
    i--;
  }
  if (to - from < i + 1) return false;
  for (let k = to - 1; i >= 0; i--, k--) if (key.charCodeAt(k) !== ending.charCodeAt(i)) return false;
  return true;
}

/**
 * The KIND_RANK of pattern p's match over tokens i … j from start entry s, or -1 when its letters
 * refuse the text's: the check letter by letter, for what the flags leave open.
 */
function rankByLetters(p: Pattern, an: Analyses, s: number, ids: Int32Array, i: number, j: number): number {
  const records = an.records;
  const rewritten0 = (records[ids[i]! * REC + FLAGS]! & REWRITTEN) !== 0;
  if (!lightsAgree(p, 0, an.startLights[s]!, rewritten0)) return -1;
  let rank = an.starts[START * s + 1]! & RANK_MASK;
  if (rewritten0 !== p.rewritten[0]) rank = Math.max(rank, RANK_VARIANT);
  for (let k = 1; k <= j - i; k++) {
    const t = ids[i + k]!;
    const rewritten = (records[t * REC + FLAGS]! & REWRITTEN) !== 0;
    if (!lightsAgree(p, k, an.lights[t]!, rewritten)) return -1;
    if (rewritten !== p.rewritten[k]) rank = Math.max(rank, RANK_VARIANT);
  }
  return p.nisba ? RANK_NISBA : rank;
}

/**
 * The matching proper, over tokens given by their records (ids) and token ids. At each token the
 * tags longer than it come first, then its one-token matches: the order within each span is that
 * of the readings (LongestMatches keeps the first match of a tag among those of a span).
 */
function scan(cv: CompiledVocabulary, facts: PatternFacts, an: Analyses, ids: Int32Array, tokenIds: Int32Array, n: number, sink: LongestMatches): void {
  const trie = cv.trie;
  const { childStart, terminalStart, terminalPattern } = trie;
  const { records, starts, hits } = an;
  const patternFlags = facts.flags;
  const patternTags = facts.tags;
  for (let i = 0; i < n; i++) {
    const r = ids[i]! * REC;
    const rewritten0 = records[r + FLAGS]! & REWRITTEN;
    for (let s = records[r + START_AT]!, startEnd = s + records[r + START_COUNT]!; s < startEnd; s++) {
      let node = starts[START * s]!;
      const word = starts[START * s + 1]!;
      const mask = starts[START * s + 2]!;
      // Over the span's tokens so far: PLAIN and NO_HARD of all their light forms, and REWRITTEN of any.
      let agree = word;
      let rewritten = rewritten0;
      for (let j = i + 1; j < n; j++) {
        const next = tokenIds[j]!;
        if (next < 0) break;
        // A start's node has children: its mask stands for the row until a step is taken.
        if (j === i + 1 ? ((mask >>> (next & 31)) & 1) === 0 : childStart[node + 1]! === childStart[node]!) break;
        node = trieChild(trie, node, next);
        if (node < 0) break;
        const flags = records[ids[j]! * REC + FLAGS]!;
        agree &= flags;
        rewritten |= flags & REWRITTEN;
        for (let e = terminalStart[node]!; e < terminalStart[node + 1]!; e++) {
          const pid = terminalPattern[e]!;
          let pf = patternFlags[pid]!;
          if (pf === 0) pf = facts.describe(pid);
          if ((pf & P_SURE) !== 0 && flagsAgree(agree, pf)) {
            const rank = (pf & P_NISBA) !== 0 ? RANK_NISBA : rewritten !== 0 ? Math.max(word & RANK_MASK, RANK_VARIANT) : word & RANK_MASK;
            sink.add(pid, patternTags[pid]!, i, j + 1, rank);
          } else {
            const p = cv.patterns.get(pid);
            const rank = rankByLetters(p, an, s, ids, i, j);
            if (rank >= 0) sink.add(pid, p.tag, i, j + 1, rank);
          }
        }
      }
    }
    for (let h = records[r + HIT_AT]!, end = h + records[r + HIT_COUNT]!; h < end; h++) sink.add(hits[3 * h]!, hits[3 * h + 1]!, i, i + 1, hits[3 * h + 2]!);
    sink.done(i);
  }
}

/**
 * Longest match wins, applied as the matches arrive. Per tag and span the strongest analysis
 * is kept; per span only the matches of the strongest kind (the tag the vocabulary supports
 * without stripping beats a stripped reading: لبنان is Lebanon, not ل + بنان); a span wholly
 * inside another match's span is dropped (المتحدة inside الأمم المتحدة). Spans are taken by
 * start, longest first, and a span ending within the furthest end kept so far is dropped: so of
 * all the spans starting at one token only the longest can survive, and only when it reaches
 * past that end. Only its matches are kept (in arrival order), and no object is made for the
 * others.
 */
/** Receives the matches of a scan, all those starting at token i before any starting later. */
class LongestMatches {
  readonly out: MatchList;
  private maxEnd = -1;
  private end = -1;
  // The matches of the longest span so far at this token; the arrays are reused (a count, not
  // their length, says how many hold matches: shortening an array is a runtime call).
  private count = 0;
  private readonly patterns: number[] = [];
  private readonly tags: number[] = [];
  private readonly ranks: number[] = [];
  /** tokens: how many the text has; a guess at the room the matches need, so that the list seldom grows. */
  constructor(tokens: number) {
    this.out = new MatchList(Math.max(16, tokens >> 2));
  }
  /** rank: the KIND_RANK of the match's kind. */
  add(pattern: number, tag: number, _start: number, end: number, rank: number): void {
    if (end <= this.maxEnd || end < this.end) return;
    if (end > this.end) {
      this.end = end;
      this.count = 0;
    }
    const k = this.count++;
    this.patterns[k] = pattern;
    this.tags[k] = tag;
    this.ranks[k] = rank;
  }
  /** No more matches start at token i. */
  done(i: number): void {
    const count = this.count;
    if (count === 0) return;
    let best = 99;
    for (let k = 0; k < count; k++) best = Math.min(best, this.ranks[k]!);
    const out = this.out;
    const first = out.length;
    for (let k = 0; k < count; k++) {
      if (this.ranks[k] !== best) continue;
      const tag = this.tags[k]!;
      let seen = false;
      for (let m = first; m < out.length && !seen; m++) seen = out.tags[m] === tag;
      if (!seen) out.add(this.patterns[k]!, tag, i, this.end, best);
    }
    this.maxEnd = this.end;
    this.end = -1;
    this.count = 0;
  }
}

/** What the match stage gives for a text. */
export interface MatchedText {
  /** The matches, longest match resolved, by start token (then longest first). */
  readonly matches: MatchList;
  /** Per token: its token id in the vocabulary (spelling variants rewritten), -1 when the vocabulary lacks it. */
  readonly tokenIds: Int32Array;
}

/**
 * The matcher of one vocabulary. It remembers what it derived from each distinct token (see
 * Analyses), by canonical key in two generations and by the tokeniser's word id, so a caller
 * matching many texts keeps one: the Tagger does. When the young generation is full, before a
 * text, it becomes the old one (what is still used is copied back as it is met) and the memory
 * by word id, which names young records, starts empty. (Texts of two tokenisers in turn are
 * matched right, but each change of word space forgets the memory by word id.) A word the
 * tokeniser has not met costs a lookup by canonical key before it is analysed: no other memory
 * (a map by light form, say) is worth its lookup and insertion for every new word.
 */
export class Matcher {
  private young = new Analyses();
  private old: Analyses | undefined = undefined;
  /** Young record ids by word id (see TokenizedText.words), -1 unknown, for the word space `space`: one array access where a key costs a hash lookup. */
  private byWord = new Int32Array(0);
  private space: WordSpace | undefined = undefined;
  /** Per token of the text being matched: its record (scratch, reused). */
  private ids = new Int32Array(256);
  private readonly facts: PatternFacts;
  private readonly analyser: WordAnalyser;

  constructor(readonly vocabulary: CompiledVocabulary) {
    const cv = vocabulary;
    this.analyser = new WordAnalyser(cv);
    this.facts = new PatternFacts(cv);
  }

  /** The matches of the vocabulary in the text, longest match resolved. */
  match(text: TokenizedText): MatchedText {
    // Between texts, so that every record a text's tokens name is young.
    if (this.young.count >= ANALYSIS_CACHE_LIMIT) this.renew();
    const n = text.length;
    const { lights, keys, words } = text;
    const tokenIds = new Int32Array(n);
    if (this.ids.length < n) this.ids = new Int32Array(Math.max(n, 2 * this.ids.length));
    const ids = this.ids;
    const space = text.space;
    if (space !== undefined && space !== this.space) {
      this.space = space;
      this.byWord = new Int32Array(space.size).fill(-1);
    }
    const byWord = space !== undefined ? this.byWord : undefined;
    let records = this.young.records;
    for (let i = 0; i < n; i++) {
      const word = words[i]!;
      const known = word >= 0 && byWord !== undefined && word < byWord.length;
      let id = known ? byWord[word]! : -1;
      if (id < 0) {
        id = this.analysisOfToken(keys[i]!, lights[i]!);
        if (known) byWord[word] = id;
        records = this.young.records;
      }
      ids[i] = id;
      tokenIds[i] = records[id * REC + EXACT]!;
    }
    const sink = new LongestMatches(n);
    scan(this.vocabulary, this.facts, this.young, ids, tokenIds, n, sink);
    return { matches: sink.out, tokenIds };
  }

  private renew(): void {
    this.old = this.young;
    this.young = new Analyses();
    this.byWord.fill(-1);
  }

  /** The young record of a tokeniser token, by its canonical key and light form (which determines its key). */
  private analysisOfToken(key: string, light: string): number {
    const canonical = canonicalKey(key);
    return canonical === key ? this.analysisOf(key, light, false) : this.analysisOf(canonical, canonical, true);
  }

  /** The young record of a canonical key, light form and rewriting: found, copied from the old generation, or made. */
  private analysisOf(key: string, light: string, rewritten: boolean): number {
    const young = this.young;
    const first = young.first(key);
    const hit = young.find(first, light, rewritten);
    if (hit >= 0) return hit;
    const owned = ownString(key);
    const old = this.old !== undefined ? this.old.find(this.old.first(key), light, rewritten) : -1;
    const id = old >= 0 ? young.copy(this.old!, old) : this.analyser.analyse(young, owned, ownString(light), rewritten);
    young.link(owned, id, first);
    return id;
  }
}

export function createMatcher(vocabulary: CompiledVocabulary): Matcher {
  return new Matcher(vocabulary);
}

/**
 * The matches of the vocabulary in the tokens, for a caller matching a text or two (tools,
 * tests): it makes a matcher for the call, which costs a pass over the vocabulary's keys.
 */
export function matchText(cv: CompiledVocabulary, tokens: readonly Token[] | TokenizedText): Match[] {
  return createMatcher(cv).match(tokens instanceof TokenizedText ? tokens : TokenizedText.fromTokens('', tokens)).matches.toMatches();
}

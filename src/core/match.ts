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
import { trieChild } from './vocabulary/trie.js';
import { compatible } from './fold.js';
import { fnvRange } from './hash.js';
import { ARTICLE, ARTICLE_PREFIXES, INFLECTION_ENDINGS, MIN_BASE, MIN_INFLECTION_BASE, MIN_STEM, NISBA_ENDINGS, POSSESSIVE_SUFFIXES, PROCLITICS } from './morph.js';
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

interface Stem {
  key: string;
  light: string;
}

/** A reading of a text token under which a tag's first token may be looked up. */
interface Reading extends Stem {
  kind: MatchKind;
}

/** The readings of a token with its proclitics and article removed (the token itself first). */
export function stemsOf(key: string, light: string): Stem[] {
  const stems: Stem[] = [{ key, light }];
  for (const p of PROCLITICS) {
    if (key.length - p.length >= MIN_STEM && key.startsWith(p)) stems.push({ key: key.slice(p.length), light: light.slice(p.length) });
  }
  for (const a of ARTICLE_PREFIXES) {
    if (key.length - a.length >= MIN_STEM && key.startsWith(a)) {
      stems.push({ key: key.slice(a.length), light: light.slice(a.length) });
      // ل + اللجنة → للجنة: the article's lam merged with the stem's.
      if (a.endsWith('لل')) stems.push({ key: key.slice(a.length - 1), light: light.slice(a.length - 1) });
    }
  }
  return stems;
}

function addReading(list: Reading[], key: string, light: string, kind: MatchKind): void {
  for (const c of list) {
    if (c.key === key && c.light === light) {
      if (KIND_RANK[kind] < KIND_RANK[c.kind]) c.kind = kind;
      return;
    }
  }
  list.push({ key, light, kind });
}

/**
 * Keys under which the first token of a tag may appear in this text token. `known` leaves out
 * the readings whose key the vocabulary surely lacks before any string is built: the reading
 * is (the article if `article`) + key.slice(from).
 */
export function firstTokenReadings(key: string, light: string, known: KeyFilter = ANY_KEY): Reading[] {
  const out: Reading[] = [{ key, light, kind: 'exact' }];
  const add = (article: boolean, from: number, kind: MatchKind): void => {
    if (!known.mayHave(article ? fnvRange(key, from, key.length, ARTICLE_HASH) : fnvRange(key, from, key.length))) return;
    const s = key.slice(from);
    const l = light.slice(from);
    if (article) addReading(out, ARTICLE + s, ARTICLE + l, kind);
    else addReading(out, s, l, kind);
  };
  if (!key.startsWith(ARTICLE)) add(true, 0, 'inflected');
  for (const p of PROCLITICS) {
    if (key.length - p.length >= MIN_STEM && key.startsWith(p)) {
      add(false, p.length, 'clitic');
      if (!key.startsWith(ARTICLE, p.length)) add(true, p.length, 'inflected');
    }
  }
  for (const a of ARTICLE_PREFIXES) {
    if (key.length - a.length >= MIN_STEM && key.startsWith(a)) {
      add(false, a.length, 'clitic');
      if (a !== ARTICLE) add(true, a.length, 'clitic');
      if (a.endsWith('لل')) {
        add(false, a.length - 1, 'clitic');
        add(true, a.length - 1, 'clitic');
      }
    }
  }
  return out;
}

/*
 * Most readings of a token (a stem, the article added, a base without an ending) are not in
 * the vocabulary. A filter of the hashes of every key the vocabulary looks readings up by says
 * so before the reading's string is built and looked up: a false "maybe" costs one real
 * lookup, a "no" is always right.
 */
const ARTICLE_HASH = fnvRange(ARTICLE, 0, ARTICLE.length);

interface KeyFilter {
  mayHave(hash: number): boolean;
}

const ANY_KEY: KeyFilter = { mayHave: () => true };

/** An open-addressing set of hashes (0 stands for "empty", so a hash of 0 is stored as 1). */
class HashFilter implements KeyFilter {
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(keys: Iterable<string>, count: number) {
    let size = 1024;
    while (size < count * 4) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (const k of keys) {
      const h = fnvRange(k, 0, k.length) || 1;
      let i = (h ^ (h >>> 16)) & this.mask;
      while (this.slots[i] !== 0 && this.slots[i] !== h) i = (i + 1) & this.mask;
      this.slots[i] = h;
    }
  }
  mayHave(hash: number): boolean {
    const h = hash || 1;
    for (let i = (h ^ (h >>> 16)) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.slots[i]!;
      if (v === h) return true;
      if (v === 0) return false;
    }
  }
}

function* vocabularyKeys(cv: CompiledVocabulary): Iterable<string> {
  yield* cv.tokenIds.keys();
  yield* cv.inflection.keys();
  yield* cv.nisbaBases.keys();
}

/** Bases of a stem with possessive suffixes removed (حكومتها → حكومة) and the stem itself. */
function possessiveReadings(s: Stem): Stem[] {
  const out: Stem[] = [s];
  for (const p of POSSESSIVE_SUFFIXES) {
    if (s.key.length - p.length >= MIN_INFLECTION_BASE && s.key.endsWith(p)) {
      let k = s.key.slice(0, -p.length);
      let l = s.light.slice(0, -p.length);
      // The taa marbuta is written ت before a suffix: حكومتها ← حكومة.
      if (k.endsWith('ت')) {
        k = k.slice(0, -1) + 'ه';
        l = l.slice(0, -1) + 'ه';
      }
      out.push({ key: k, light: l });
    }
  }
  return out;
}

function lightsAgree(p: Pattern, pos: number, tokenLight: string, tokenRewritten: boolean): boolean {
  if (p.rewritten[pos] || tokenRewritten) return true;
  return compatible(p.lights[pos]!, tokenLight);
}

/** A match of a single token, found from the token alone. */
interface Hit {
  pattern: number;
  tag: number;
  kind: MatchKind;
}

/** A reading of a token under which longer tags may start there: its trie node has children, and it does not add the article. */
interface Start {
  node: number;
  /** KIND_RANK of the reading. */
  rank: number;
  light: string;
}

/**
 * Everything the matcher derives from one text token alone. Words recur (a news article
 * repeats its names, and the language its words), so this is computed once per distinct
 * token and vocabulary, and the per-token cost becomes one hash probe.
 */
interface Analysis {
  light: string;
  rewritten: boolean;
  /** Token id of the token as written, -1 when the vocabulary has no such token. */
  exactId: number;
  /** The readings under which longer tags may start here. */
  starts: Start[];
  /**
   * The matches of the token as a one-token span, as (pattern, tag, KIND_RANK) triples: those of
   * each reading in turn, then the inflected and nisba readings. One flat list, for one memory
   * access where objects per reading and per match would cost one each.
   */
  hits: number[];
  /** Another token with the same key (different letters on the light level, or rewritten). */
  next: Analysis | undefined;
  /** Key of the tokeniser token this analysis was made for, before spelling variants were rewritten. */
  tokenKey: string | undefined;
  tokenKeyIsLight: boolean | undefined;
  /** Light form of that token. */
  tokenLight: string | undefined;
}

// Most words start no tag: their analyses share the empty lists (the cache holds hundreds of thousands).
const NO_HITS: number[] = [];
const NO_STARTS: Start[] = [];
const RANK_VARIANT = KIND_RANK.variant;
const RANK_NISBA = KIND_RANK.nisba;

/** Distinct tokens remembered per vocabulary before the memory is cleared and refilled. */
const ANALYSIS_CACHE_LIMIT = 200_000;

/** A flat copy: a long token's strings may be slices that would keep a whole article alive in the cache. */
function ownString(s: string): string {
  if (s.length < 13) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(s.charCodeAt(i));
  return out;
}

function analyse(cv: CompiledVocabulary, m: Matcher, key: string, light: string, rewritten: boolean): Analysis {
  const exactId = cv.tokenIds.get(key) ?? -1;
  const starts: Start[] = [];
  const hits: number[] = [];
  for (const c of firstTokenReadings(key, light, m.known)) {
    const id = c.key === key ? exactId : cv.tokenIds.get(c.key) ?? -1;
    if (id < 0) continue;
    const trie = cv.trie;
    const node = trieChild(trie, 0, id);
    if (node < 0) continue;
    for (let e = trie.terminalStart[node]!; e < trie.terminalStart[node + 1]!; e++) {
      const pid = trie.terminalPattern[e]!;
      const p = cv.patterns.get(pid);
      if (!lightsAgree(p, 0, c.light, rewritten)) continue;
      // The article added to a bare word reads a name into a common word (وحدة → الوحدة): topic nouns only.
      if (c.kind === 'inflected' && !INFLECTABLE_TYPES.has(cv.tags.get(p.tag).type)) continue;
      const kind: MatchKind = rewritten !== p.rewritten[0] ? weaker(c.kind, 'variant') : c.kind;
      hits.push(pid, p.tag, KIND_RANK[p.nisba ? 'nisba' : kind]);
    }
    // A reading that adds the article (تجارة → التجارة) only stands for one-word tags.
    if (c.kind !== 'inflected' && trie.childStart[node + 1]! > trie.childStart[node]!) starts.push({ node, rank: KIND_RANK[c.kind], light: c.light });
  }
  for (const h of singleTokenHits(cv, m.known, key, light, rewritten)) hits.push(h.pattern, h.tag, KIND_RANK[h.kind]);
  return { light, rewritten, exactId, starts: starts.length > 0 ? starts : NO_STARTS, hits: hits.length > 0 ? hits : NO_HITS, next: undefined, tokenKey: undefined, tokenKeyIsLight: undefined, tokenLight: undefined };
}

function find(map: Map<string, Analysis>, tok: MatchToken): Analysis | undefined {
  for (let a = map.get(tok.key); a !== undefined; a = a.next) {
    if (a.rewritten === tok.rewritten && a.light === tok.light) return a;
  }
  return undefined;
}

/** Inflected and nisba readings of one token (single-token tags only). */
function singleTokenHits(cv: CompiledVocabulary, known: KeyFilter, key: string, light: string, rewritten: boolean): Hit[] {
  const out: Hit[] = [];
  if (cv.inflection.size === 0 && cv.nisbaBases.size === 0) return out;
  for (const stem of stemsOf(key, light)) {
    if (cv.inflection.size > 0) {
      for (const s of possessiveReadings(stem)) endingHits(cv, known, s, INFLECTION_ENDINGS, MIN_INFLECTION_BASE, 'inflected', rewritten, out);
    }
    if (cv.nisbaBases.size > 0) endingHits(cv, known, stem, NISBA_ENDINGS, 2, 'nisba', rewritten, out);
  }
  return out;
}

/** The single-token tags whose inflection (or nisba) base is the stem without one of the endings. */
function endingHits(cv: CompiledVocabulary, known: KeyFilter, s: Stem, endings: readonly string[], minBase: number, kind: 'inflected' | 'nisba', rewritten: boolean, out: Hit[]): void {
  const bases = kind === 'inflected' ? cv.inflection : cv.nisbaBases;
  for (const e of endings) {
    if (s.key.length - e.length < minBase || !s.key.endsWith(e)) continue;
    if (!known.mayHave(fnvRange(s.key, 0, s.key.length - e.length))) continue;
    const base = s.key.slice(0, s.key.length - e.length);
    const pids = bases.get(base);
    if (pids === undefined) continue;
    const baseLight = s.light.slice(0, base.length);
    for (const pid of pids) {
      const p = cv.patterns.get(pid);
      // A version-4 file compiled when untyped tags inflected still lists them: names do not.
      if (kind === 'inflected' && !INFLECTABLE_TYPES.has(cv.tags.get(p.tag).type)) continue;
      const tagBaseLight = kind === 'inflected' ? p.inflectionBaseLight : p.nisbaBaseLight;
      if (rewritten || p.rewritten[0] || compatible(tagBaseLight!, baseLight)) out.push({ pattern: pid, tag: p.tag, kind });
    }
  }
}

/**
 * The matching proper, over tokens given by their analyses. At each token the tags longer than
 * it come first, then its one-token matches: the order within each span is that of the readings
 * (LongestMatches keeps the first match of a tag among those of a span).
 */
function scan(cv: CompiledVocabulary, analyses: readonly Analysis[], sink: LongestMatches): void {
  const trie = cv.trie;
  const n = analyses.length;
  for (let i = 0; i < n; i++) {
    const a = analyses[i]!;
    for (const c of a.starts) {
      let node = c.node;
      for (let j = i + 1; j < n && trie.childStart[node + 1]! > trie.childStart[node]!; j++) {
        const next = analyses[j]!.exactId;
        if (next < 0) break;
        node = trieChild(trie, node, next);
        if (node < 0) break;
        for (let e = trie.terminalStart[node]!; e < trie.terminalStart[node + 1]!; e++) {
          const pid = trie.terminalPattern[e]!;
          const p = cv.patterns.get(pid);
          let ok = lightsAgree(p, 0, c.light, a.rewritten);
          let rank = c.rank;
          if (a.rewritten !== p.rewritten[0]) rank = Math.max(rank, RANK_VARIANT);
          for (let k = 1; ok && k <= j - i; k++) {
            const t = analyses[i + k]!;
            ok = lightsAgree(p, k, t.light, t.rewritten);
            if (t.rewritten !== p.rewritten[k]) rank = Math.max(rank, RANK_VARIANT);
          }
          if (ok) sink.add(pid, p.tag, i, j + 1, p.nisba ? RANK_NISBA : rank);
        }
      }
    }
    const hits = a.hits;
    for (let h = 0; h < hits.length; h += 3) sink.add(hits[h]!, hits[h + 1]!, i, i + 1, hits[h + 2]!);
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
 * Analysis), by canonical key in two generations (when the young one is full it becomes the
 * old one, and what is still used moves back), by light form, and by the tokeniser's word id,
 * so a caller matching many texts keeps one: the Tagger does. (Texts of two tokenisers in turn
 * are matched right, but each change of word space forgets the memory by word id.)
 */
export class Matcher {
  private young = new Map<string, Analysis>();
  private old = new Map<string, Analysis>();
  /** Tokeniser tokens by light form (which determines their key). */
  private readonly byLight = new Map<string, Analysis>();
  /** Tokeniser tokens by word id (see TokenizedText.words), for the word space `space`: one array access where byLight costs a hash lookup. */
  private byWord: (Analysis | undefined)[] = [];
  private space: WordSpace | undefined = undefined;
  /** The keys the vocabulary has. */
  readonly known: KeyFilter;

  constructor(readonly vocabulary: CompiledVocabulary) {
    const cv = vocabulary;
    this.known = new HashFilter(vocabularyKeys(cv), cv.tokenIds.size + cv.inflection.size + cv.nisbaBases.size);
  }

  /** The matches of the vocabulary in the text, longest match resolved. */
  match(text: TokenizedText): MatchedText {
    const n = text.length;
    const { lights, keys, words } = text;
    const analyses: Analysis[] = [];
    const tokenIds = new Int32Array(n);
    const space = text.space;
    if (space !== undefined && space !== this.space) {
      this.space = space;
      this.byWord = new Array<Analysis | undefined>(space.size).fill(undefined);
    }
    const byWord = space !== undefined ? this.byWord : undefined;
    for (let i = 0; i < n; i++) {
      const word = words[i]!;
      let a = word >= 0 && byWord !== undefined ? byWord[word] : undefined;
      if (a === undefined) {
        a = this.analysisOfToken(keys[i]!, lights[i]!);
        if (word >= 0 && byWord !== undefined) byWord[word] = a;
      }
      analyses.push(a);
      tokenIds[i] = a.exactId;
    }
    const sink = new LongestMatches(n);
    scan(this.vocabulary, analyses, sink);
    return { matches: sink.out, tokenIds };
  }

  /** The analysis of a tokeniser token, remembered by its light form (which determines its key). */
  private analysisOfToken(key: string, light: string): Analysis {
    const hit = this.byLight.get(light);
    // Most tokens fold to their light form (the tokeniser then gives one string for both): no letter-by-letter comparison.
    if (hit !== undefined && (key === light ? hit.tokenKeyIsLight : hit.tokenKey === key)) return hit;
    const canonical = canonicalKey(key);
    const a = this.analysisOf(canonical === key ? { key, light, rewritten: false } : { key: canonical, light: canonical, rewritten: true });
    if (hit === undefined) {
      if (this.byLight.size >= ANALYSIS_CACHE_LIMIT) this.byLight.clear();
      if (a.tokenKey === undefined) {
        a.tokenKey = ownString(key);
        a.tokenKeyIsLight = key === light;
        a.tokenLight = ownString(light);
      }
      if (a.tokenKey === key) this.byLight.set(ownString(light), a);
    }
    return a;
  }

  private analysisOf(tok: MatchToken): Analysis {
    const hit = find(this.young, tok);
    if (hit !== undefined) return hit;
    if (this.young.size >= ANALYSIS_CACHE_LIMIT) {
      this.old = this.young;
      this.young = new Map();
    }
    const key = ownString(tok.key);
    const a = find(this.old, tok) ?? analyse(this.vocabulary, this, key, ownString(tok.light), tok.rewritten);
    a.next = this.young.get(key);
    this.young.set(key, a);
    return a;
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

/**
 * The name-variant stage, after match. Transliterated names are spelled with or without their long vowels: هاريسون / هارسون,
 * لوس أنجلوس / لوس انجليس, كلينتون / كلنتون. A vocabulary holds one spelling, often not the
 * one the article uses. A multi-word tag therefore also matches a span whose words differ
 * from its own by one long vowel letter (ا و ي) inside a word — provided another word of the
 * span is written exactly as in the tag, and the text's word is not a word of the vocabulary
 * itself (then it is another name, and the trie has already matched what it could). One word
 * cannot be matched this way: a vowel is what tells many Arabic words apart (كتاب / كتب).
 * Nor can two spellings both common in news: محمد and محمود, سلمان and سليمان are different
 * names, while of هاريسون / هارسون one is a rare misspelling. Without word statistics there is
 * no telling them apart, and no variant is matched.
 */
import type { BackgroundModel } from './background.js';
import type { CompiledVocabulary } from './vocabulary/compile.js';
import { trieChild } from './vocabulary/trie.js';
import { KIND_RANK, MatchList, type Match, type MatchedText } from './match.js';
import { TokenizedText, type Token, type WordSpace } from './tokenize.js';
import { canonicalKey } from './variants.js';

/** Shorter words change meaning with a vowel (علم / عالم); transliterated names are longer. */
const MIN_VARIANT_LENGTH = 4;

/** Fewer news articles than this use a spelling that is a variant rather than a name of its own. */
const RARE_SPELLING_DF = 20;

const LONG_VOWELS = new Set([0x0627, 0x0648, 0x064a]); // ا و ي (the key fold has turned أ إ آ ى ؤ ئ into them)

/** The word without its long vowels after the first letter: the consonants a transliteration keeps. */
function skeleton(key: string): string {
  let out = key[0]!;
  for (let i = 1; i < key.length; i++) if (!LONG_VOWELS.has(key.charCodeAt(i))) out += key[i];
  return out;
}

/** Do two different words differ by exactly one long vowel, added, dropped or exchanged? */
export function oneVowelApart(a: string, b: string): boolean {
  if (a === b || a.length < MIN_VARIANT_LENGTH || b.length < MIN_VARIANT_LENGTH || a[0] !== b[0]) return false;
  if (a.length === b.length) {
    let diff = -1;
    for (let i = 0; i < a.length; i++) {
      if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
      if (diff >= 0) return false;
      diff = i;
    }
    return LONG_VOWELS.has(a.charCodeAt(diff)) && LONG_VOWELS.has(b.charCodeAt(diff));
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  if (long.length !== short.length + 1) return false;
  let i = 0;
  while (i < short.length && long.charCodeAt(i) === short.charCodeAt(i)) i++;
  return LONG_VOWELS.has(long.charCodeAt(i)) && long.slice(i + 1) === short.slice(i);
}

/** Longest name tried, in words, around a word spelled another way. */
const MAX_NAME_WORDS = 6;

/**
 * Which token ids are written one after the other in some pattern of the trie, by token: the
 * tokens after it and the tokens before it, each row sorted (compressed rows, built by counting
 * and without hashing or sorting, cheap for a million tags). A variant span holds the near
 * word and a neighbour written as in the vocabulary, so a near word whose neighbours never
 * stand beside it in a pattern (most near words: common words a vowel from a word of some
 * long name) is tried no further.
 */
class AdjacentTokens {
  private readonly afterStart: Int32Array;
  private readonly after: Int32Array;
  private readonly beforeStart: Int32Array;
  private readonly before: Int32Array;
  /** By token id: 1 for a token of some pattern of two words or more, the only tokens a variant span can hold. */
  readonly inPairs: Uint8Array;

  constructor(cv: CompiledVocabulary) {
    const { childStart, childToken, childNode } = cv.trie;
    const tokens = cv.tokenIds.size;
    const nodes = childStart.length - 1;
    // The token of the edge into each node.
    const tokenInto = new Int32Array(nodes);
    for (let e = 0; e < childToken.length; e++) tokenInto[childNode[e]!] = childToken[e]!;
    // Pairs are the edges below the root: (token into the node, token of the edge).
    const pairs = childToken.length - childStart[1]!;
    const firsts = new Int32Array(pairs);
    const seconds = childToken.subarray(childStart[1]!);
    this.inPairs = new Uint8Array(tokens);
    for (let v = 1, k = 0; v < nodes; v++) {
      for (let e = childStart[v]!; e < childStart[v + 1]!; e++, k++) {
        firsts[k] = tokenInto[v]!;
        this.inPairs[tokenInto[v]!] = 1;
        this.inPairs[childToken[e]!] = 1;
      }
    }
    // Counting sorts, each visiting the pairs in the order the one before left them: by second
    // token, then by first (rows after, in order of second token), then by second again (rows
    // before, in order of first token).
    const after = groupRows(firsts, seconds, tokens, groupRows(seconds, firsts, tokens, undefined).order);
    this.afterStart = after.start;
    this.after = after.values;
    const before = groupRows(seconds, firsts, tokens, after.order);
    this.beforeStart = before.start;
    this.before = before.values;
  }

  /** Is `first second` written in some pattern? */
  hasAfter(first: number, second: number): boolean {
    return contains(this.after, this.afterStart[first]!, this.afterStart[first + 1]!, second);
  }

  /** Is `first second` written in some pattern? */
  hasBefore(second: number, first: number): boolean {
    return contains(this.before, this.beforeStart[second]!, this.beforeStart[second + 1]!, first);
  }
}

/**
 * Pairs (key[k], value[k]) grouped by key, in rows start[key] .. start[key + 1): the values,
 * and the pair index of each (`order`). The pairs are visited in the order given (all of them
 * in index order when undefined), and a row keeps that order.
 */
function groupRows(keys: Int32Array, values: Int32Array, size: number, visit: Int32Array | undefined): { start: Int32Array; values: Int32Array; order: Int32Array } {
  const start = new Int32Array(size + 1);
  for (let k = 0; k < keys.length; k++) start[keys[k]! + 1]!++;
  for (let t = 0; t < size; t++) start[t + 1]! += start[t]!;
  const next = start.slice(0, size);
  const out = new Int32Array(keys.length);
  const order = new Int32Array(keys.length);
  for (let j = 0; j < keys.length; j++) {
    const k = visit === undefined ? j : visit[j]!;
    const at = next[keys[k]!]!++;
    out[at] = values[k]!;
    order[at] = k;
  }
  return { start, values: out, order };
}

/** Is `value` in the sorted `list[lo .. end)`? */
function contains(list: Int32Array, lo: number, end: number, value: number): boolean {
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** What the stage derives from a vocabulary. */
interface NameIndex {
  /** Skeleton → words of the vocabulary (of four letters or more, in a pattern of two words or more) with that skeleton. */
  readonly bySkeleton: Map<string, string[]>;
  readonly adjacent: AdjacentTokens;
}

// Only the vocabulary's distinct words are indexed, not its patterns: the trie finds the
// patterns once a near word turns up, which is rare, and a million-tag vocabulary stays cheap.
function indexOf(cv: CompiledVocabulary): NameIndex {
  const bySkeleton = new Map<string, string[]>();
  const adjacent = new AdjacentTokens(cv);
  for (const [key, id] of cv.tokenIds) {
    if (key.length < MIN_VARIANT_LENGTH || adjacent.inPairs[id] === 0) continue;
    const sk = skeleton(key);
    const words = bySkeleton.get(sk);
    if (words === undefined) bySkeleton.set(sk, [key]);
    else words.push(key);
  }
  return { bySkeleton, adjacent };
}

/** The vocabulary words one long vowel from a text word, with their token ids. */
type NearWords = readonly (readonly [word: string, id: number])[];

/** The token ids of a text word's near words: all the walk needs. */
type NearIds = Int32Array;

/** What the cache knows of a word id: not looked at yet, no near word, near words (in `near`). */
const UNSEEN = 0;
const NO_NEAR = 1;
const HAS_NEAR = 2;

/**
 * What the stage keeps between texts for one vocabulary and one set of word statistics: the
 * vocabulary's words by skeleton (made when first needed), and per interned word (by its
 * tokeniser's word id) whether it has near words, in one byte, since words recur and most
 * have none: the common token then costs one load from a small array. Owned by the tagger
 * that made it.
 */
export class NameVariantCache {
  private vocabulary: CompiledVocabulary | undefined = undefined;
  private background: BackgroundModel | undefined = undefined;
  private index: NameIndex | undefined = undefined;
  private space: WordSpace | undefined = undefined;
  /** UNSEEN, NO_NEAR or HAS_NEAR by word id of `space`. */
  private states: Uint8Array = new Uint8Array(0);
  /** The near words of the word ids marked HAS_NEAR. */
  private near = new Map<number, NearIds>();

  /**
   * The memory by word id for a text of `space` under this vocabulary and these statistics,
   * cleared when any of them changes; undefined for a text whose words are not interned.
   */
  statesFor(cv: CompiledVocabulary, background: BackgroundModel, space: WordSpace | undefined): Uint8Array | undefined {
    if (this.vocabulary !== cv || this.background !== background) {
      if (this.vocabulary !== cv) this.index = undefined;
      this.vocabulary = cv;
      this.background = background;
      this.space = undefined;
    }
    if (space === undefined) return undefined;
    if (space !== this.space) {
      this.space = space;
      this.states = new Uint8Array(space.size);
      this.near.clear();
    }
    return this.states;
  }

  /** What the stage derives from the vocabulary of the last statesFor (made at the first call). */
  indexFor(cv: CompiledVocabulary): NameIndex {
    return (this.index ??= indexOf(cv));
  }

  nearOf(word: number): NearIds {
    return this.near.get(word)!;
  }

  remember(word: number, near: NearIds | null): void {
    this.states[word] = near === null ? NO_NEAR : HAS_NEAR;
    if (near !== null) this.near.set(word, near);
  }
}

export function createNameVariantCache(): NameVariantCache {
  return new NameVariantCache();
}

/** The vocabulary words one vowel from a text word (none for a short word, nor for a word of the vocabulary: a name of its own). */
function nearWords(cv: CompiledVocabulary, index: NameIndex, key: string): [word: string, id: number][] | null {
  const words = key.length < MIN_VARIANT_LENGTH || cv.tokenIds.has(key) ? undefined : index.bySkeleton.get(skeleton(key));
  let near: [word: string, id: number][] | null = null;
  if (words !== undefined) {
    for (const word of words) if (oneVowelApart(word, key)) (near ??= []).push([word, cv.tokenIds.get(word)!]);
  }
  return near;
}

/**
 * The matches of multi-word tags written with another long vowel, merged into the matches the
 * trie found: a variant span takes the place of the matches inside it (فورد inside هاريسون
 * فورد), and gives way to a match that already covers it. Without word statistics (or with
 * empty ones) the matches are returned as they are.
 */
export function nameVariants(cv: CompiledVocabulary, text: TokenizedText, matched: MatchedText, background: BackgroundModel | undefined, cache: NameVariantCache): MatchList {
  const matches = matched.matches;
  if (background === undefined || background.documents === 0) return matches;
  // Made at the first variant: most fields have none.
  let found: MatchList | undefined;
  let index: NameIndex | undefined;
  const trie = cv.trie;
  const { keys, words } = text;
  const ids = matched.tokenIds;
  const n = text.length;
  const states = cache.statesFor(cv, background, text.space);
  const add = (node: number, start: number, end: number): void => {
    if (end - start < 2) return;
    for (let e = trie.terminalStart[node]!; e < trie.terminalStart[node + 1]!; e++) {
      const pattern = trie.terminalPattern[e]!;
      const p = cv.patterns.get(pattern);
      if (p.nisba) continue;
      const list = (found ??= new MatchList(4));
      let seen = false;
      for (let k = 0; k < list.length && !seen; k++) seen = list.patterns[k] === pattern && list.tokenStarts[k] === start;
      if (!seen) list.add(pattern, p.tag, start, end, KIND_RANK.variant);
    }
  };
  for (let i = 0; i < n; i++) {
    // Remembered per word: words recur, and most have no near word.
    const word = words[i]!;
    const state = word >= 0 && states !== undefined ? states[word]! : UNSEEN;
    if (state === NO_NEAR || !text.isArabic(i)) continue;
    let nearIds: NearIds | null;
    if (state === HAS_NEAR) nearIds = cache.nearOf(word);
    else {
      const key = keys[i]!;
      index ??= cache.indexFor(cv);
      let near: NearWords | null;
      // Two spellings both common in news are two names: only pairs with a rare one are kept.
      near = nearWords(cv, index, key)?.filter(([w]) => background.df(w) < RARE_SPELLING_DF || background.df(key) < RARE_SPELLING_DF) ?? null;
      if (near !== null && near.length === 0) near = null;
      nearIds = near === null ? null : Int32Array.from(near, ([, id]) => id);
      if (word >= 0 && states !== undefined) cache.remember(word, nearIds);
    }
    if (nearIds === null) continue;
    const adjacent = (index ??= cache.indexFor(cv)).adjacent;
    const before = i > 0 ? ids[i - 1]! : -1;
    const after = i + 1 < n ? ids[i + 1]! : -1;
    for (let x = 0; x < nearIds.length; x++) {
      const id = nearIds[x]!;
      if (!(before >= 0 && adjacent.hasBefore(id, before)) && !(after >= 0 && adjacent.hasAfter(id, after))) continue;
      // The other words of the name are written as in the vocabulary: walk the trie over them.
      for (let start = Math.max(0, i - MAX_NAME_WORDS + 1); start <= i; start++) {
        let node = 0;
        for (let k = start; k < i && node >= 0; k++) {
          const t = ids[k]!;
          node = t < 0 ? -1 : trieChild(trie, node, t);
        }
        if (node < 0 || (node = trieChild(trie, node, id)) < 0) continue;
        add(node, start, i + 1);
        for (let j = i + 1; j < n && j - start < MAX_NAME_WORDS; j++) {
          const t = ids[j]!;
          if (t < 0 || (node = trieChild(trie, node, t)) < 0) break;
          add(node, start, j + 1);
        }
      }
    }
  }
  if (found === undefined) return matches;
  // Spans as rows: [tokenStart, tokenEnd) of row k of a list.
  const within = (s: number, e: number, os: number, oe: number): boolean => os <= s && oe >= e;
  const longer = (s: number, e: number, os: number, oe: number): boolean => within(s, e, os, oe) && oe - os > e - s;
  const fs = found.tokenStarts;
  const fe = found.tokenEnds;
  const ms = matches.tokenStarts;
  const me = matches.tokenEnds;
  // A spelling the vocabulary has beats a variant of the same words.
  const variants: number[] = [];
  for (let v = 0; v < found.length; v++) {
    let beaten = false;
    for (let k = 0; k < matches.length && !beaten; k++) beaten = within(fs[v]!, fe[v]!, ms[k]!, me[k]!);
    for (let o = 0; o < found.length && !beaten; o++) beaten = longer(fs[v]!, fe[v]!, fs[o]!, fe[o]!);
    if (!beaten) variants.push(v);
  }
  if (variants.length === 0) return matches;
  // The rows kept, a match's as its row and a variant's as ~row, then in order of span (a stable sort).
  const order: number[] = [];
  for (let k = 0; k < matches.length; k++) {
    let replaced = false;
    for (let x = 0; x < variants.length && !replaced; x++) replaced = longer(ms[k]!, me[k]!, fs[variants[x]!]!, fe[variants[x]!]!);
    if (!replaced) order.push(k);
  }
  for (const v of variants) order.push(~v);
  const startOf = (r: number): number => (r >= 0 ? ms[r]! : fs[~r]!);
  const endOf = (r: number): number => (r >= 0 ? me[r]! : fe[~r]!);
  order.sort((a, b) => startOf(a) - startOf(b) || endOf(b) - endOf(a));
  const out = new MatchList(order.length);
  for (const r of order) {
    if (r >= 0) out.addRow(matches, r);
    else out.addRow(found, ~r);
  }
  return out;
}

/** nameVariants for a caller with token objects and the matches of one text (tools, tests): the memory lasts the call. */
export function withNameVariants(cv: CompiledVocabulary, tokens: readonly Token[], matches: Match[], background: BackgroundModel | undefined): Match[] {
  const text = TokenizedText.fromTokens('', tokens);
  const tokenIds = Int32Array.from(tokens, (t) => cv.tokenIds.get(canonicalKey(t.key)) ?? -1);
  return nameVariants(cv, text, { matches: MatchList.of(matches), tokenIds }, background, createNameVariantCache()).toMatches();
}

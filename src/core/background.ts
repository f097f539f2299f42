/**
 * The background model: how Arabic news in general uses a word, so the ranker can tell a
 * name from a common word and weigh evidence (a rare multi-word tag seen once is strong; a
 * frequent single word seen once is weak).
 *
 * Statistics are kept per *canonical token key* — exactly the keys the matcher sees
 * (`canonicalKey(tokenize(text)[i].key)`): full fold plus spelling-variant rewrites. Clitics
 * are not stripped: والهلال and الهلال are different keys, as they are to the matcher's
 * first lookup. Use `backgroundKeys` to turn a word or phrase into keys.
 *
 * This module is pure (no I/O): the Node loader in src/node/background.ts parses the
 * committed files in data/background/ and hands the result to `createBackgroundModel`.
 */
import { WasimError, type TemplateParams } from './errors.js';
import { FNV_OFFSET, fnvRange, fnvStep } from './hash.js';
import { tokenize } from './tokenize.js';
import { canonicalKey } from './variants.js';

/** [document frequency, title document frequency, collection frequency] of one key. */
export type UnigramStats = readonly [df: number, titleDf: number, cf: number];

export interface BackgroundData {
  /** Number of (deduplicated) documents the statistics were counted over. */
  documents: number;
  unigrams: ReadonlyMap<string, UnigramStats>;
  /** Keyed by `bigramKey(a, b)`; value is the number of documents containing the pair. */
  bigrams: ReadonlyMap<string, number>;
}

export interface BackgroundModel {
  /** Number of documents; 0 for the empty model (statistics missing), where every lookup is 0. */
  readonly documents: number;
  /** Documents containing the key anywhere (title or body). */
  df(key: string): number;
  /** Documents containing the key in the title. */
  titleDf(key: string): number;
  /** Total occurrences of the key. */
  cf(key: string): number;
  /**
   * Documents where token `a` is immediately followed by token `b` in the same field with
   * only white space or quotation marks between them (صحيفة «الحياة» is a pair; الأمم، المتحدة
   * is not). Pairs below the build threshold (see
   * data/background/meta.json) read as 0.
   */
  bigramDf(a: string, b: string): number;
  /**
   * Smoothed inverse document frequency, ln((N + 1) / (df + 1)): ≥ 0, largest for unseen
   * keys (ln(N + 1)), near 0 for words in almost every article, and 0 for the empty model.
   */
  idf(key: string): number;
  /**
   * Share of the documents containing the key that have it in the title, shrunk towards
   * the corpus-wide share (`titleRatePrior`) with the weight of TITLE_RATE_PRIOR_WEIGHT
   * pseudo-documents, so a word seen in 2 documents does not get an extreme rate.
   * Names of places, people and organisations make titles; function words rarely do.
   */
  titleRate(key: string): number;
  /** Corpus-wide share of key–document pairs that are title occurrences (0 for the empty model). */
  readonly titleRatePrior: number;
  /**
   * How often the key sits inside the phrase it forms with the given neighbour(s):
   * max(bigramDf(prev, key), bigramDf(key, next)) / df(key), in [0, 1]. Document-level: the
   * share of the key's documents in which the pair occurs. A high share means the word is
   * usually a fragment of a longer phrase (المتحدة after الأمم or الولايات); a missing
   * neighbour is passed as undefined or null. 0 when the key is unseen.
   */
  fragmentShare(prev: string | null | undefined, key: string, next?: string | null): number;
  /**
   * The other direction: how bound the neighbour is to the key,
   * max(bigramDf(prev, key) / df(prev), bigramDf(key, next) / df(next)), in [0, 1]. High
   * when the neighbour hardly occurs without the key (الأمم → المتحدة, الولايات → المتحدة,
   * بغض → النظر, الأمين → العام): the pair is a fixed phrase even when the key, being
   * common, has many other contexts and so a modest fragmentShare. Low for a free
   * neighbour (نادي before الهلال, في before anything).
   */
  neighbourBond(prev: string | null | undefined, key: string, next?: string | null): number;
}

/** Pseudo-documents of prior in `titleRate`. */
export const TITLE_RATE_PRIOR_WEIGHT = 5;

/** Separator inside a bigram key; never part of a token key (tokens hold no white space). */
export const BIGRAM_SEPARATOR = ' ';

export function bigramKey(a: string, b: string): string {
  return a + BIGRAM_SEPARATOR + b;
}

/** The canonical keys of the tokens of a word or phrase, as the matcher and the model see them. */
export function backgroundKeys(text: string): string[] {
  return tokenize(text).map((t) => canonicalKey(t.key));
}

const NO_STATS: UnigramStats = [0, 0, 0];

/** Builds the model from two lookups; both constructors below share it. */
/** Lookups remembered per model: news words repeat, and a search in the sorted bytes costs an encode. */
const MEMO_LIMIT = 1 << 18;

function memoised<V>(lookup: (key: string) => V): (key: string) => V {
  let memo = new Map<string, V>();
  return (key) => {
    let v = memo.get(key);
    if (v === undefined && !memo.has(key)) {
      v = lookup(key);
      // Dropping everything at the limit keeps memory bounded without bookkeeping per entry.
      if (memo.size >= MEMO_LIMIT) memo = new Map();
      memo.set(key, v);
    }
    return v as V;
  };
}

/**
 * Pairs remembered by their first word, then their second: the words are the tokeniser's own
 * strings, whose hashes are computed already, where a joined key would be a new string to
 * build and hash on every lookup (the ranker asks several per mention).
 */
function memoisedPairs(lookup: (a: string, b: string) => number): (a: string, b: string) => number {
  let memo = new Map<string, Map<string, number>>();
  let size = 0;
  return (a, b) => {
    let after = memo.get(a);
    let v = after?.get(b);
    if (v === undefined) {
      v = lookup(a, b);
      if (size >= MEMO_LIMIT) {
        memo = new Map();
        size = 0;
        after = undefined;
      }
      if (after === undefined) memo.set(a, (after = new Map()));
      after.set(b, v);
      size++;
    }
    return v;
  };
}

function modelOf(
  documents: number,
  unigramLookup: (key: string) => UnigramStats | undefined,
  bigramLookup: (a: string, b: string) => number,
  titleRatePrior: number,
): BackgroundModel {
  const stats = memoised((key: string): UnigramStats => unigramLookup(key) ?? NO_STATS);
  const bigram = memoisedPairs(bigramLookup);
  const df = (key: string): number => stats(key)[0];
  return {
    documents,
    titleRatePrior,
    df,
    titleDf: (key) => stats(key)[1],
    cf: (key) => stats(key)[2],
    bigramDf: bigram,
    idf: (key) => Math.log((documents + 1) / (df(key) + 1)),
    titleRate: (key) => {
      const s = stats(key);
      return (s[1] + TITLE_RATE_PRIOR_WEIGHT * titleRatePrior) / (s[0] + TITLE_RATE_PRIOR_WEIGHT);
    },
    fragmentShare: (prev, key, next) => {
      const d = df(key);
      if (d === 0) return 0;
      const left = prev == null ? 0 : bigram(prev, key);
      const right = next == null ? 0 : bigram(key, next);
      return Math.min(1, Math.max(left, right) / d);
    },
    neighbourBond: (prev, key, next) => {
      const share = (pair: number, neighbourDf: number): number => (pair === 0 || neighbourDf === 0 ? 0 : Math.min(1, pair / neighbourDf));
      const left = prev == null ? 0 : share(bigram(prev, key), df(prev));
      const right = next == null ? 0 : share(bigram(key, next), df(next));
      return Math.max(left, right);
    },
  };
}

/** The model of parsed statistics held in maps (small data, tests, tools). */
export function createBackgroundModel(data: BackgroundData): BackgroundModel {
  const { documents, unigrams, bigrams } = data;
  let dfSum = 0;
  let titleSum = 0;
  for (const s of unigrams.values()) {
    dfSum += s[0];
    titleSum += s[1];
  }
  return modelOf(
    documents,
    (key) => unigrams.get(key),
    (a, b) => bigrams.get(bigramKey(a, b)) ?? 0,
    dfSum > 0 ? titleSum / dfSum : 0,
  );
}

/** The model of no data: documents 0, every lookup 0. Used when the statistics are missing. */
export function emptyBackgroundModel(): BackgroundModel {
  return createBackgroundModel({ documents: 0, unigrams: new Map(), bigrams: new Map() });
}

/**
 * Text formats of the committed statistics (gzipped on disk), one record a line, sorted by
 * key in UTF-16 code-unit order:
 *   unigrams: `key\tdf\ttitleDf\tcf`
 *   bigrams:  `a b\tdf`
 * Parsers throw on a malformed line with its number, so a damaged file is never half-read.
 * These map parsers serve the tests, with plain errors; what a run loads goes
 * through createBackgroundModelFromTsv, whose errors are the catalogue's.
 */
/** Calls `row(from, to, line)` for every non-empty line of text (1-based line numbers). */
function forEachLine(text: string, row: (from: number, to: number, line: number) => void): void {
  let pos = 0;
  let line = 0;
  const n = text.length;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    line++;
    if (eol > pos) row(pos, eol, line);
    pos = eol + 1;
  }
}

export function parseUnigramTsv(text: string): Map<string, UnigramStats> {
  const out = new Map<string, UnigramStats>();
  forEachLine(text, (pos, eol, line) => {
    const t1 = text.indexOf('\t', pos);
    const t2 = t1 < 0 ? -1 : text.indexOf('\t', t1 + 1);
    const t3 = t2 < 0 ? -1 : text.indexOf('\t', t2 + 1);
    if (t1 <= pos || t3 < 0 || t3 >= eol) throw new Error(`unigrams line ${line}: expected key\\tdf\\ttdf\\tcf`);
    const df = parseCount(text, t1 + 1, t2);
    const tdf = parseCount(text, t2 + 1, t3);
    const cf = parseCount(text, t3 + 1, eol);
    if (df < 0 || tdf < 0 || cf < 0) throw new Error(`unigrams line ${line}: counts must be non-negative integers`);
    out.set(text.slice(pos, t1), [df, tdf, cf]);
  });
  return out;
}

export function parseBigramTsv(text: string): Map<string, number> {
  const out = new Map<string, number>();
  forEachLine(text, (pos, eol, line) => {
    const t = text.indexOf('\t', pos);
    const sp = text.indexOf(BIGRAM_SEPARATOR, pos);
    if (t < 0 || t >= eol || sp <= pos || sp >= t - 1) throw new Error(`bigrams line ${line}: expected "a b\\tdf"`);
    const df = parseCount(text, t + 1, eol);
    if (df < 0) throw new Error(`bigrams line ${line}: df must be a non-negative integer`);
    out.set(text.slice(pos, t), df);
  });
  return out;
}

/** Decimal digits in text[from, to) as a number; -1 when empty or not all digits. */
function parseCount(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export function formatUnigramTsv(unigrams: ReadonlyMap<string, UnigramStats>, minDf = 1): string {
  const keys = [...unigrams.keys()].filter((k) => unigrams.get(k)![0] >= minDf).sort(compareCodeUnits);
  let out = '';
  for (const k of keys) {
    const [df, tdf, cf] = unigrams.get(k)!;
    out += `${k}\t${df}\t${tdf}\t${cf}\n`;
  }
  return out;
}

export function formatBigramTsv(bigrams: ReadonlyMap<string, number>, minDf = 1): string {
  const keys = [...bigrams.keys()].filter((k) => bigrams.get(k)! >= minDf).sort(compareCodeUnits);
  let out = '';
  for (const k of keys) out += `${k}\t${bigrams.get(k)!}\n`;
  return out;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The committed statistics as UTF-8 bytes of the two TSV texts (gunzipped, not decoded). */
export interface BackgroundTables {
  documents: number;
  unigrams: Uint8Array;
  bigrams: Uint8Array;
}

/**
 * The model over the raw TSV bytes, searched in place. Decoding hundreds of thousands of
 * lines into a Map of strings costs about 300 ms and 150 MB at start-up; indexing the line
 * offsets of the sorted bytes costs a few tens of ms, and a lookup is a binary search.
 * UTF-8 byte order equals the files' UTF-16 code-unit order because keys hold no
 * characters outside the BMP (the tokeniser splits at surrogates); the order is checked.
 */
export function createBackgroundModelFromTsv(tables: BackgroundTables): BackgroundModel {
  const uni = new SortedTsvTable(tables.unigrams, 3, 'unigrams', false);
  const bi = new SortedTsvTable(tables.bigrams, 1, 'bigrams', true);
  let dfSum = 0;
  let titleSum = 0;
  for (let i = 0; i < uni.size; i++) {
    dfSum += uni.values[i * 3]!;
    titleSum += uni.values[i * 3 + 1]!;
  }
  return modelOf(
    tables.documents,
    (key) => {
      const i = uni.find(key);
      return i < 0 ? undefined : [uni.values[i * 3]!, uni.values[i * 3 + 1]!, uni.values[i * 3 + 2]!];
    },
    (a, b) => {
      const i = bi.findPair(a, b);
      return i < 0 ? 0 : bi.values[i]!;
    },
    dfSum > 0 ? titleSum / dfSum : 0,
  );
}

const NEWLINE = 10;
const TAB = 9;
const SEPARATOR_BYTE = BIGRAM_SEPARATOR.charCodeAt(0);

type LineTemplate = 'backgroundNoKey' | 'backgroundNotPair' | 'backgroundSpace' | 'backgroundNotCount' | 'backgroundFewCounts' | 'backgroundManyCounts' | 'backgroundCountRange' | 'backgroundUnsorted';

/** A damaged line of a statistics table; `details.table` says which table (unigrams or bigrams). */
function lineError<N extends LineTemplate>(template: N, params: TemplateParams<'INTERNAL', N> & { readonly table: string }): WasimError {
  return WasimError.of('INTERNAL', template, params, { table: params.table });
}

/** Lines `key\tn1[\tn2…]` sorted by key, indexed by offsets into the bytes. */
class SortedTsvTable {
  readonly size: number;
  /** `columns` counts per line. */
  readonly values: Uint32Array;
  private readonly keyStart: Int32Array;
  private readonly keyEnd: Int32Array;

  constructor(
    private readonly bytes: Uint8Array,
    columns: number,
    name: string,
    pairKeys: boolean,
  ) {
    // One pass over the bytes, no calls per line: this runs at CLI start-up on ~14 MB.
    let lines = 0;
    for (let p = bytes.indexOf(NEWLINE); p >= 0; p = bytes.indexOf(NEWLINE, p + 1)) lines++;
    if (bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE) lines++;
    const keyStart = new Int32Array(lines);
    const keyEnd = new Int32Array(lines);
    const values = new Uint32Array(lines * columns);
    const len = bytes.length;
    let n = 0;
    let line = 0;
    let p = 0;
    while (p < len) {
      line++;
      const start = p;
      let b = bytes[p]!;
      if (b === NEWLINE) {
        p++;
        continue;
      }
      let separators = 0;
      let firstSeparator = -1;
      while (b !== TAB && b !== NEWLINE) {
        if (b === SEPARATOR_BYTE) {
          separators++;
          if (firstSeparator < 0) firstSeparator = p;
        }
        if (++p === len) break;
        b = bytes[p]!;
      }
      if (p === start || b !== TAB) throw lineError('backgroundNoKey', { table: name, line });
      if (pairKeys ? separators !== 1 || firstSeparator === start || firstSeparator === p - 1 : separators !== 0) {
        throw lineError(pairKeys ? 'backgroundNotPair' : 'backgroundSpace', { table: name, line });
      }
      keyStart[n] = start;
      keyEnd[n] = p;
      for (let c = 0; c < columns; c++) {
        p++; // past the tab
        let v = 0;
        const from = p;
        while (p < len) {
          b = bytes[p]!;
          const d = b - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
          p++;
        }
        const ended = p === len || b === NEWLINE;
        const last = c === columns - 1;
        if (!ended && b !== TAB) throw lineError('backgroundNotCount', { table: name, line, column: c + 2 });
        if (p === from || (ended && !last)) throw lineError('backgroundFewCounts', { table: name, line, columns });
        if (!ended && last) throw lineError('backgroundManyCounts', { table: name, line, columns });
        if (p - from > 10 || v > 0xffffffff) throw lineError('backgroundCountRange', { table: name, line });
        values[n * columns + c] = v;
      }
      p++; // past the newline
      if (n > 0 && compareRanges(bytes, keyStart[n - 1]!, keyEnd[n - 1]!, bytes, start, keyEnd[n]!) >= 0) {
        throw lineError('backgroundUnsorted', { table: name, line });
      }
      n++;
    }
    this.size = n;
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.values = values;
    // A hash of the keys' UTF-16 code units, so that a lookup hashes the caller's string as it is
    // (no encoding, no joined pair) and lands on its line in a probe or two, where a binary
    // search costs twenty scattered reads. Empty slots are 0; a line is stored as its index + 1.
    let slots = 16;
    while (slots < n * 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    for (let line = 0; line < n; line++) {
      let i = utf8Hash(bytes, keyStart[line]!, keyEnd[line]!) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = line + 1;
    }
  }

  private readonly slots: Int32Array;
  private readonly mask: number;

  /** Line index of the key, or -1. */
  find(key: string): number {
    return this.lookup(key, '', false);
  }

  /** Line index of the pair key `a b`, or -1. */
  findPair(a: string, b: string): number {
    return this.lookup(a, b, true);
  }

  private lookup(a: string, b: string, pair: boolean): number {
    let h = fnvRange(a, 0, a.length);
    if (pair) h = fnvRange(b, 0, b.length, fnvStep(h, SEPARATOR_BYTE));
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const line = this.slots[i]! - 1;
      if (line < 0) return -1;
      if (sameKey(this.bytes, this.keyStart[line]!, this.keyEnd[line]!, a, b, pair)) return line;
    }
  }
}

/*
 * The code units of UTF-8 bytes, one at a time: utf8Unit reads the unit at an offset, and
 * utf8Length says how many bytes it takes. Keys are well-formed (the files are written from JS
 * strings), so no byte is checked twice.
 */
/** Bytes of the UTF-8 sequence that starts with byte b. */
function utf8Length(b: number): number {
  return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/** The code unit of the UTF-8 sequence at bytes[p]; -1 outside the BMP (the tokeniser never makes such keys: hashed as one unit, never equal to a string's). */
function utf8Unit(bytes: Uint8Array, p: number): number {
  const b = bytes[p]!;
  if (b < 0x80) return b;
  if (b < 0xe0) return ((b & 0x1f) << 6) | (bytes[p + 1]! & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((bytes[p + 1]! & 0x3f) << 6) | (bytes[p + 2]! & 0x3f);
  return -1;
}

function utf8Hash(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let p = from; p < to; p += utf8Length(bytes[p]!)) h = fnvStep(h, utf8Unit(bytes, p));
  return h;
}

/** Is UTF-8 bytes[from, to) the key a (or the pair `a b`)? */
function sameKey(bytes: Uint8Array, from: number, to: number, a: string, b: string, pair: boolean): boolean {
  let p = from;
  for (let i = 0; i < a.length; i++) {
    if (p >= to || utf8Unit(bytes, p) !== a.charCodeAt(i)) return false;
    p += utf8Length(bytes[p]!);
  }
  if (!pair) return p === to;
  if (p >= to || bytes[p] !== SEPARATOR_BYTE) return false;
  p++;
  for (let i = 0; i < b.length; i++) {
    if (p >= to || utf8Unit(bytes, p) !== b.charCodeAt(i)) return false;
    p += utf8Length(bytes[p]!);
  }
  return p === to;
}

/** Byte-wise comparison of a[aFrom, aTo) with b[bFrom, bTo). */
function compareRanges(a: Uint8Array, aFrom: number, aTo: number, b: Uint8Array, bFrom: number, bTo: number): number {
  const m = Math.min(aTo - aFrom, bTo - bFrom);
  for (let i = 0; i < m; i++) {
    const d = a[aFrom + i]! - b[bFrom + i]!;
    if (d !== 0) return d;
  }
  return aTo - aFrom - (bTo - bFrom);
}

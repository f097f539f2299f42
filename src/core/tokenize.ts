/**
 * The tokenise stage: text → TokenizedText, columns of offsets, kinds, interned word ids and
 * folded forms. A token is a maximal run of letters of one script family (Arabic letters;
 * other letters with ASCII digits, as in G20 or COVID19) or of digits next to Arabic letters
 * (بـ2015 → ب | 2015). Diacritics, tatweel and zero-width / bidi marks inside a word are
 * skipped without breaking it. Offsets index the original string.
 */
import { isFormatMark, isIgnorable, keyOfLight, lightCodeOfUnit, lightOfUnit, UnitMemo } from './fold.js';
import { FNV_OFFSET, fnvStep } from './hash.js';

export type Script = 'arabic' | 'latin' | 'digit';

export interface Token {
  /** UTF-16 offsets in the original string; [start, end) covers the word as written. */
  start: number;
  end: number;
  /** Light fold (keeps أ إ آ ى). */
  light: string;
  /** Full fold: the lookup key. Same length as light. */
  key: string;
  script: Script;
  /** Ends in a tatweel joining it to what follows (بـ2015، الـ«فيفا»). */
  joiner: boolean;
}

const C_SEP = 1;
const C_ARABIC = 2;
const C_LATIN = 3;
const C_DIGIT = 4; // Arabic-Indic or ASCII digit
const C_MARK = 5; // diacritic / tatweel: belongs to the letter before it
const C_FORMAT = 6; // zero-width and bidi marks: skipped, never part of a span's edge

const LETTER_RE = /\p{L}/u;

function classify(c: number): number {
  if (c >= 0x30 && c <= 0x39) return C_DIGIT;
  if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06f0 && c <= 0x06f9)) return C_DIGIT;
  // A zero-width space separates words; the other format marks sit inside them.
  if (c === 0x200b) return C_SEP;
  if (isIgnorable(c)) return isFormatMark(c) ? C_FORMAT : C_MARK;
  // Ligatures of whole phrases (ﷺ, ﷻ, ﷽) expand to several words: they are not one token.
  if (c >= 0xfdf0 && c <= 0xfdff && String.fromCharCode(c).normalize('NFKC').includes(' ')) return C_SEP;
  if (
    (c >= 0x0621 && c <= 0x064a) ||
    (c >= 0x066e && c <= 0x06d3) ||
    c === 0x06d5 ||
    (c >= 0x06ee && c <= 0x06ef) ||
    (c >= 0x06fa && c <= 0x06ff) ||
    (c >= 0x0750 && c <= 0x077f) ||
    (c >= 0x08a0 && c <= 0x08ff) ||
    (c >= 0xfb50 && c <= 0xfdfb && c !== 0xfd3e && c !== 0xfd3f) ||
    (c >= 0xfe70 && c <= 0xfefc)
  ) {
    return C_ARABIC;
  }
  if (c >= 0xd800 && c <= 0xdfff) return C_SEP;
  if (c >= 0xff10 && c <= 0xff19) return C_DIGIT;
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? C_LATIN : C_SEP;
  return LETTER_RE.test(String.fromCharCode(c)) ? C_LATIN : C_SEP;
}

const CLASSES = new UnitMemo(classify);

export function charClass(c: number): number {
  return CLASSES.get(c);
}

/**
 * What the scan asks of every code unit, in one table read: its class in the low 3 bits, and
 * above them its light code + 1 (0 when its light form is not one code unit).
 */
const UNIT_FACTS = new UnitMemo((c) => CLASSES.get(c) | ((lightCodeOfUnit(c) + 1) << 3));

/** A token's kind (the `kinds` column): its script, and KIND_JOINER when a tatweel joins it to what follows. */
export const KIND_ARABIC = 0;
export const KIND_LATIN = 1;
export const KIND_DIGIT = 2;
/** The script bits of a kind. */
export const KIND_SCRIPT = 3;
export const KIND_JOINER = 4;
const SCRIPTS: readonly Script[] = ['arabic', 'latin', 'digit'];

const kindOfClass = (cls: number): number => (cls === C_ARABIC ? KIND_ARABIC : cls === C_DIGIT ? KIND_DIGIT : KIND_LATIN);

/** Can a letter of class `next` continue a token whose letters so far are of class `cur`? */
function continues(cur: number, next: number): boolean {
  if (cur === next) return true;
  // Latin words carry ASCII digits (G20, COVID19); Arabic words and numbers are split.
  return (cur === C_LATIN && next === C_DIGIT) || (cur === C_DIGIT && next === C_LATIN);
}

const MAX_APPLY = 4096;

/** The string of code units buf[0 .. n). */
function unitsString(buf: Uint16Array, n: number): string {
  if (n <= MAX_APPLY) return String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += MAX_APPLY) s += String.fromCharCode.apply(null, buf.subarray(i, Math.min(n, i + MAX_APPLY)) as unknown as number[]);
  return s;
}

/*
 * Tokens are made as copies of a template rather than from an object literal. V8 watches the
 * objects a literal makes, and when a collection happens to find all of them alive (a long
 * article being tokenised right after a full collection), it allocates every later one
 * straight in the old generation, where a token list that dies young makes the tokeniser a
 * third slower from then on. Copies of an object are not watched.
 */
const TOKEN_TEMPLATE: Token = { start: 0, end: 0, light: '', key: '', script: 'arabic', joiner: false };

function newToken(start: number, end: number, light: string, key: string, kind: number): Token {
  const t = { ...TOKEN_TEMPLATE };
  t.start = start;
  t.end = end;
  t.light = light;
  t.key = key;
  t.script = SCRIPTS[kind & KIND_SCRIPT]!;
  t.joiner = (kind & KIND_JOINER) !== 0;
  return t;
}

/**
 * The tokens of one text, in columns: token i covers text[starts[i], ends[i]). Stages read the
 * columns; `tokens` makes an object per token, on first use, for the callers that want them.
 */
export class TokenizedText {
  private objects: Token[] | undefined = undefined;

  constructor(
    /** The string tokenised: offsets index it. */
    readonly text: string,
    /** Number of tokens. */
    readonly length: number,
    /** UTF-16 offset of each token's first code unit. */
    readonly starts: Int32Array,
    /** UTF-16 offset after each token's last code unit (a diacritic or tatweel included). */
    readonly ends: Int32Array,
    /** KIND_* bits of each token. */
    readonly kinds: Uint8Array,
    /**
     * Interned word id of each token, -1 for a token not interned (too long, or the table full).
     * Ids are small and dense, and texts of one `space` give one light form one id and one id
     * one light form: a stage remembers what it derived from a word in an array indexed by id.
     */
    readonly words: Int32Array,
    /** Light fold of each token (keeps أ إ آ ى). */
    readonly lights: readonly string[],
    /** Full fold of each token: the lookup key, as long as its light form. */
    readonly keys: readonly string[],
    /** What the word ids mean; undefined when no word is interned. */
    readonly space: WordSpace | undefined,
  ) {}

  script(i: number): Script {
    return SCRIPTS[this.kinds[i]! & KIND_SCRIPT]!;
  }

  isArabic(i: number): boolean {
    return (this.kinds[i]! & KIND_SCRIPT) === KIND_ARABIC;
  }

  /** Token i ends in a tatweel joining it to what follows (بـ2015، الـ«فيفا»). */
  joiner(i: number): boolean {
    return (this.kinds[i]! & KIND_JOINER) !== 0;
  }

  /** The tokens as objects (made once). */
  get tokens(): readonly Token[] {
    if (this.objects === undefined) {
      const out: Token[] = [];
      for (let i = 0; i < this.length; i++) out.push(newToken(this.starts[i]!, this.ends[i]!, this.lights[i]!, this.keys[i]!, this.kinds[i]!));
      this.objects = out;
    }
    return this.objects;
  }

  /** Columns of token objects (made elsewhere: tests, tools); no word is interned. */
  static fromTokens(text: string, tokens: readonly Token[]): TokenizedText {
    const n = tokens.length;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const kinds = new Uint8Array(n);
    const words = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const t = tokens[i]!;
      starts[i] = t.start;
      ends[i] = t.end;
      kinds[i] = (t.script === 'arabic' ? KIND_ARABIC : t.script === 'digit' ? KIND_DIGIT : KIND_LATIN) | (t.joiner ? KIND_JOINER : 0);
    }
    return new TokenizedText(text, n, starts, ends, kinds, words, tokens.map((t) => t.light), tokens.map((t) => t.key), undefined);
  }
}

/**
 * The meaning of word ids: one per filling of a tokeniser's intern table. A memory indexed by
 * word id holds for one space, and starts again when a text comes with another.
 */
export class WordSpace {
  constructor(
    /** Ids are below this. */
    readonly size: number,
  ) {}
}

/*
 * Words recur (a news article repeats its names, and the language its words), so a tokeniser
 * interns its tokens' light and key strings: a table of the distinct light forms met, found by
 * a hash of the light code units computed as the token is read. A repeated word then costs no
 * string allocation, its strings are the same objects each time (they already carry the hash
 * a lookup by light form needs), and it has a small dense id, which later stages index their
 * per-word memories by. The key is a function of the light form, so it is stored beside it.
 * The table is cleared, and a new WordSpace begun, before a text that could fill it: which
 * bounds its memory, and keeps a text's ids in one space. A clear is dear: every stage's memory
 * by word id starts again, so the table holds more words than a year of a news site uses (all
 * of SaudiNewsNet, 31k articles, has 270k distinct light forms); at 131k words the corpus was
 * tagged in five word spaces, and a third slower with the default vocabulary.
 */
/** Slots of a tokeniser's intern hash at most (8 MB), and at first. */
const INTERN_SLOTS = 1 << 20;
const MIN_INTERN_SLOTS = 1 << 14;
/** Word ids are below this. */
export const WORD_IDS = INTERN_SLOTS >>> 1;
/** Longer tokens (few, and rarely repeated) get fresh strings. */
const MAX_INTERNED = 40;

/** The intern table of a Tokenizer. */
class InternTable {
  /**
   * Per slot, side by side (one memory line per probe): word id + 1 (0 when empty), then the
   * light form's hash. The table grows with the words (at most half its slots used), so that
   * the few hundred thousand words of a corpus do not spread a short run's probes over 8 MB.
   */
  private slots = new Int32Array(2 * MIN_INTERN_SLOTS);
  private mask = MIN_INTERN_SLOTS - 1;
  /**
   * The light forms' code units end to end, word w's at units[unitStart[w] .. unitStart[w + 1]):
   * a probe compares the open token with one run of flat memory, not with a string object
   * somewhere in the heap.
   */
  private units = new Uint16Array(1 << 16);
  private readonly unitStart = new Int32Array(WORD_IDS + 1);
  private readonly light: string[] = [];
  private readonly key: string[] = [];
  private count = 0;
  space = new WordSpace(WORD_IDS);

  /** Makes room for the words of a text of `units` code units (a token takes one at least). */
  reserve(units: number): void {
    if (this.count > 0 && this.count + units > WORD_IDS) {
      this.slots = new Int32Array(2 * MIN_INTERN_SLOTS);
      this.mask = MIN_INTERN_SLOTS - 1;
      this.count = 0;
      this.space = new WordSpace(WORD_IDS);
    }
  }

  /** Id of the light form buf[0 .. n) of hash `hash`, interned now if new; -1 when the table is full. */
  idOf(buf: Uint16Array, n: number, hash: number): number {
    const mask = this.mask;
    const slots = this.slots;
    let slot = (hash ^ (hash >>> 15)) & mask;
    for (;;) {
      const w = slots[2 * slot]! - 1;
      if (w < 0) break;
      if (slots[2 * slot + 1] === hash) {
        const from = this.unitStart[w]!;
        if (this.unitStart[w + 1]! - from === n) {
          const units = this.units;
          let u = 0;
          while (u < n && units[from + u] === buf[u]) u++;
          if (u === n) return w;
        }
      }
      slot = (slot + 1) & mask;
    }
    // Only a text longer than the table holds words can fill it.
    if (this.count >= WORD_IDS) return -1;
    if (2 * (this.count + 1) > mask + 1) return this.grow(buf, n, hash);
    const id = this.count++;
    const from = this.unitStart[id]!;
    if (from + n > this.units.length) {
      const bigger = new Uint16Array(Math.max(2 * this.units.length, from + n));
      bigger.set(this.units.subarray(0, from));
      this.units = bigger;
    }
    this.units.set(buf.subarray(0, n), from);
    this.unitStart[id + 1] = from + n;
    const light = unitsString(buf, n);
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = hash;
    this.light[id] = light;
    this.key[id] = keyOfLight(light);
    return id;
  }

  /** Doubles the slots (ids stay), then interns buf[0 .. n). */
  private grow(buf: Uint16Array, n: number, hash: number): number {
    const old = this.slots;
    const size = 2 * (this.mask + 1);
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s] === 0) continue;
      const h = old[s + 1]!;
      let slot = (h ^ (h >>> 15)) & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = old[s]!;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
    return this.idOf(buf, n, hash);
  }

  lightOf(id: number): string {
    return this.light[id]!;
  }

  keyOf(id: number): string {
    return this.key[id]!;
  }
}

const NO_INTS = new Int32Array(0);
const NO_BYTES = new Uint8Array(0);

/**
 * Tokenises texts. It owns its scratch columns and its intern table (whose word ids its texts
 * carry), so a caller tokenising many texts keeps one: the Tagger does. Not re-entrant.
 */
export class Tokenizer {
  private readonly intern: InternTable | undefined;
  // Light code units of the open token.
  private buf: Uint16Array;
  // Columns of the text being tokenised; a text's own are copies of their first `length` entries.
  private starts: Int32Array;
  private ends: Int32Array;
  private kinds: Uint8Array;
  private words: Int32Array;
  private lights: string[] = [];
  private keys: string[] = [];
  /** Where tokens go as objects instead of columns (tokenObjects), else undefined. */
  private objects: Token[] | undefined = undefined;

  /** `intern: false` makes a tokeniser for a few texts: no table to allocate, every token's strings fresh. */
  constructor(options: { intern?: boolean } = {}) {
    const intern = options.intern !== false;
    this.intern = intern ? new InternTable() : undefined;
    this.buf = new Uint16Array(intern ? 256 : 32);
    // Made when first needed: a tokeniser for a few texts may only make token objects.
    this.starts = NO_INTS;
    this.ends = NO_INTS;
    this.kinds = NO_BYTES;
    this.words = NO_INTS;
  }

  tokenize(text: string): TokenizedText {
    this.lights = [];
    this.keys = [];
    this.intern?.reserve(text.length);
    const n = this.scan(text);
    // One buffer for the text's four columns: a typed array of more than a few dozen bytes is
    // allocated outside the heap, and each such buffer costs the garbage collector.
    const cols = new Int32Array(3 * n + ((n + 3) >>> 2));
    cols.set(this.starts.subarray(0, n), 0);
    cols.set(this.ends.subarray(0, n), n);
    cols.set(this.words.subarray(0, n), 2 * n);
    const kinds = new Uint8Array(cols.buffer, 12 * n, n);
    kinds.set(this.kinds.subarray(0, n));
    return new TokenizedText(text, n, cols.subarray(0, n), cols.subarray(n, 2 * n), kinds, cols.subarray(2 * n, 3 * n), this.lights, this.keys, this.intern?.space);
  }

  /** The tokens of a text as objects, with no columns made. */
  tokenObjects(text: string): Token[] {
    const out: Token[] = [];
    this.objects = out;
    this.intern?.reserve(text.length);
    try {
      this.scan(text);
    } finally {
      this.objects = undefined;
    }
    return out;
  }

  /** Adds token k: text[start, end), light form buf[0 .. n) with hash `hash` (or text[start, end) itself when lightIsText). */
  private add(k: number, text: string, start: number, end: number, n: number, hash: number, lightIsText: boolean, kind: number): void {
    let light: string;
    let key: string;
    const word = n <= MAX_INTERNED && this.intern !== undefined ? this.intern.idOf(this.buf, n, hash) : -1;
    if (word >= 0) {
      light = this.intern!.lightOf(word);
      key = this.intern!.keyOf(word);
    } else {
      light = lightIsText ? text.slice(start, end) : unitsString(this.buf, n);
      key = keyOfLight(light);
    }
    if (this.objects !== undefined) {
      this.objects.push(newToken(start, end, light, key, kind));
      return;
    }
    if (k === this.starts.length) this.growColumns();
    this.starts[k] = start;
    this.ends[k] = end;
    this.kinds[k] = kind;
    this.words[k] = word;
    this.lights.push(light);
    this.keys.push(key);
  }

  /** Tokenises text into the columns (or objects); returns the number of tokens. */
  private scan(text: string): number {
    let count = 0;
    let cls = 0; // class of the open token, 0 when none
    let start = 0;
    let end = 0;
    let sawLatin = false;
    let joiner = false;
    // Most words fold to themselves: their light form is then a slice of the text.
    let lightIsText = true;
    let n = 0; // light code units of the open token
    let hash = FNV_OFFSET;
    let buf = this.buf;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const facts = UNIT_FACTS.get(c);
      const k = facts & 7;
      if (k === C_MARK) {
        if (cls !== 0) {
          end = i + 1;
          joiner = c === 0x0640;
          lightIsText = false;
        }
        continue;
      }
      if (k === C_FORMAT) {
        if (cls !== 0) lightIsText = false;
        continue;
      }
      if (cls !== 0 && (k === C_SEP || !continues(cls, k))) {
        this.add(count++, text, start, end, n, hash, lightIsText, (sawLatin ? KIND_LATIN : kindOfClass(cls)) | (joiner ? KIND_JOINER : 0));
        cls = 0;
      }
      if (k === C_SEP) continue;
      if (cls === 0) {
        cls = k;
        start = i;
        sawLatin = false;
        lightIsText = true;
        n = 0;
        hash = FNV_OFFSET;
      }
      if (k === C_LATIN) sawLatin = true;
      const lc = (facts >>> 3) - 1;
      if (lc >= 0) {
        if (lc !== c) lightIsText = false;
        if (n === buf.length) buf = this.growBuf();
        buf[n++] = lc;
        hash = fnvStep(hash, lc);
      } else {
        lightIsText = false;
        const light = lightOfUnit(text[i]!);
        for (let u = 0; u < light.length; u++) {
          const lu = light.charCodeAt(u);
          if (n === buf.length) buf = this.growBuf();
          buf[n++] = lu;
          hash = fnvStep(hash, lu);
        }
      }
      end = i + 1;
      joiner = false;
    }
    if (cls !== 0) this.add(count++, text, start, end, n, hash, lightIsText, (sawLatin ? KIND_LATIN : kindOfClass(cls)) | (joiner ? KIND_JOINER : 0));
    return count;
  }

  private growBuf(): Uint16Array {
    const bigger = new Uint16Array(this.buf.length * 2);
    bigger.set(this.buf);
    return (this.buf = bigger);
  }

  private growColumns(): void {
    const size = Math.max(1024, this.starts.length * 2);
    const grow = <A extends Int32Array | Uint8Array>(a: A, b: A): A => (b.set(a), b);
    this.starts = grow(this.starts, new Int32Array(size));
    this.ends = grow(this.ends, new Int32Array(size));
    this.kinds = grow(this.kinds, new Uint8Array(size));
    this.words = grow(this.words, new Int32Array(size));
  }
}

export function createTokenizer(): Tokenizer {
  return new Tokenizer();
}

/**
 * The tokens of one text as objects, its words not interned: for tools and tests. A caller
 * tokenising many texts keeps a Tokenizer.
 */
export function tokenize(text: string): Token[] {
  return new Tokenizer({ intern: false }).tokenObjects(text);
}

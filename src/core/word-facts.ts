/**
 * What the background model says of a text's tokens, as the disambiguation and score stages ask
 * it: a word's document frequency, whether news uses it as a given name, how often it pairs with
 * its neighbour. These are asked for the words around every mention, hundreds of times an
 * article with a big vocabulary, and a lookup by key string costs a hash-map probe each time.
 * So they are remembered per interned word, by the tokeniser's word id (TokenizedText.words):
 * an array read. A word id determines the token's key within one WordSpace, so the memory holds
 * for the texts of one space and one model, and starts again with another. A token without an
 * id (-1) is looked up by its key, as the BackgroundModel interface gives it.
 *
 * Pairs of neighbours are remembered per token position of the text being read (the same pair
 * is asked by every mention beside it), and across texts in a direct-mapped cache by the pair of
 * word ids, which has no dense index: a pair that collides with another is asked of the model.
 */
import type { BackgroundModel } from './background.js';
import type { TokenizedText, WordSpace } from './tokenize.js';

/** A given name's documents have it before بن in at least this share. */
const GIVEN_NAME_SHARE = 0.1;
/** Fewer documents than this say nothing about a word's use as a name. */
const GIVEN_NAME_MIN_DF = 20;
const BIN = 'بن';

/** A word news uses as a given name: often followed by بن (سعد بن، فيصل بن، تركي بن). */
function givenNameOf(bg: BackgroundModel, key: string, df: number): boolean {
  return df >= GIVEN_NAME_MIN_DF && bg.bigramDf(key, BIN) >= GIVEN_NAME_SHARE * df;
}

/** Ints per word id in the rows: document frequency + 1 (0 until asked), then FACT_* bits. */
const STRIDE = 2;
const DF = 0;
const BITS = 1;
const GIVEN_ASKED = 1;
const GIVEN = 2;
const IN_LIST_ASKED = 4;
const IN_LIST = 8;

/** Slots of the pair cache (a power of 2), PAIR_STRIDE ints each: first word id + 1 (0 empty), second word id, bigramDf. */
const PAIR_BITS = 18;
const PAIR_STRIDE = 4;

/** Key lookups remembered for tokens without a word id and for keys that are no token's (a word without its و). */
const KEY_MEMO_LIMIT = 100_000;

/**
 * The facts of the words of one word space under one background model, owned by the Tagger and
 * shared by the stages that ask them. `of` gives the facts of one text's tokens.
 */
export class WordFacts {
  private background: BackgroundModel | undefined = undefined;
  private space: WordSpace | undefined = undefined;
  private rows: Int32Array = new Int32Array(0);
  private pairCache = new Int32Array(0);
  private readonly givenNames = new Map<string, boolean>();
  private readonly givenNamesInList = new Map<string, boolean>();
  /** One per slot: the texts one stage reads side by side (an article's fields) each need their own. */
  private readonly texts: TextFacts[] = [];

  /**
   * The facts of `text`'s tokens under `background`, in `slot` (a stage reads the title in 0 and
   * the body in 1). Valid until `of` is called again with the same slot.
   */
  of(text: TokenizedText, background: BackgroundModel, slot: number): TextFacts {
    if (background !== this.background) {
      this.background = background;
      this.space = undefined;
      this.givenNames.clear();
      this.givenNamesInList.clear();
    }
    // A long-running tagger meets new words every day.
    if (this.givenNames.size >= KEY_MEMO_LIMIT) this.givenNames.clear();
    if (this.givenNamesInList.size >= KEY_MEMO_LIMIT) this.givenNamesInList.clear();
    const space = text.space;
    if (space !== undefined && space !== this.space) {
      this.space = space;
      this.rows = new Int32Array(space.size * STRIDE);
      this.pairCache = new Int32Array(PAIR_STRIDE << PAIR_BITS);
    }
    while (this.texts.length <= slot) this.texts.push(new TextFacts(this));
    // The rows are taken now: a text of an earlier space keeps the rows of its own.
    return this.texts[slot]!.bind(text, background, space !== undefined ? this.rows : undefined, this.pairCache);
  }

  /** isGivenName of a key that has no word id. */
  givenNameOfKey(bg: BackgroundModel, key: string): boolean {
    let known = this.givenNames.get(key);
    if (known === undefined) {
      known = givenNameOf(bg, key, bg.df(key));
      this.givenNames.set(key, known);
    }
    return known;
  }

  /** givenNameInList of a key that has no word id. */
  givenNameInListOfKey(bg: BackgroundModel, key: string): boolean {
    let known = this.givenNamesInList.get(key);
    if (known === undefined) {
      known = this.givenNameOfKey(bg, key) || (key.startsWith('و') && key.length > 3 && this.givenNameInListOfKey(bg, key.slice(1)));
      this.givenNamesInList.set(key, known);
    }
    return known;
  }
}

/** The background's facts of one text's tokens, by token index. */
export class TextFacts {
  private text: TokenizedText | undefined = undefined;
  private keys: readonly string[] = [];
  /** The tokens' word ids when the rows hold for them, else undefined. */
  private words: Int32Array | undefined = undefined;
  private rows: Int32Array = new Int32Array(0);
  private pairCache: Int32Array = new Int32Array(0);
  private bg: BackgroundModel | undefined = undefined;
  /** Per token i, bigramDf(keys[i - 1], keys[i]) + 1, 0 until asked. */
  private pairs = new Int32Array(256);

  constructor(private readonly owner: WordFacts) {}

  bind(text: TokenizedText, bg: BackgroundModel, rows: Int32Array | undefined, pairCache: Int32Array): this {
    const words = rows === undefined ? undefined : text.words;
    // The same text read again by a later stage keeps what the earlier one asked.
    if (text === this.text && bg === this.bg && words === this.words && (rows === undefined || rows === this.rows)) return this;
    this.text = text;
    this.keys = text.keys;
    this.words = words;
    if (rows !== undefined) {
      this.rows = rows;
      this.pairCache = pairCache;
    }
    this.bg = bg;
    const n = text.length;
    if (this.pairs.length < n) this.pairs = new Int32Array(Math.max(n, 2 * this.pairs.length));
    else this.pairs.fill(0, 0, n);
    return this;
  }

  /** Where token i's row starts, -1 when it has none. */
  private row(i: number): number {
    const words = this.words;
    if (words === undefined) return -1;
    const w = words[i]!;
    return w >= 0 ? w * STRIDE : -1;
  }

  /** Documents containing token i's key (BackgroundModel.df). */
  df(i: number): number {
    const r = this.row(i);
    if (r < 0) return this.bg!.df(this.keys[i]!);
    const rows = this.rows;
    let v = rows[r + DF]!;
    if (v === 0) rows[r + DF] = v = this.bg!.df(this.keys[i]!) + 1;
    return v - 1;
  }

  /** bigramDf of tokens i - 1 and i (0 < i < length). */
  pairBefore(i: number): number {
    const v = this.pairs[i]!;
    if (v !== 0) return v - 1;
    const words = this.words;
    const a = words === undefined ? -1 : words[i - 1]!;
    const b = words === undefined ? -1 : words[i]!;
    let df: number;
    if (a < 0 || b < 0) df = this.bg!.bigramDf(this.keys[i - 1]!, this.keys[i]!);
    else {
      const cache = this.pairCache;
      const at = (Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) >>> (32 - PAIR_BITS)) * PAIR_STRIDE;
      if (cache[at] === a + 1 && cache[at + 1] === b) df = cache[at + 2]!;
      else {
        df = this.bg!.bigramDf(this.keys[i - 1]!, this.keys[i]!);
        cache[at] = a + 1;
        cache[at + 1] = b;
        cache[at + 2] = df;
      }
    }
    this.pairs[i] = df + 1;
    return df;
  }

  /** Token i is a word news uses as a given name: often followed by بن (سعد بن، فيصل بن، تركي بن). */
  givenName(i: number): boolean {
    const r = this.row(i);
    if (r < 0) return this.owner.givenNameOfKey(this.bg!, this.keys[i]!);
    const rows = this.rows;
    const bits = rows[r + BITS]!;
    if ((bits & GIVEN_ASKED) !== 0) return (bits & GIVEN) !== 0;
    const yes = givenNameOf(this.bg!, this.keys[i]!, this.df(i));
    rows[r + BITS] = bits | GIVEN_ASKED | (yes ? GIVEN : 0);
    return yes;
  }

  /**
   * givenName, or a given name in a list after و (وعبدالله السويدي): a place or its nisba right
   * after one is a family name (سعد السويدي، محمد المصري).
   */
  givenNameInList(i: number): boolean {
    const r = this.row(i);
    if (r < 0) return this.owner.givenNameInListOfKey(this.bg!, this.keys[i]!);
    const rows = this.rows;
    const bits = rows[r + BITS]!;
    if ((bits & IN_LIST_ASKED) !== 0) return (bits & IN_LIST) !== 0;
    const key = this.keys[i]!;
    const yes = this.givenName(i) || (key.startsWith('و') && key.length > 3 && this.owner.givenNameInListOfKey(this.bg!, key.slice(1)));
    // givenName may have written the bits.
    rows[r + BITS]! |= IN_LIST_ASKED | (yes ? IN_LIST : 0);
    return yes;
  }
}

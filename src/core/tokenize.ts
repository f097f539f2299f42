/**
 * Offset-preserving tokeniser. A token is a maximal run of letters of one script family
 * (Arabic letters; other letters with ASCII digits, as in G20 or COVID19) or of digits
 * next to Arabic letters (بـ2015 → ب | 2015). Diacritics, tatweel and zero-width / bidi
 * marks inside a word are skipped without breaking it. Offsets index the original string.
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

const scriptOf = (cls: number): Script => (cls === C_ARABIC ? 'arabic' : cls === C_DIGIT ? 'digit' : 'latin');

/** Can a letter of class `next` continue a token whose letters so far are of class `cur`? */
function continues(cur: number, next: number): boolean {
  if (cur === next) return true;
  // Latin words carry ASCII digits (G20, COVID19); Arabic words and numbers are split.
  return (cur === C_LATIN && next === C_DIGIT) || (cur === C_DIGIT && next === C_LATIN);
}

// Light code units of the open token, reused from token to token.
let lightBuf = new Uint16Array(256);
const MAX_APPLY = 4096;

function lightString(n: number): string {
  if (n <= MAX_APPLY) return String.fromCharCode.apply(null, lightBuf.subarray(0, n) as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += MAX_APPLY) s += String.fromCharCode.apply(null, lightBuf.subarray(i, Math.min(n, i + MAX_APPLY)) as unknown as number[]);
  return s;
}

/*
 * Words recur (a news article repeats its names, and the language its words), so a token's
 * light and key strings are interned: a table of recent distinct light forms, found by a hash
 * of the light code units computed as the token is read. A repeated word then costs no string
 * allocation, and its strings, the same objects each time, already carry the hash the
 * matcher's lookup by light form needs. The key is a function of the light form, so it is
 * stored beside it. The table is cleared when half full, which bounds its memory.
 */
/** Intern slots are below this. */
export const INTERN_SLOTS = 1 << 18;
const INTERN_LIMIT = INTERN_SLOTS >>> 1;
/** Longer tokens (few, and rarely repeated) get fresh strings. */
const MAX_INTERNED = 40;
const internHash = new Int32Array(INTERN_SLOTS);
const internLight: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);
const internKey: string[] = new Array<string>(INTERN_SLOTS).fill('');
let internCount = 0;

/** Slot of the interned light form lightBuf[0 .. n) with hash `hash`, interned now if new. */
function internSlot(hash: number, n: number): number {
  const mask = INTERN_SLOTS - 1;
  let slot = (hash ^ (hash >>> 15)) & mask;
  for (;;) {
    const light = internLight[slot];
    if (light === undefined) break;
    if (internHash[slot] === hash && light.length === n) {
      let u = 0;
      while (u < n && light.charCodeAt(u) === lightBuf[u]) u++;
      if (u === n) return slot;
    }
    slot = (slot + 1) & mask;
  }
  if (internCount >= INTERN_LIMIT) {
    internLight.fill(undefined);
    internCount = 0;
    slot = (hash ^ (hash >>> 15)) & mask;
  }
  const light = lightString(n);
  internHash[slot] = hash;
  internLight[slot] = light;
  internKey[slot] = keyOfLight(light);
  internCount++;
  return slot;
}

/*
 * Tokens are made as copies of a template rather than from an object literal. V8 watches the
 * objects a literal makes, and when a collection happens to find all of them alive (a long
 * article being tokenised right after a full collection), it allocates every later one
 * straight in the old generation, where a token list that dies young makes the tokeniser a
 * third slower from then on. Copies of an object are not watched.
 */
const TOKEN_TEMPLATE: Token = { start: 0, end: 0, light: '', key: '', script: 'arabic', joiner: false };

function newToken(start: number, end: number, light: string, key: string, script: Script, joiner: boolean): Token {
  const t = { ...TOKEN_TEMPLATE };
  t.start = start;
  t.end = end;
  t.light = light;
  t.key = key;
  t.script = script;
  t.joiner = joiner;
  return t;
}

/** Adds a token; returns its intern slot, -1 when it is not interned. */
function pushToken(tokens: Token[], text: string, start: number, end: number, n: number, hash: number, lightIsText: boolean, script: Script, joiner: boolean): number {
  if (n <= MAX_INTERNED) {
    const slot = internSlot(hash, n);
    tokens.push(newToken(start, end, internLight[slot]!, internKey[slot]!, script, joiner));
    return slot;
  }
  const light = lightIsText ? text.slice(start, end) : lightString(n);
  tokens.push(newToken(start, end, light, keyOfLight(light), script, joiner));
  return -1;
}

// The last list tokenize returned, and the intern slots of its tokens. A matcher runs on a list
// right after it is made, so the last one is enough (and a WeakMap of every list costs the
// garbage collector more than it saves).
let lastTokens: readonly Token[] | undefined;
let slotBuf = new Int32Array(1024);

function addSlot(k: number, slot: number): void {
  if (k === slotBuf.length) {
    const bigger = new Int32Array(slotBuf.length * 2);
    bigger.set(slotBuf);
    slotBuf = bigger;
  }
  slotBuf[k] = slot;
}

/**
 * The intern slot of each token (-1 for a token too long to be interned) of the list tokenize
 * returned last, read at indices below its length, or undefined for any other list. A slot stands
 * for one light form until the table is cleared and the slot reused: whoever indexes a memory by
 * slot checks the light form. The matcher keeps its per-word analyses by slot, which saves it a
 * hash lookup per token.
 */
export function internSlots(tokens: readonly Token[]): Int32Array | undefined {
  return tokens === lastTokens ? slotBuf : undefined;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let cls = 0; // class of the open token, 0 when none
  let start = 0;
  let end = 0;
  let sawLatin = false;
  let joiner = false;
  // Most words fold to themselves: their light form is then a slice of the text.
  let lightIsText = true;
  let n = 0; // light code units of the open token
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = charClass(c);
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
      addSlot(tokens.length, pushToken(tokens, text, start, end, n, hash, lightIsText, sawLatin ? 'latin' : scriptOf(cls), joiner));
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
    const lc = lightCodeOfUnit(c);
    if (lc >= 0) {
      if (lc !== c) lightIsText = false;
      if (n === lightBuf.length) growLightBuf();
      lightBuf[n++] = lc;
      hash = fnvStep(hash, lc);
    } else {
      lightIsText = false;
      const light = lightOfUnit(text[i]!);
      for (let u = 0; u < light.length; u++) {
        const lu = light.charCodeAt(u);
        if (n === lightBuf.length) growLightBuf();
        lightBuf[n++] = lu;
        hash = fnvStep(hash, lu);
      }
    }
    end = i + 1;
    joiner = false;
  }
  if (cls !== 0) addSlot(tokens.length, pushToken(tokens, text, start, end, n, hash, lightIsText, sawLatin ? 'latin' : scriptOf(cls), joiner));
  lastTokens = tokens;
  return tokens;
}

function growLightBuf(): void {
  const bigger = new Uint16Array(lightBuf.length * 2);
  bigger.set(lightBuf);
  lightBuf = bigger;
}

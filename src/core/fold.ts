/**
 * Arabic folding for matching. The caller's text is never altered: folding produces keys,
 * and tokens keep offsets into the original string.
 *
 * Two levels:
 * - the *light* form keeps the distinctions a writer makes on purpose — hamza on its seats
 *   (أ إ آ ؤ ئ) and alif maqsura (ى) — so that a marked letter in the text can refuse a tag
 *   spelled with a conflicting one (text أمام never matches the tag إمام; text على never
 *   matches the tag علي; text تؤتي never matches the tag توتي);
 * - the *key* (full fold) erases them too, so that one hash lookup finds every candidate;
 *   candidates are then checked letter by letter on their light forms (see `compatible`).
 * Light and key forms always have the same length, letter for letter.
 */

/**
 * Format marks: zero-width space, ZWNJ, ZWJ, LRM, RLM, the bidi embeddings and isolates, the
 * Arabic letter mark, the soft hyphen and the BOM. Invisible, they are no part of the writing:
 * copy-paste leaves them inside words and labels.
 */
export function isFormatMark(c: number): boolean {
  return (
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff ||
    c === 0x061c || // Arabic letter mark
    c === 0x00ad // soft hyphen
  );
}

/** Characters dropped entirely: tashkeel, Quranic marks, superscript alef, tatweel, format marks. */
export function isIgnorable(c: number): boolean {
  return (
    (c >= 0x0610 && c <= 0x061a) ||
    (c >= 0x064b && c <= 0x065f) ||
    c === 0x0670 ||
    (c >= 0x06d6 && c <= 0x06ed) ||
    c === 0x0640 || // tatweel
    isFormatMark(c) ||
    (c >= 0xfe00 && c <= 0xfe0f) // variation selectors
  );
}

/** One code unit → its light form, or '' to drop it. Presentation forms are decomposed first. */
const LIGHT_MAP: Record<string, string> = {
  'ٱ': 'ا', // alef wasla: no hamza written
  'ٲ': 'أ',
  'ٳ': 'إ',
  'ٵ': 'أ',
  'ة': 'ه', // taa marbuta and final ha are confused in informal text
  'ۀ': 'ه',
  'ە': 'ه',
  'ھ': 'ه',
  'ۃ': 'ه',
  'ی': 'ي', // Persian/Urdu yeh: its final form looks like ى but writers mean ي
  'ې': 'ي',
  'ێ': 'ي',
  'ے': 'ي',
  'ک': 'ك',
  'ڪ': 'ك',
  'گ': 'ك',
};

const KEY_MAP: Record<string, string> = { 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ى': 'ي', 'ؤ': 'و', 'ئ': 'ي' };
const KEY_CODES = new Uint16Array(0x10000).map((_, c) => c);
for (const [from, to] of Object.entries(KEY_MAP)) KEY_CODES[from.charCodeAt(0)] = to.charCodeAt(0);

/** The key code unit of a light code unit (KEY_MAP applied to one unit). */
export function keyCodeOfLight(c: number): number {
  return KEY_CODES[c]!;
}

function mapLightChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (isIgnorable(c)) return '';
  if (c >= 0x0660 && c <= 0x0669) return String.fromCharCode(c - 0x0660 + 48);
  if (c >= 0x06f0 && c <= 0x06f9) return String.fromCharCode(c - 0x06f0 + 48);
  const m = LIGHT_MAP[ch];
  if (m !== undefined) return m;
  if (c < 0x80) return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
  return ch;
}

/** Presentation forms (U+FB50–FDFF, U+FE70–FEFF) and other compatibility characters. */
function isCompatibility(c: number): boolean {
  return (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfefe) || (c >= 0xff00 && c <= 0xffef);
}

/** The light form of one code unit, computed (see lightOfUnit). */
function computeLight(ch: string): string {
  const d = isCompatibility(ch.charCodeAt(0)) ? ch.normalize('NFKC') : ch;
  if (d === ch) {
    const r = mapLightChar(ch);
    return r === ch && ch.toLowerCase() !== ch ? ch.toLowerCase() : r;
  }
  let r = '';
  for (const x of d) r += mapLightChar(x);
  return r;
}

/**
 * The compatibility characters whose light form is not one code unit (ligatures such as ﻻ or
 * ﷲ, which NFKC spells out), computed at load: there are about a thousand such characters,
 * and normalising one costs more than the tokeniser's whole work on a word.
 */
const COMPATIBILITY_LIGHT: ReadonlyMap<number, string> = (() => {
  const table = new Map<number, string>();
  for (const [from, to] of [[0xfb50, 0xfdff], [0xfe70, 0xfefe], [0xff00, 0xffef]] as const) {
    for (let c = from; c <= to; c++) {
      const light = computeLight(String.fromCharCode(c));
      if (light.length !== 1) table.set(c, light);
    }
  }
  return table;
})();

/** Light form of one UTF-16 code unit (possibly several letters for a ligature, possibly ''). */
export function lightOfUnit(ch: string): string {
  return COMPATIBILITY_LIGHT.get(ch.charCodeAt(0)) ?? computeLight(ch);
}

/**
 * A pure function of one UTF-16 code unit, remembered as units are met: computing all 65,536
 * entries at load costs about 150 ms of start-up, and a text meets a few hundred. An entry,
 * once written, never changes, so the table holds nothing a caller can observe. It is the one
 * lazily filled table module scope may hold (src/core/purity.test.ts).
 */
export class UnitMemo {
  // compute(c) + 2, 0 while not computed.
  private readonly table = new Int32Array(0x10000);
  /** compute returns an integer ≥ -1. */
  constructor(private readonly compute: (c: number) => number) {}
  get(c: number): number {
    let v = this.table[c]!;
    if (v === 0) {
      v = this.compute(c) + 2;
      this.table[c] = v;
    }
    return v - 2;
  }
}

/** Per code unit, the light form when it is exactly one code unit, -1 when it is empty or several units: the tokeniser's per-letter fast path. */
const LIGHT_CODES = new UnitMemo((c) => {
  const s = lightOfUnit(String.fromCharCode(c));
  return s.length === 1 ? s.charCodeAt(0) : -1;
});

/** Light form of one code unit as one code unit, or -1 when it is '' or several units (see lightOfUnit). */
export function lightCodeOfUnit(c: number): number {
  return LIGHT_CODES.get(c);
}

const MAX_APPLY = 4096;

function stringOfCodes(codes: number[]): string {
  if (codes.length <= MAX_APPLY) return String.fromCharCode.apply(null, codes);
  let out = '';
  for (let i = 0; i < codes.length; i += MAX_APPLY) out += String.fromCharCode.apply(null, codes.slice(i, i + MAX_APPLY));
  return out;
}

/** Light form of a whole string (keeps hamza on alef and ى). */
export function foldLight(s: string): string {
  let i = 0;
  // Most strings are their own light form: find the first unit that changes, if any.
  while (i < s.length && lightCodeOfUnit(s.charCodeAt(i)) === s.charCodeAt(i)) i++;
  if (i === s.length) return s;
  const codes: number[] = [];
  for (let k = 0; k < i; k++) codes.push(s.charCodeAt(k));
  for (; i < s.length; i++) {
    const lc = lightCodeOfUnit(s.charCodeAt(i));
    if (lc >= 0) codes.push(lc);
    else {
      const light = lightOfUnit(s[i]!);
      for (let u = 0; u < light.length; u++) codes.push(light.charCodeAt(u));
    }
  }
  return stringOfCodes(codes);
}

/** Full key of a light form: hamza on alef and alif maqsura erased too. Same length. */
export function keyOfLight(light: string): string {
  let i = 0;
  while (i < light.length && KEY_CODES[light.charCodeAt(i)] === light.charCodeAt(i)) i++;
  if (i === light.length) return light;
  const codes: number[] = [];
  for (let k = 0; k < light.length; k++) codes.push(KEY_CODES[light.charCodeAt(k)]!);
  return stringOfCodes(codes);
}

/** Is c white space for a regular expression's \s (and for trim)? */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Does the string hold white space other than single spaces between words? Most labels do not. */
export function hasOddSpace(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x20 && c < 0xa0) continue;
    if (!isSpace(c)) continue;
    if (c !== 0x20 || i === 0 || i === n - 1 || s.charCodeAt(i + 1) === 0x20) return true;
    // A single space is kept as it is, unless other white space follows it.
    if (isSpace(s.charCodeAt(i + 1))) return true;
  }
  return false;
}

/** Full fold of a string: the matching key. Whitespace runs become one space, trimmed. */
export function foldKey(s: string): string {
  const key = keyOfLight(foldLight(s));
  // A million-tag vocabulary folds every label twice: no regular expressions when nothing needs collapsing.
  return hasOddSpace(key) ? key.replace(/\s+/g, ' ').trim() : key;
}

const BARE_ALEF = 'ا';
const HAMZA_ALEFS = 'أإآ';

/**
 * May a tag letter (light form) stand for a text letter (light form)?
 * Equal letters do. A bare alef on either side is compatible with any hamza on alef,
 * because writers — and dirty vocabularies — drop hamza freely but rarely add a wrong one.
 * آ and أ stand for each other.
 * A tag ى accepts a text ي (Egyptian style writes ي for ى), but a tag ي refuses a text ى:
 * a writer who wrote ى meant it.
 */
export function compatibleLetter(tagCh: string, textCh: string): boolean {
  if (tagCh === textCh) return true;
  if (tagCh === BARE_ALEF) return HAMZA_ALEFS.includes(textCh);
  if (textCh === BARE_ALEF) return HAMZA_ALEFS.includes(tagCh);
  // آ is أ + ا: writers and keyboards give one for the other at the start of a word (آبل / أبل),
  // while إ (a kasra under the hamza) stays distinct from both.
  if ((tagCh === 'آ' && textCh === 'أ') || (tagCh === 'أ' && textCh === 'آ')) return true;
  // Hamza on و / ي: vocabularies do not drop it as they drop it on alef, so a text ؤ or ئ
  // needs a tag with a hamza (either seat: مسؤول / مسئول); a text that dropped it is accepted.
  if (tagCh === 'ؤ' || tagCh === 'ئ') return textCh === 'و' || textCh === 'ي' || textCh === 'ؤ' || textCh === 'ئ';
  return tagCh === 'ى' && textCh === 'ي';
}

/**
 * Light forms of equal length compared letter by letter (see compatibleLetter). One exception:
 * Egyptian typography writes every final ي as ى (السيسى، المصرى), so a word of four letters or
 * more accepts a final ى for its ي. Short words keep the distinction, which is where it
 * matters: على is the preposition, علي the name.
 */
export function compatible(tagLight: string, textLight: string): boolean {
  if (tagLight === textLight) return true;
  const n = tagLight.length;
  if (n !== textLight.length) return false;
  for (let i = 0; i < n; i++) {
    const t = tagLight[i]!;
    const x = textLight[i]!;
    if (compatibleLetter(t, x)) continue;
    if (i === n - 1 && n >= 4 && t === 'ي' && x === 'ى') continue;
    return false;
  }
  return true;
}

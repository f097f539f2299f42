/**
 * The scoring fold of the gold set (shared/data/README.md), reproduced exactly and kept apart
 * from the core's matching fold: the core may fold more (or less) as matching improves, but the
 * evaluation must keep giving the numbers the README quotes, so it never borrows the core's rules.
 */

/** Dropped: tashkeel, Quranic marks, superscript alef, tatweel, zero-width and bidi controls, BOM. */
function isDropped(c: number): boolean {
  return (
    (c >= 0x0610 && c <= 0x061a) ||
    (c >= 0x064b && c <= 0x065f) ||
    c === 0x0670 ||
    (c >= 0x06d6 && c <= 0x06ed) ||
    c === 0x0640 ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff
  );
}

/** Letters whose written variants the gold set does not distinguish. */
const REPLACED: ReadonlyMap<string, string> = new Map([
  ['أ', 'ا'],
  ['إ', 'ا'],
  ['آ', 'ا'],
  ['ٱ', 'ا'],
  ['ى', 'ي'],
  ['ة', 'ه'],
  ['ؤ', 'و'],
  ['ئ', 'ي'],
]);

// Same class as the README's "white space": JavaScript's \s (Unicode White_Space plus BOM,
// and the BOM is already dropped before this test).
const WHITE_SPACE = /\s/;

/**
 * A folded string together with, for each of its UTF-16 code units, the span of the original
 * string it came from, so that a match found in folded text can be shown in the writer's spelling.
 */
export interface FoldedText {
  text: string;
  /** sourceStart[i] .. sourceEnd[i] is the original span of folded code unit i. */
  sourceStart: number[];
  sourceEnd: number[];
}

export function foldWithSourceMap(original: string): FoldedText {
  let text = '';
  const sourceStart: number[] = [];
  const sourceEnd: number[] = [];
  let i = 0;
  while (i < original.length) {
    const c = original.charCodeAt(i);
    if (isDropped(c)) {
      i++;
      continue;
    }
    const ch = original[i]!;
    if (WHITE_SPACE.test(ch)) {
      // A run of white space (possibly interleaved with dropped marks) becomes one space;
      // leading and trailing runs disappear.
      const runStart = i;
      let runEnd = i;
      while (i < original.length) {
        const d = original.charCodeAt(i);
        if (WHITE_SPACE.test(original[i]!)) runEnd = i + 1;
        else if (!isDropped(d)) break;
        i++;
      }
      if (text.length > 0 && i < original.length) {
        text += ' ';
        sourceStart.push(runStart);
        sourceEnd.push(runEnd);
      }
      continue;
    }
    text += REPLACED.get(ch) ?? ch;
    sourceStart.push(i);
    sourceEnd.push(i + 1);
    i++;
  }
  return { text, sourceStart, sourceEnd };
}

/** The scoring fold: two strings name the same tag when their folds are equal. */
export function foldForScoring(s: string): string {
  return foldWithSourceMap(s).text;
}

/**
 * Tokens of the whole-word reference tagger: maximal runs of Arabic letters and digits
 * (U+0621–064A, U+0660–0669, U+066E–06D3, U+06FA–06FF) and ASCII letters and digits.
 */
const TOKEN_RUN = /[\u0621-\u064A\u0660-\u0669\u066E-\u06D3\u06FA-\u06FFA-Za-z0-9]+/g;

export interface ScoringToken {
  text: string;
  /** Offsets into the folded string. */
  start: number;
  end: number;
}

export function scoringTokens(folded: string): ScoringToken[] {
  const tokens: ScoringToken[] = [];
  for (const m of folded.matchAll(TOKEN_RUN)) {
    tokens.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
  }
  return tokens;
}

/**
 * 32-bit FNV-1a over UTF-16 code units: the one hash of the core's open-addressing tables
 * (the tokeniser's interned words, the matcher's key filter, the background statistics). It is
 * cheap to compute a unit at a time as a word is read, and it composes: hashing a then b
 * continues from the hash of a, so a reading (the article + a stem) is hashed without building
 * its string.
 */
export const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** The hash with one more code unit. */
export function fnvStep(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** FNV-1a over s[from, to), continuing from h: fnvRange(a + b) = fnvRange(b, …, fnvRange(a)). */
export function fnvRange(s: string, from: number, to: number, h: number = FNV_OFFSET): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

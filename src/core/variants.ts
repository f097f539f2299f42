/**
 * Spelling variants of foreign names that the Arabic press writes both ways, as rewrites
 * on full-fold keys. Both the vocabulary and the text are rewritten to one canonical form,
 * so the variants cost nothing at match time. Hamza and alif maqsura differences are not
 * listed here: the folding rules handle them.
 */
const SUBSTRING_REWRITES: ReadonlyArray<readonly [string, string]> = [
  ['اميرك', 'امريك'], // أميركا / أمريكا, الأميركية / الأمريكية
  ['فلاديمر', 'فلاديمير'],
  ['انجليس', 'انجلوس'], // لوس أنجليس / لوس أنجلوس
  ['تشلسي', 'تشيلسي'],
];

/** Whole-token rewrites. */
const TOKEN_REWRITES: ReadonlyMap<string, string> = new Map([
  ['غوغل', 'جوجل'],
  ['ترمب', 'ترامب'],
]);

/** Canonical key of a token key; returns the same string when no variant applies. */
export function canonicalKey(key: string): string {
  const whole = TOKEN_REWRITES.get(key);
  if (whole !== undefined) return whole;
  let out = key;
  for (const [from, to] of SUBSTRING_REWRITES) {
    if (out.includes(from)) out = out.replace(from, to);
  }
  return out;
}

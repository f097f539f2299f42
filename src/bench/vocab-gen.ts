/**
 * Benchmark vocabularies drawn from the corpus's own word n-grams, deterministically (seeded).
 *
 * Positions in the corpus are drawn at random and the one to four words starting there become
 * a tag, so frequent names are drawn early and a vocabulary of N tags is the first N of the
 * biggest one (the sizes are nested: 1k ⊂ 10k ⊂ 100k ⊂ 1M). Tags never cross punctuation or
 * a field boundary, and contain no function word: the most frequent words of the corpus are a
 * stop list. Words with a proclitic glued to the article (والرياض، بالمملكة) are not tag
 * spellings a publisher would write, so they are refused too.
 */
import { isIgnorable } from '../core/fold.js';
import { tokenize } from '../core/tokenize.js';
import type { BenchArticle } from './corpus.js';
import { seededRandom } from '../node/random.js';

export const GENERATOR_VERSION = 1;

export interface GeneratedVocabulary {
  tags: string[];
  stopWords: number;
  corpusWords: number;
  draws: number;
  /** Tags of 1, 2, 3 and 4 words. */
  shape: [number, number, number, number];
}


const CLITIC_ARTICLE = /^(?:وال|فال|بال|كال|لل|وبال|ولل)/;
/** Shares of tag lengths 1–4 words among draws (news vocabularies are mostly one or two words). */
const LENGTH_SHARES = [0.4, 0.35, 0.17, 0.08];

function surfaceOf(text: string, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) if (!isIgnorable(text.charCodeAt(i))) s += text[i];
  return s;
}

export function generateVocabulary(articles: readonly BenchArticle[], size: number, seed: number, stopCount = 400): GeneratedVocabulary {
  const ids = new Map<string, number>();
  const surfaces: string[] = [];
  const keys: string[] = [];
  const words: number[] = [];
  // breakAfter[i] = 1 when word i and word i+1 are not adjacent (punctuation, digits, another field).
  const breaks: number[] = [];
  for (const a of articles) {
    for (const text of [a.title, a.body]) {
      const tokens = tokenize(text);
      for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k]!;
        if (t.script !== 'arabic') {
          if (breaks.length > 0) breaks[breaks.length - 1] = 1;
          continue;
        }
        const surface = surfaceOf(text, t.start, t.end);
        let id = ids.get(surface);
        if (id === undefined) {
          id = surfaces.length;
          ids.set(surface, id);
          surfaces.push(surface);
          keys.push(t.key);
        }
        words.push(id);
        const next = tokens[k + 1];
        breaks.push(next === undefined || !/^\s+$/.test(text.slice(t.end, next.start)) ? 1 : 0);
      }
    }
  }
  const keyCount = new Map<string, number>();
  for (const id of words) {
    const k = keys[id]!;
    keyCount.set(k, (keyCount.get(k) ?? 0) + 1);
  }
  const stop = new Set([...keyCount.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, stopCount).map(([k]) => k));
  const usable = new Uint8Array(surfaces.length);
  surfaces.forEach((s, id) => {
    const key = keys[id]!;
    usable[id] = !stop.has(key) && key.length >= 2 && !CLITIC_ARTICLE.test(key) ? 1 : 0;
  });

  const rnd = seededRandom(seed);
  const seen = new Set<string>();
  const tags: string[] = [];
  const shape: [number, number, number, number] = [0, 0, 0, 0];
  const n = words.length;
  let draws = 0;
  const maxDraws = size * 200;
  while (tags.length < size && draws < maxDraws) {
    draws++;
    const pos = Math.floor(rnd() * n);
    let r = rnd();
    let len = 1;
    while (len < 4 && r >= LENGTH_SHARES[len - 1]!) r -= LENGTH_SHARES[len++ - 1]!;
    if (pos + len > n) continue;
    let ok = true;
    for (let k = 0; k < len && ok; k++) {
      if (!usable[words[pos + k]!]) ok = false;
      else if (k < len - 1 && breaks[pos + k]) ok = false;
    }
    if (!ok) continue;
    const idsHere = words.slice(pos, pos + len);
    const key = idsHere.map((id) => keys[id]).join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(idsHere.map((id) => surfaces[id]).join(' '));
    shape[len - 1]++;
  }
  return { tags, stopWords: stop.size, corpusWords: n, draws, shape };
}

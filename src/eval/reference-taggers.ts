/**
 * Reference taggers: the baselines wasim is measured against, defined in shared/data/README.md
 * and reproduced exactly (both fold with the scoring fold, not the core's).
 * - substring — the old systems' method: a tag applies when its folded form occurs anywhere in
 *   the folded title or the folded body, even inside another word (هلال in استهلال).
 * - wholeword — a tag applies when its folded tokens occur consecutively among the folded tokens
 *   of the title or of the body (never across the two); tokens are maximal runs of Arabic letters
 *   and digits and ASCII letters and digits; no clitic handling, so والسعودية misses السعودية.
 *
 * A vocabulary entry applies when its label or any alias does, and is reported by its label.
 * Neither method scores, so tags are ranked by where they are first seen: title before body,
 * earlier before later, longer before shorter at the same place, then vocabulary order.
 */
import type { Article, Field, VocabEntry } from '../core/types.js';
import { foldWithSourceMap, scoringTokens, type FoldedText, type ScoringToken } from './fold.js';

export interface EvalMention {
  field: Field;
  /** UTF-16 offsets into the original title/body. */
  start: number;
  end: number;
  text: string;
  kind?: string;
  /** The whole word when the match is only part of one (substring matches inside words). */
  inWord?: string;
}

/** One tag as the evaluation sees it, whichever tagger produced it. */
export interface RankedTag {
  tag: string;
  score?: number;
  type?: string;
  mentions: EvalMention[];
}

export interface EvalTagger {
  name: string;
  /** Tags for one article, best first. */
  tag(article: Article): RankedTag[];
}

export type ReferenceTaggerName = 'substring' | 'wholeword';
export const REFERENCE_TAGGERS: readonly ReferenceTaggerName[] = ['substring', 'wholeword'];

/** A tag and the spellings that make it apply. */
interface TagForms {
  tag: string;
  forms: string[];
}

function toTagForms(vocabulary: readonly (string | VocabEntry)[]): TagForms[] {
  return vocabulary.map((v) =>
    typeof v === 'string' ? { tag: v, forms: [v] } : { tag: v.label, forms: [v.label, ...(v.aliases ?? [])] },
  );
}

/** Mentions kept per tag: enough to show a developer where it matched. */
const MAX_MENTIONS = 10;

interface PreparedField {
  field: Field;
  original: string;
  folded: FoldedText;
  tokens: ScoringToken[];
}

function prepare(article: Article): PreparedField[] {
  return (['title', 'body'] as const).map((field) => {
    const original = article[field] ?? '';
    const folded = foldWithSourceMap(original);
    return { field, original, folded, tokens: scoringTokens(folded.text) };
  });
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}\u200c\u200d]/u;

function mentionOf(f: PreparedField, foldedStart: number, foldedEnd: number, kind: string): EvalMention {
  const start = f.folded.sourceStart[foldedStart]!;
  const end = f.folded.sourceEnd[foldedEnd - 1]!;
  const mention: EvalMention = { field: f.field, start, end, text: f.original.slice(start, end), kind };
  let wordStart = start;
  let wordEnd = end;
  while (wordStart > 0 && WORD_CHAR.test(f.original[wordStart - 1]!)) wordStart--;
  while (wordEnd < f.original.length && WORD_CHAR.test(f.original[wordEnd]!)) wordEnd++;
  if (wordStart < start || wordEnd > end) mention.inWord = f.original.slice(wordStart, wordEnd);
  return mention;
}

type Finder = (f: PreparedField, foldedForm: string) => [number, number][];

function findSubstrings(f: PreparedField, form: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let at = f.folded.text.indexOf(form); at !== -1; at = f.folded.text.indexOf(form, at + 1)) {
    spans.push([at, at + form.length]);
  }
  return spans;
}

function findTokenRuns(f: PreparedField, form: string): [number, number][] {
  const want = scoringTokens(form).map((t) => t.text);
  const spans: [number, number][] = [];
  if (want.length === 0) return spans;
  const have = f.tokens;
  outer: for (let i = 0; i + want.length <= have.length; i++) {
    for (let j = 0; j < want.length; j++) if (have[i + j]!.text !== want[j]) continue outer;
    spans.push([have[i]!.start, have[i + want.length - 1]!.end]);
  }
  return spans;
}

function makeReferenceTagger(
  name: ReferenceTaggerName,
  vocabulary: readonly (string | VocabEntry)[],
  find: Finder,
): EvalTagger {
  const entries = toTagForms(vocabulary).map((e, order) => ({
    ...e,
    order,
    foldedForms: [...new Set(e.forms.map((form) => foldWithSourceMap(form).text).filter((k) => k !== ''))],
  }));
  return {
    name,
    tag(article: Article): RankedTag[] {
      const fields = prepare(article);
      const hits: { result: RankedTag; rankKey: [number, number, number, number] }[] = [];
      for (const entry of entries) {
        const mentions: EvalMention[] = [];
        let rankKey: [number, number, number, number] | undefined;
        fields.forEach((f, fieldIndex) => {
          for (const form of entry.foldedForms) {
            for (const [s, e] of find(f, form)) {
              const key: [number, number, number, number] = [fieldIndex, s, -(e - s), entry.order];
              if (!rankKey || compareKeys(key, rankKey) < 0) rankKey = key;
              if (mentions.length < MAX_MENTIONS) mentions.push(mentionOf(f, s, e, name));
            }
          }
        });
        if (rankKey) {
          mentions.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1));
          hits.push({ result: { tag: entry.tag, mentions }, rankKey });
        }
      }
      hits.sort((a, b) => compareKeys(a.rankKey, b.rankKey));
      return hits.map((h) => h.result);
    },
  };
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function createReferenceTagger(
  name: ReferenceTaggerName,
  vocabulary: readonly (string | VocabEntry)[],
): EvalTagger {
  return makeReferenceTagger(name, vocabulary, name === 'substring' ? findSubstrings : findTokenRuns);
}

/**
 * The disambiguation stage's input: every tag a text mentions, with the matches behind it in
 * both fields. Mentions (with their text) are built only for the tags that are output: a big
 * vocabulary finds hundreds of candidates in an article, most of which are scored and dropped.
 */
import type { CompiledVocabulary } from './vocabulary/compile.js';
import type { MatchList } from './match.js';
import type { Token, TokenizedText } from './tokenize.js';
import type { Field, Mention } from './types.js';

/** A field of an article as the group and score stages read it: its tokens and the matches kept. */
export interface FieldText {
  readonly field: Field;
  readonly tokenized: TokenizedText;
  /** The field's string, which offsets index. */
  readonly text: string;
  /** The tokens as objects (tokenized.tokens). */
  readonly tokens: readonly Token[];
  readonly matches: MatchList;
}

/** A FieldText whose token objects are made only if a stage asks for them. */
export class ArticleField implements FieldText {
  constructor(
    readonly field: Field,
    readonly tokenized: TokenizedText,
    readonly matches: MatchList,
  ) {}

  get text(): string {
    return this.tokenized.text;
  }

  get tokens(): readonly Token[] {
    return this.tokenized.tokens;
  }
}

/** A match, by its row in its field's list, with its UTF-16 offsets in the field. */
export interface MatchRef {
  field: Field;
  /** The field's matches (FieldText.matches), of which this is row `index`. */
  matches: MatchList;
  index: number;
  start: number;
  end: number;
}

export interface Candidate {
  tag: number;
  refs: MatchRef[];
}

/** The candidates of the fields' matches, in order of first mention; `keep` leaves out tags whose matches are not wanted. */
export function collectCandidates(fields: readonly FieldText[], keep?: (tag: number) => boolean): Candidate[] {
  const byTag = new Map<number, Candidate>();
  for (const f of fields) {
    const matches = f.matches;
    const { tags, tokenStarts, tokenEnds } = matches;
    const { starts, ends } = f.tokenized;
    for (let k = 0; k < matches.length; k++) {
      const tag = tags[k]!;
      if (keep !== undefined && !keep(tag)) continue;
      let c = byTag.get(tag);
      if (c === undefined) {
        c = { tag, refs: [] };
        byTag.set(tag, c);
      }
      c.refs.push({ field: f.field, matches, index: k, start: starts[tokenStarts[k]!]!, end: ends[tokenEnds[k]! - 1]! });
    }
  }
  return [...byTag.values()];
}

export function mentionOf(cv: CompiledVocabulary, fields: readonly FieldText[], ref: MatchRef, explain = false): Mention {
  const text = fields.find((f) => f.field === ref.field)!.text;
  const { matches, index } = ref;
  const mention: Mention = { field: ref.field, start: ref.start, end: ref.end, text: text.slice(ref.start, ref.end), kind: matches.kind(index), confidence: matches.confidences[index]!, matched: cv.tags.get(matches.tags[index]!).label };
  const reasons = matches.reasons(index);
  if (explain && reasons !== undefined) mention.reasons = [...reasons];
  return mention;
}

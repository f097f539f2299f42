/**
 * The disambiguation stage's input: every tag a text mentions, with the matches behind it in
 * both fields. Mentions (with their text) are built only for the tags that are output: a big
 * vocabulary finds hundreds of candidates in an article, most of which are scored and dropped.
 */
import type { CompiledVocabulary } from './vocabulary/compile.js';
import type { Match } from './match.js';
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
  readonly matches: Match[];
}

/** A FieldText whose token objects are made only if a stage asks for them. */
export class ArticleField implements FieldText {
  constructor(
    readonly field: Field,
    readonly tokenized: TokenizedText,
    readonly matches: Match[],
  ) {}

  get text(): string {
    return this.tokenized.text;
  }

  get tokens(): readonly Token[] {
    return this.tokenized.tokens;
  }
}

/** A match with its UTF-16 offsets in its field. */
export interface MatchRef {
  field: Field;
  match: Match;
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
    for (const m of f.matches) {
      if (keep !== undefined && !keep(m.tag)) continue;
      let c = byTag.get(m.tag);
      if (c === undefined) {
        c = { tag: m.tag, refs: [] };
        byTag.set(m.tag, c);
      }
      c.refs.push({ field: f.field, match: m, start: f.tokenized.starts[m.tokenStart]!, end: f.tokenized.ends[m.tokenEnd - 1]! });
    }
  }
  return [...byTag.values()];
}

export function mentionOf(cv: CompiledVocabulary, fields: readonly FieldText[], ref: MatchRef, explain = false): Mention {
  const text = fields.find((f) => f.field === ref.field)!.text;
  const m = ref.match;
  const mention: Mention = { field: ref.field, start: ref.start, end: ref.end, text: text.slice(ref.start, ref.end), kind: m.kind, confidence: m.confidence, matched: cv.tags.get(m.tag).label };
  if (explain && m.reasons !== undefined) mention.reasons = [...m.reasons];
  return mention;
}

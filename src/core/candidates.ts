/**
 * The disambiguation stage's input: every tag a text mentions, with the matches behind it in
 * both fields. Mentions (with their text) are built only for the tags that are output: a big
 * vocabulary finds hundreds of candidates in an article, most of which are scored and dropped,
 * so the candidates are columns (CandidateList), not an object per candidate and per match.
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

/**
 * The candidates of an article's matches as columns: candidate k is the tag `tags[k]`, with the
 * refs `refStarts[k]` … `refStarts[k + 1]` - 1, in text order, title first. Ref i is row
 * `refRows[i]` of the matches of field `fields[refFields[i]]`, starting at UTF-16 offset
 * `refOffsets[i]`. MatchRef objects are made (ref, refsOf) only for what is output.
 */
export class CandidateList {
  constructor(
    readonly fields: readonly FieldText[],
    readonly tags: Int32Array,
    readonly refStarts: Int32Array,
    readonly refFields: Uint8Array,
    readonly refRows: Int32Array,
    readonly refOffsets: Int32Array,
  ) {}

  get length(): number {
    return this.tags.length;
  }

  /** Ref i as an object. */
  ref(i: number): MatchRef {
    const f = this.fields[this.refFields[i]!]!;
    const matches = f.matches;
    const index = this.refRows[i]!;
    return { field: f.field, matches, index, start: this.refOffsets[i]!, end: f.tokenized.ends[matches.tokenEnds[index]! - 1]! };
  }

  /** Candidate k's refs as objects. */
  refsOf(k: number): MatchRef[] {
    const out: MatchRef[] = [];
    for (let i = this.refStarts[k]!; i < this.refStarts[k + 1]!; i++) out.push(this.ref(i));
    return out;
  }
}

/** The candidates of the fields' matches, in order of first mention; `keep` leaves out tags whose matches are not wanted. */
export function collectCandidates(fields: readonly FieldText[], keep?: (tag: number) => boolean): CandidateList {
  // Counted first, then written in place: no object per candidate or per ref.
  const byTag = new Map<number, number>();
  let total = 0;
  for (const f of fields) total += f.matches.length;
  const candidateOf = new Int32Array(total);
  const counts: number[] = [];
  const tagList: number[] = [];
  let at = 0;
  for (const f of fields) {
    const tags = f.matches.tags;
    for (let k = 0; k < f.matches.length; k++, at++) {
      const tag = tags[k]!;
      if (keep !== undefined && !keep(tag)) {
        candidateOf[at] = -1;
        continue;
      }
      let c = byTag.get(tag);
      if (c === undefined) {
        c = tagList.push(tag) - 1;
        counts.push(0);
        byTag.set(tag, c);
      }
      counts[c]!++;
      candidateOf[at] = c;
    }
  }
  const refStarts = new Int32Array(tagList.length + 1);
  for (let c = 0; c < tagList.length; c++) refStarts[c + 1] = refStarts[c]! + counts[c]!;
  const refs = refStarts[tagList.length]!;
  const refFields = new Uint8Array(refs);
  const refRows = new Int32Array(refs);
  const refOffsets = new Int32Array(refs);
  // counts becomes each candidate's next free slot.
  for (let c = 0; c < tagList.length; c++) counts[c] = refStarts[c]!;
  at = 0;
  for (let fi = 0; fi < fields.length; fi++) {
    const f = fields[fi]!;
    const tokenStarts = f.matches.tokenStarts;
    const starts = f.tokenized.starts;
    for (let k = 0; k < f.matches.length; k++, at++) {
      const c = candidateOf[at]!;
      if (c < 0) continue;
      const i = counts[c]!++;
      refFields[i] = fi;
      refRows[i] = k;
      refOffsets[i] = starts[tokenStarts[k]!]!;
    }
  }
  return new CandidateList(fields, Int32Array.from(tagList), refStarts, refFields, refRows, refOffsets);
}

export function mentionOf(cv: CompiledVocabulary, fields: readonly FieldText[], ref: MatchRef, explain = false): Mention {
  const text = fields.find((f) => f.field === ref.field)!.text;
  const { matches, index } = ref;
  const mention: Mention = { field: ref.field, start: ref.start, end: ref.end, text: text.slice(ref.start, ref.end), kind: matches.kind(index), confidence: matches.confidences[index]!, matched: cv.tags.get(matches.tags[index]!).label };
  const reasons = matches.reasons(index);
  if (explain && reasons !== undefined) mention.reasons = [...reasons];
  return mention;
}

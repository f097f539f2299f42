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
 * The candidates of an article's matches as columns: candidate k < length is the tag `tags[k]`,
 * with the refs `refStarts[k]` … `refStarts[k + 1]` - 1, in text order, title first. Ref i is
 * row `refRows[i]` of the matches of field `fields[refFields[i]]`, starting at UTF-16 offset
 * `refOffsets[i]`. MatchRef objects are made (ref) only for what is scored. A list can
 * be filled again for the next article (collectCandidates' `into`): its arrays only grow.
 */
export class CandidateList {
  fields: readonly FieldText[] = [];
  length = 0;
  tags = new Int32Array(16);
  refStarts = new Int32Array(17);
  refFields = new Uint8Array(16);
  refRows = new Int32Array(16);
  refOffsets = new Int32Array(16);
  /** Scratch of filling: each match's candidate (-1: left out), and each candidate's next free ref. */
  private candidateOf = new Int32Array(16);
  private cursor = new Int32Array(16);
  private readonly byTag = new Map<number, number>();

  /** The candidates' tags, as an array. */
  tagList(): number[] {
    return Array.from(this.tags.subarray(0, this.length));
  }

  /** Ref i as an object. */
  ref(i: number): MatchRef {
    const f = this.fields[this.refFields[i]!]!;
    const matches = f.matches;
    const index = this.refRows[i]!;
    return { field: f.field, matches, index, start: this.refOffsets[i]!, end: f.tokenized.ends[matches.tokenEnds[index]! - 1]! };
  }

  /** Fills the list from the fields' matches (collectCandidates). */
  fill(fields: readonly FieldText[], keep: ((tag: number) => boolean) | undefined): this {
    this.fields = fields;
    let total = 0;
    for (const f of fields) total += f.matches.length;
    if (this.candidateOf.length < total) this.grow(total);
    // Counted first (refStarts[c + 1]), then written in place: no object per candidate or per ref.
    const { byTag, candidateOf } = this;
    let candidates = 0;
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
          c = candidates++;
          byTag.set(tag, c);
          this.tags[c] = tag;
          this.refStarts[c + 1] = 0;
        }
        this.refStarts[c + 1]!++;
        candidateOf[at] = c;
      }
    }
    byTag.clear();
    this.length = candidates;
    const { refStarts, cursor, refFields, refRows, refOffsets } = this;
    refStarts[0] = 0;
    for (let c = 0; c < candidates; c++) {
      refStarts[c + 1]! += refStarts[c]!;
      cursor[c] = refStarts[c]!;
    }
    at = 0;
    for (let fi = 0; fi < fields.length; fi++) {
      const f = fields[fi]!;
      const tokenStarts = f.matches.tokenStarts;
      const starts = f.tokenized.starts;
      for (let k = 0; k < f.matches.length; k++, at++) {
        const c = candidateOf[at]!;
        if (c < 0) continue;
        const i = cursor[c]!++;
        refFields[i] = fi;
        refRows[i] = k;
        refOffsets[i] = starts[tokenStarts[k]!]!;
      }
    }
    return this;
  }

  /** Room for `n` matches: as many candidates and refs at most. */
  private grow(n: number): void {
    const size = Math.max(n, 2 * this.candidateOf.length);
    this.tags = new Int32Array(size);
    this.refStarts = new Int32Array(size + 1);
    this.refFields = new Uint8Array(size);
    this.refRows = new Int32Array(size);
    this.refOffsets = new Int32Array(size);
    this.candidateOf = new Int32Array(size);
    this.cursor = new Int32Array(size);
  }
}

/**
 * The candidates of the fields' matches, in order of first mention; `keep` leaves out tags whose
 * matches are not wanted. Filled into `into` when given (its previous contents are gone).
 */
export function collectCandidates(fields: readonly FieldText[], keep?: (tag: number) => boolean, into: CandidateList = new CandidateList()): CandidateList {
  return into.fill(fields, keep);
}

export function mentionOf(cv: CompiledVocabulary, fields: readonly FieldText[], ref: MatchRef, explain = false): Mention {
  const text = fields.find((f) => f.field === ref.field)!.text;
  const { matches, index } = ref;
  const mention: Mention = { field: ref.field, start: ref.start, end: ref.end, text: text.slice(ref.start, ref.end), kind: matches.kind(index), confidence: matches.confidences[index]!, matched: cv.tags.get(matches.tags[index]!).label };
  const reasons = matches.reasons(index);
  if (explain && reasons !== undefined) mention.reasons = [...reasons];
  return mention;
}

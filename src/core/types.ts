/** Public types of the wasim core. Everything here is plain data: no I/O, no Node-only APIs. */

export type TagType = 'place' | 'person' | 'organisation' | 'topic' | 'event';
export const TAG_TYPES: readonly TagType[] = ['place', 'person', 'organisation', 'topic', 'event'];

/** One vocabulary entry as a publisher writes it (txt line, CSV row, JSON object). */
export interface VocabEntry {
  /** Stable identifier; when absent, entries whose labels fold alike are one tag. */
  id?: string;
  /** The spelling reported in output. */
  label: string;
  aliases?: string[];
  /** Relational adjectives (nisba / demonym forms) that are weaker evidence for a place. */
  nisba?: string[];
  type?: TagType;
  /** id (or label) of the parent entry: city → region → country. */
  parent?: string;
  /** The label is also a common word or names several things: the ranker asks for context. */
  ambiguous?: boolean;
  note?: string;
}

export type Field = 'title' | 'body';

/**
 * How a text span relates to the tag form it matched:
 * - exact: the same token(s) after folding;
 * - clitic: a proclitic (و ف ب ك ل) and/or the article attached or dropped;
 * - inflected: dual, sound plural, feminine or possessive suffix (topic nouns);
 * - variant: a listed spelling variant (أمريكا/أميركا);
 * - nisba: a relational adjective of a place (المصرية → مصر), weaker evidence.
 */
export type MatchKind = 'exact' | 'clitic' | 'inflected' | 'variant' | 'nisba';

export interface Mention {
  field: Field;
  /** UTF-16 offsets into the caller's original title/body. */
  start: number;
  end: number;
  /** Exactly title/body.slice(start, end). */
  text: string;
  kind: MatchKind;
  /** How sure the disambiguation stage is that this span names the entry, in [0, 1]. */
  confidence: number;
  /** Label of the vocabulary entry whose form matched (differs from the tag when twins are grouped). */
  matched: string;
  /** Why the confidence is below 1 (names of the disambiguation signals), with --explain. */
  reasons?: string[];
}

export interface Article {
  id?: string;
  title: string;
  body: string;
}

/** Named features behind a score (issue: ranking). */
export type Evidence = Record<string, number | string | boolean>;

export interface TagResult {
  tag: string;
  id: string;
  score: number;
  type?: TagType;
  mentions: Mention[];
  evidence?: Evidence;
}

export interface TagOptions {
  /** Keep at most this many tags. */
  top?: number;
  /** Drop tags scoring below this. */
  minScore?: number;
  /** Attach the features that produced each score. */
  explain?: boolean;
  /**
   * Mention mode (highlighting, auto-links): every tag with at least one kept mention, no cut;
   * each tag's mentions are only the kept ones.
   */
  allMentions?: boolean;
}

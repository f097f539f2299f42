/**
 * The disambiguation stage's input: every tag a text mentions, with its mentions in both
 * fields, in the order the scorer needs.
 */
import type { Match } from './match.js';
import type { Token } from './tokenize.js';
import type { Field, Mention } from './types.js';

export interface FieldText {
  field: Field;
  text: string;
  tokens: Token[];
  matches: Match[];
}

export interface Candidate {
  tag: number;
  mentions: Mention[];
  /** The matches behind the mentions, parallel to `mentions`. */
  matches: { field: Field; match: Match }[];
}

export function collectCandidates(fields: readonly FieldText[]): Candidate[] {
  const byTag = new Map<number, Candidate>();
  for (const f of fields) {
    for (const m of f.matches) {
      let c = byTag.get(m.tag);
      if (c === undefined) {
        c = { tag: m.tag, mentions: [], matches: [] };
        byTag.set(m.tag, c);
      }
      const start = f.tokens[m.start]!.start;
      const end = f.tokens[m.end - 1]!.end;
      c.mentions.push({ field: f.field, start, end, text: f.text.slice(start, end), kind: m.kind });
      c.matches.push({ field: f.field, match: m });
    }
  }
  return [...byTag.values()];
}

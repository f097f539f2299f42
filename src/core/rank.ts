/**
 * The disambiguation and scoring stages. Each candidate tag gets named features from its
 * mentions; the score is a squashed weighted sum of them, so every score can be explained.
 */
import type { Candidate, FieldText } from './candidates.js';
import type { CompiledVocabulary } from './compile.js';
import { KIND_RANK } from './match.js';
import type { Evidence, MatchKind } from './types.js';

export interface Scored {
  candidate: Candidate;
  score: number;
  evidence: Evidence;
}

export function scoreCandidates(cv: CompiledVocabulary, candidates: readonly Candidate[], fields: readonly FieldText[]): Scored[] {
  const bodyLength = fields.find((f) => f.field === 'body')?.text.length ?? 0;
  return candidates.map((c) => {
    const tag = cv.tags[c.tag]!;
    let best: MatchKind = 'nisba';
    for (const m of c.mentions) if (KIND_RANK[m.kind] < KIND_RANK[best]) best = m.kind;
    const inTitle = c.mentions.some((m) => m.field === 'title');
    const firstBody = c.mentions.find((m) => m.field === 'body');
    const lead = firstBody !== undefined && bodyLength > 0 && firstBody.start < Math.max(300, bodyLength * 0.2);
    const count = c.mentions.length;
    let raw = 0.25 + 0.3 * (inTitle ? 1 : 0) + 0.15 * (lead ? 1 : 0) + 0.2 * Math.log2(1 + count) + (tag.labelTokens > 1 ? 0.1 : 0);
    if (best === 'nisba') raw *= 0.5;
    if (tag.ambiguous) raw *= 0.6;
    const score = Math.round(Math.min(1, raw / 1.5) * 1000) / 1000;
    return { candidate: c, score, evidence: { mentions: count, inTitle, lead, bestKind: best, multiword: tag.labelTokens > 1, ambiguous: tag.ambiguous } };
  });
}

/**
 * Mention-mode scoring (`wasim eval --mentions GOLD`): predicted body mentions against gold
 * entity mentions, as the shared data's README defines it. A gold mention is found when a
 * predicted body mention overlaps it and the mention's `matched` label (else its tag) folds to
 * the gold tag. Precision counts predicted mentions, deduplicated by (tag, start, end), that
 * overlap a gold mention of the same tag.
 */
import { WasimError } from '../core/index.js';
import { foldForScoring } from './fold.js';
import { readId, readJsonLines } from './gold.js';

export interface GoldMention {
  start: number;
  end: number;
  tag: string;
  type?: string;
}

export interface MentionGold {
  id: string;
  mentions: GoldMention[];
}

export interface PredictedMention {
  field: 'title' | 'body';
  start: number;
  end: number;
  tag: string;
  matched?: string;
}

export interface MentionScore {
  documents: number;
  predicted: number;
  correct: number;
  gold: number;
  found: number;
  precision: number;
  recall: number;
  f1: number;
}

export function parseMentionGold(text: string, source: string): MentionGold[] {
  const out: MentionGold[] = [];
  for (const { line, value, text: lineText } of readJsonLines(text, source, 'BAD_GOLD')) {
    const fail = (template: 'mentionsNotObject' | 'mentionsNotArray' | 'badMention'): never => {
      throw WasimError.of('BAD_GOLD', template, { where: `${source}:${line}` }, { file: source, line });
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('mentionsNotObject');
    const obj = value as Record<string, unknown>;
    const id = readId(obj, source, line, 'BAD_GOLD', lineText);
    if (!Array.isArray(obj.mentions)) fail('mentionsNotArray');
    const mentions: GoldMention[] = [];
    for (const m of obj.mentions as unknown[]) {
      const r = m as Record<string, unknown>;
      if (typeof r !== 'object' || r === null || !Number.isInteger(r.start) || !Number.isInteger(r.end) || typeof r.tag !== 'string' || (r.end as number) < (r.start as number)) {
        fail('badMention');
      }
      mentions.push({ start: r.start as number, end: r.end as number, tag: r.tag as string, ...(typeof r.type === 'string' ? { type: r.type } : {}) });
    }
    out.push({ id, mentions });
  }
  return out;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

/** Scores one document's predictions; adds into `into`. */
export function scoreMentions(gold: readonly GoldMention[], predicted: readonly PredictedMention[], into: MentionScore): void {
  const goldFolded = gold.map((g) => ({ ...g, key: foldForScoring(g.tag) }));
  const seen = new Set<string>();
  const found = new Set<number>();
  for (const p of predicted) {
    if (p.field !== 'body') continue;
    const key = foldForScoring(p.matched ?? p.tag);
    const dedupe = `${foldForScoring(p.tag)}\u0000${p.start}\u0000${p.end}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    into.predicted++;
    let correct = false;
    goldFolded.forEach((g, i) => {
      if (g.key === key && overlaps(g, p)) {
        correct = true;
        found.add(i);
      }
    });
    if (correct) into.correct++;
  }
  into.gold += gold.length;
  into.found += found.size;
}

export function emptyMentionScore(): MentionScore {
  return { documents: 0, predicted: 0, correct: 0, gold: 0, found: 0, precision: 0, recall: 0, f1: 0 };
}

export function finishMentionScore(s: MentionScore): MentionScore {
  const precision = s.predicted === 0 ? 0 : s.correct / s.predicted;
  const recall = s.gold === 0 ? 0 : s.found / s.gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...s, precision, recall, f1 };
}

/** A document to tag in mention mode. */
export interface MentionDocument {
  id: string;
  title: string;
  body: string;
}

/** Anything that yields mentions per document: wasim in mention mode, or a reference tagger. */
export type MentionTagger = (doc: MentionDocument) => PredictedMention[];

/** Scores a tagger's mentions over the gold documents found among `docs`. */
export function evaluateMentions(gold: readonly MentionGold[], docs: readonly MentionDocument[], tagger: MentionTagger): MentionScore {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const score = emptyMentionScore();
  for (const g of gold) {
    const d = byId.get(g.id);
    if (d === undefined) continue;
    score.documents++;
    scoreMentions(g.mentions, tagger(d), score);
  }
  return finishMentionScore(score);
}

export function mentionMarkdownTable(rows: readonly { label: string; score: MentionScore }[]): string {
  const head = ['tagger', 'P', 'R', 'F1', 'mentions', 'correct', 'gold found'];
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map(({ label, score: s }) => `| ${label} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} | ${s.predicted} | ${s.correct} | ${s.found}/${s.gold} |`),
  ].join('\n');
}

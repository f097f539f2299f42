/**
 * The public result shape shared by `wasim tag`, the batch JSONL output and POST /v1/tag.
 * Automated checks depend on it: {id, tags: [{tag, score, type?, mentions: [{field, start, end, text, kind, confidence, matched}], id}]}.
 */
import type { TagResult, WasimError } from '../core/index.js';

export interface OutputMention {
  field: 'title' | 'body';
  start: number;
  end: number;
  text: string;
  kind: string;
  confidence: number;
  /** The label of the vocabulary entry whose form matched (differs from `tag` for grouped twins). */
  matched: string;
  reasons?: string[];
}

export interface OutputTag {
  tag: string;
  score: number;
  type?: string;
  mentions: OutputMention[];
  id: string;
  evidence?: Record<string, unknown>;
}

export function toOutputTag(r: TagResult, explain = false): OutputTag {
  const mentions = r.mentions.map((m): OutputMention => {
    const o: OutputMention = { field: m.field, start: m.start, end: m.end, text: m.text, kind: m.kind, confidence: m.confidence, matched: m.matched };
    if (explain && m.reasons) o.reasons = m.reasons;
    return o;
  });
  // Key order is part of the contract: tag, score, type?, mentions, id.
  const out: OutputTag = r.type ? { tag: r.tag, score: r.score, type: r.type, mentions, id: r.id } : { tag: r.tag, score: r.score, mentions, id: r.id };
  if (explain && r.evidence) out.evidence = r.evidence;
  return out;
}

export function toOutputLine(id: unknown, results: TagResult[], explain = false): { id: unknown; tags: OutputTag[] } {
  return { id: id ?? null, tags: results.map((r) => toOutputTag(r, explain)) };
}

export function errorLine(id: unknown, e: WasimError): { id: unknown; error: { code: string; message: string } } {
  return { id: id ?? null, error: { code: e.code, message: e.message } };
}

/**
 * A result or error line as JSON text. `idLiteral` is the id's number literal as the input
 * wrote it, when JSON.parse could not keep it (12345678901234567890, 400 nines): the line then
 * carries those digits, not the double they were rounded to. Lines put the id first.
 */
export function lineJson(line: { id: unknown }, idLiteral?: string): string {
  if (idLiteral === undefined) return JSON.stringify(line);
  const rest = JSON.stringify({ ...line, id: undefined });
  return rest === '{}' ? `{"id":${idLiteral}}` : `{"id":${idLiteral},${rest.slice(1)}`;
}

/**
 * The public result shape shared by `wasim tag`, the batch JSONL output and POST /v1/tag.
 * Automated checks depend on it: {id, tags: [{tag, score, type?, mentions: [{field, start, end, text}]}]}.
 */
import type { TagResult, WasimError } from '../core/index.js';

export interface OutputMention {
  field: 'title' | 'body';
  start: number;
  end: number;
  text: string;
  kind?: string;
}

export interface OutputTag {
  tag: string;
  score: number;
  type?: string;
  mentions: OutputMention[];
  id?: string;
  evidence?: Record<string, unknown>;
}

export function toOutputTag(r: TagResult, explain = false): OutputTag {
  const mentions = r.mentions.map((m) => (explain ? { field: m.field, start: m.start, end: m.end, text: m.text, kind: m.kind } : { field: m.field, start: m.start, end: m.end, text: m.text }));
  // Key order is part of the contract: tag, score, type?, mentions.
  const out: OutputTag = r.type ? { tag: r.tag, score: r.score, type: r.type, mentions } : { tag: r.tag, score: r.score, mentions };
  if (explain) {
    out.id = r.id;
    if (r.evidence) out.evidence = r.evidence;
  }
  return out;
}

export function toOutputLine(id: unknown, results: TagResult[], explain = false): { id: unknown; tags: OutputTag[] } {
  return { id: id ?? null, tags: results.map((r) => toOutputTag(r, explain)) };
}

export function errorLine(id: unknown, e: WasimError): { id: unknown; error: { code: string; message: string } } {
  return { id: id ?? null, error: { code: e.code, message: e.message } };
}

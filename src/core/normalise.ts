/**
 * The first pipeline stage: checks that an article is text worth tagging. Nothing is
 * rewritten — offsets must index the caller's strings — it is only validated.
 */
import { WasimError } from './errors.js';

export interface NormaliseLimits {
  /** Longest title + body accepted, in UTF-16 code units. */
  maxChars: number;
}

export const DEFAULT_LIMITS: NormaliseLimits = { maxChars: 2_000_000 };

// Binary data decoded as text shows up as NULs, other C0 controls and U+FFFD.
const JUNK = /[\u0000-\u0008\u000e-\u001f\ufffd]/g;
const JUNK_LIMIT = 0.1;

function junkShare(s: string): number {
  if (s.length === 0) return 0;
  const sample = s.length > 20000 ? s.slice(0, 20000) : s;
  const hits = sample.match(JUNK);
  return hits ? hits.length / sample.length : 0;
}

/** An article as the stages after normalise read it: both fields present, as the caller wrote them. */
export interface NormalisedArticle {
  id?: string;
  title: string;
  body: string;
}

export function normaliseArticle(input: unknown, limits: NormaliseLimits = DEFAULT_LIMITS): NormalisedArticle {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new WasimError('BAD_ARTICLE');
  const a = input as Record<string, unknown>;
  const title = a.title ?? '';
  const body = a.body ?? '';
  if (typeof title !== 'string' || typeof body !== 'string') throw WasimError.of('BAD_ARTICLE', 'fieldsNotStrings', {});
  if (a.id !== undefined && a.id !== null && typeof a.id !== 'string' && typeof a.id !== 'number') throw WasimError.of('BAD_ARTICLE', 'idType', {});
  if (title.length + body.length > limits.maxChars) throw WasimError.of('INPUT_TOO_LARGE', 'articleChars', { chars: title.length + body.length, limit: limits.maxChars });
  if (title.trim() === '' && body.trim() === '') throw new WasimError('EMPTY_INPUT');
  // A few stray control characters occur in real CMS exports (SUB, U+001A, in SaudiNewsNet);
  // binary data decoded as text is full of them.
  if (junkShare(title) > JUNK_LIMIT || junkShare(body) > JUNK_LIMIT) throw new WasimError('NOT_TEXT');
  const out: NormalisedArticle = { title, body };
  if (a.id !== undefined && a.id !== null) out.id = String(a.id);
  return out;
}

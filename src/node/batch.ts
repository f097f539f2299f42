/**
 * JSONL batch tagging: one article per input line, one result per output line in input order.
 * A bad line yields {"id", "error"} and processing continues. Streams: memory does not grow
 * with the input.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { numberLiteral, WasimError, type TagOptions, type Tagger } from '../core/index.js';
import { errorLine, lineJson, toOutputLine } from './output.js';

export interface BatchStats {
  lines: number;
  tagged: number;
  failed: number;
}

export interface BatchOptions extends TagOptions {
  onProgress?: (stats: BatchStats) => void;
}

/**
 * One JSONL article as the batch and the stream consumer read it: the parsed value (the tagger
 * judges whether it is an article), its id when it has one, and the id's digits as written when
 * JSON.parse changed them (a number past 2^53: write it back with lineJson). Throws BAD_JSON.
 */
export function parseArticleLine(line: string): { article: unknown; id: unknown; idLiteral: string | undefined } {
  let article: unknown;
  try {
    article = JSON.parse(line);
  } catch (e) {
    throw WasimError.of('BAD_JSON', 'invalid', { reason: (e as Error).message });
  }
  const id = article && typeof article === 'object' && !Array.isArray(article) ? ((article as { id?: unknown }).id ?? null) : null;
  return { article, id, idLiteral: id === null ? undefined : numberLiteral(line, '/id', id) };
}

/** Tags one JSONL input line; never throws. */
export function tagLine(tagger: Tagger, line: string, lineNo: number, options: TagOptions): { out: string; ok: boolean } {
  let id: unknown = null;
  let idLiteral: string | undefined;
  try {
    const parsed = parseArticleLine(line);
    id = parsed.id;
    idLiteral = parsed.idLiteral;
    const results = tagger.tag(parsed.article, options);
    return { out: lineJson(toOutputLine(id, results, options.explain), idLiteral), ok: true };
  } catch (e) {
    const err = e instanceof WasimError ? e : WasimError.of('INTERNAL', 'unexpected', { reason: (e as Error).message });
    const withLine = err.message.startsWith('line ') ? err : err.at({ en: `line ${lineNo}`, ar: `السطر ${lineNo}` });
    return { out: lineJson(errorLine(id, withLine), idLiteral), ok: false };
  }
}

/**
 * Writes, waiting for the output to drain when it asks to: a slow output slows the reading.
 * An output that has failed (a full disk) stops the batch with its error.
 */
export async function write(output: Writable, chunk: string | Uint8Array): Promise<void> {
  if (output.errored) throw output.errored;
  if (!output.write(chunk)) await once(output, 'drain');
}

export async function tagJsonlStream(tagger: Tagger, input: Readable, output: Writable, options: BatchOptions = {}): Promise<BatchStats> {
  const stats: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    stats.lines++;
    const { out, ok } = tagLine(tagger, line, lineNo, options);
    if (ok) stats.tagged++;
    else stats.failed++;
    await write(output, out + '\n');
    options.onProgress?.(stats);
  }
  return stats;
}

/**
 * The worker thread of `wasim tag --jobs` (parallel.ts): loads the vocabulary, then tags the
 * chunks of input bytes it is sent. A module of its own, so that a worker loads only what
 * tagging needs.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { WasimError, type AdaptationModel, type ErrorCode, type TagOptions, type Tagger } from '../core/index.js';
import { tagLine } from './batch.js';
import { loadVocabulary, type VocabularyChoice } from './vocab-file.js';
import { createNodeTagger } from './tagger.js';

export const WORKER_KIND = 'wasim-tag-worker';

export interface WorkerInit {
  kind: typeof WORKER_KIND;
  vocabulary: VocabularyChoice;
  options: TagOptions;
  /** The newsroom's adaptation (`--adaptation`), as plain data. */
  adaptation?: AdaptationModel;
}

export interface ChunkMessage {
  seq: number;
  /** Physical line number of the chunk's first line. */
  firstLineNo: number;
  /** Whole lines of UTF-8 input, each ending in a newline but perhaps the input's last. */
  bytes: Uint8Array;
}

export type FromWorker =
  | { type: 'ready'; warnings: number; source: string }
  | { type: 'load-error'; code: ErrorCode; message: string; messageAr: string; template?: string }
  | { type: 'done'; seq: number; out: Uint8Array; lines: number; tagged: number; failed: number };

/** readline's line breaks (crlfDelay: Infinity): a lone CR ends a line too. */
const LINE_BREAK = /\r?\n|\r(?!\n)/;

/** The lines of a chunk as readline would yield them: no empty line after the final break. */
export function splitLines(text: string): string[] {
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function tagChunk(tagger: Tagger, chunk: ChunkMessage, options: TagOptions): Extract<FromWorker, { type: 'done' }> {
  // Decoded as a whole, like readline's decoder: the chunk starts and ends on line boundaries, so
  // no character is cut, and a malformed byte sequence turns into the same U+FFFD either way.
  const text = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength).toString('utf8');
  const lines = splitLines(text);
  const outs: string[] = [];
  let tagged = 0;
  let failed = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const r = tagLine(tagger, line, chunk.firstLineNo + i, options);
    outs.push(r.out);
    if (r.ok) tagged++;
    else failed++;
  }
  return { type: 'done', seq: chunk.seq, out: encodeLines(outs), lines: outs.length, tagged, failed };
}

/**
 * The lines as UTF-8, each followed by a newline, encoded one by one into a single buffer:
 * joining them first would build, then flatten, one long string per chunk. The buffer is
 * sized for the worst case (3 bytes per UTF-16 unit) and is its own ArrayBuffer, never the
 * shared pool, so it can be transferred.
 */
export function encodeLines(lines: readonly string[]): Uint8Array {
  let capacity = 0;
  for (const l of lines) capacity += l.length * 3 + 1;
  const buf = Buffer.allocUnsafeSlow(capacity);
  let at = 0;
  for (const l of lines) {
    at += buf.write(l, at, 'utf8');
    buf[at++] = 0x0a;
  }
  return buf.subarray(0, at);
}

function runWorker(init: WorkerInit): void {
  const port = parentPort!;
  let tagger;
  try {
    const { compiled, warnings, source } = loadVocabulary(init.vocabulary);
    tagger = createNodeTagger(compiled, init.adaptation ? { adaptation: init.adaptation } : {});
    port.postMessage({ type: 'ready', warnings: warnings.length, source } satisfies FromWorker);
  } catch (e) {
    const err = e instanceof WasimError ? e : WasimError.of('INTERNAL', 'unexpected', { reason: (e as Error).message });
    port.postMessage({ type: 'load-error', code: err.code, message: err.message, messageAr: err.messageAr, ...(err.template !== undefined ? { template: err.template } : {}) } satisfies FromWorker);
    return;
  }
  const t = tagger;
  port.on('message', (chunk: ChunkMessage) => {
    const done = tagChunk(t, chunk, init.options);
    port.postMessage(done, [done.out.buffer as ArrayBuffer]);
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === WORKER_KIND) runWorker(workerData as WorkerInit);

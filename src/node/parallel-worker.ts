/**
 * The worker thread of `wasim tag --jobs` (parallel.ts): loads the vocabulary, then tags the
 * chunks of input bytes it is sent. A module of its own, so that a worker loads only what
 * tagging needs.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { WasimError, type AdaptationModel, type ErrorCode, type TagOptions } from '../core/index.js';
import { tagChunk } from './batch.js';
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
    const done: FromWorker = { type: 'done', seq: chunk.seq, ...tagChunk(t, chunk.bytes, chunk.firstLineNo, init.options) };
    port.postMessage(done, [done.out.buffer as ArrayBuffer]);
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === WORKER_KIND) runWorker(workerData as WorkerInit);

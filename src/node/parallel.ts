/**
 * Parallel JSONL batch tagging on worker threads. Each worker loads the vocabulary itself:
 * the workers compile in parallel, so the wall-clock cost is one compile — shipping a
 * serialised form from the main thread would add a serialise on top of the parse in every
 * worker. Lines travel in chunks (a message per line costs more than tagging a short
 * article); results are written in input order, and at most a few chunks per worker are in
 * flight, so memory does not grow with the input and a slow output slows the reading.
 *
 * The main thread competes with the workers for the cores, so it handles bytes only: it cuts
 * the input after newline bytes and transfers each chunk; the workers decode, split, tag and
 * encode, and transfer back the UTF-8 output, which the main thread writes as it is. No
 * string is decoded, cloned or encoded on the main thread.
 *
 * What keeps N jobs short of N× is in the workers, not here: each is a V8 isolate of its own,
 * so each loads the vocabulary and background model, optimises the tagger's code (with its
 * deoptimise-and-recompile rounds) and warms the tagger's caches again, and its compiler and
 * collector threads take the same cores the other workers tag on.
 *
 * Output lines, error lines and statistics are exactly those of the in-thread path
 * (tagJsonlStream): both cut the input with LineChunker and tag each chunk with tagChunk,
 * which numbers lines as readline does.
 */
import type { Readable, Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { WasimError, type AdaptationModel, type TagOptions } from '../core/index.js';
import { asBytes, countLineBreaks, LineChunker, write, type BatchStats } from './batch.js';
import type { VocabularyChoice } from './vocab-file.js';
import { WORKER_KIND, type ChunkMessage, type FromWorker, type WorkerInit } from './parallel-worker.js';

export interface ParallelBatchOptions extends TagOptions {
  /** Worker threads (≥ 1). */
  jobs: number;
  /** The vocabulary every worker loads, as the CLI chose it. */
  vocabulary: VocabularyChoice;
  /** The adaptation every worker applies. */
  adaptation?: AdaptationModel;
  /** Called once, when the first worker has loaded the vocabulary, with what its reading reported. */
  onVocabularyLoaded?: (info: { warnings: number; source: string }) => void;
  onProgress?: (stats: BatchStats) => void;
  /** A chunk is sent when it holds this many lines… */
  chunkLines?: number;
  /** …or this many bytes, whichever comes first (tagging cost follows text length). */
  chunkBytes?: number;
  /** Chunks read but not yet written, per worker. */
  chunksPerWorker?: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  outstanding: number;
}

/**
 * Chunks a worker holds at once: one to tag and one queued, so it never waits for the main
 * thread between chunks; the rest wait in the main thread and go to whichever worker frees
 * up first, so the workers finish within about a chunk of each other.
 */
const IN_WORKER = 2;

export async function tagJsonlParallel(input: Readable, output: Writable, options: ParallelBatchOptions): Promise<BatchStats> {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const chunker = new LineChunker(options.chunkLines ?? 128, options.chunkBytes ?? 128 * 1024);
  const maxPending = jobs * (options.chunksPerWorker ?? 4);
  const tagOptions: TagOptions = { top: options.top, minScore: options.minScore, explain: options.explain, allMentions: options.allMentions };
  const init: WorkerInit = { kind: WORKER_KIND, vocabulary: options.vocabulary, options: tagOptions, ...(options.adaptation ? { adaptation: options.adaptation } : {}) };

  const stats: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  const results = new Map<number, { out: Uint8Array; tagged: number; failed: number; lines: number }>();
  const queue: ChunkMessage[] = [];
  let read = 0;
  let nextToWrite = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: Error): void => {
    failure ??= e;
    notify();
  };
  const waitForChange = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));

  let flushing = false;
  const flush = async (): Promise<void> => {
    if (flushing) return;
    flushing = true;
    try {
      while (failure === undefined && results.has(nextToWrite)) {
        const r = results.get(nextToWrite)!;
        // A chunk counts as written only once it is: the end of the batch waits for nextToWrite
        // to reach the chunks read, and any wake-up (a worker that became ready late) during the
        // write would otherwise let it return without the last chunk's lines and stats.
        if (r.out.length > 0) await write(output, r.out);
        results.delete(nextToWrite);
        nextToWrite++;
        stats.lines += r.lines;
        stats.tagged += r.tagged;
        stats.failed += r.failed;
        options.onProgress?.(stats);
        notify();
      }
    } catch (e) {
      fail(e as Error);
    } finally {
      flushing = false;
    }
  };

  const slots: Slot[] = [];
  const pump = (): void => {
    while (queue.length > 0) {
      let slot: Slot | undefined;
      for (const s of slots) if (s.ready && (slot === undefined || s.outstanding < slot.outstanding)) slot = s;
      if (slot === undefined || slot.outstanding >= IN_WORKER) return;
      const chunk = queue.shift()!;
      slot.outstanding++;
      slot.worker.postMessage(chunk, [chunk.bytes.buffer as ArrayBuffer]);
    }
  };

  let ready = 0;
  let loadInfo: { warnings: number; source: string } | undefined;
  let finished = false;
  for (let i = 0; i < jobs; i++) {
    const worker = new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: init });
    const slot: Slot = { worker, ready: false, outstanding: 0 };
    slots.push(slot);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        slot.ready = true;
        ready++;
        loadInfo ??= { warnings: m.warnings, source: m.source };
        pump();
        notify();
      } else if (m.type === 'load-error') {
        fail(new WasimError(m.code, m.message, undefined, m.messageAr, m.template));
      } else {
        slot.outstanding--;
        pump();
        results.set(m.seq, { out: m.out, tagged: m.tagged, failed: m.failed, lines: m.lines });
        void flush();
      }
    });
    worker.on('error', (e) => fail(WasimError.of('INTERNAL', 'workerThread', { reason: e.message })));
    worker.on('exit', (code) => {
      if (!finished) fail(WasimError.of('INTERNAL', 'workerExited', { code }));
    });
  }

  const stopWorkers = async (): Promise<void> => {
    finished = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };

  try {
    // Like the in-thread path, a vocabulary that cannot be loaded fails before any input is read.
    // The first worker to load it proves it loads: tagging starts then, and the others join
    // when ready, rather than all waiting for the slowest load.
    while (failure === undefined && ready === 0) await waitForChange();
    if (failure) throw failure;
    options.onVocabularyLoaded?.(loadInfo!);

    let lineNo = 1;
    const dispatch = async (bytes: Uint8Array): Promise<void> => {
      while (failure === undefined && read - nextToWrite >= maxPending) await waitForChange();
      if (failure) throw failure;
      queue.push({ seq: read++, firstLineNo: lineNo, bytes });
      lineNo += countLineBreaks(bytes);
      pump();
    };

    for await (const data of input as AsyncIterable<Buffer | string>) {
      for (const chunk of chunker.push(asBytes(data))) await dispatch(chunk);
    }
    const last = chunker.end();
    if (last) await dispatch(last);
    while (failure === undefined && nextToWrite < read) await waitForChange();
    if (failure) throw failure;
    return stats;
  } finally {
    await stopWorkers();
  }
}

export interface BatchProgress {
  update(stats: BatchStats): void;
  stop(): void;
}

/**
 * A progress bar on stderr: articles, articles/s and, when the input size is known, the
 * share of bytes read and an ETA. Callers only create it when stderr is a terminal.
 */
export function createBatchProgress(totalBytes: number | undefined, bytesRead: () => number, stream: NodeJS.WritableStream = process.stderr): BatchProgress {
  const started = Date.now();
  const known = totalBytes !== undefined && totalBytes > 0;
  const format = known
    ? 'wasim tag [{bar}] {percentage}% | {articles} articles | {rate} articles/s | ETA {eta_formatted}'
    : 'wasim tag | {articles} articles | {rate} articles/s';
  const bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 5 }, cliProgress.Presets.shades_classic);
  bar.start(known ? totalBytes : 1, 0, { articles: 0, rate: '0' });
  let last: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  const payload = (s: BatchStats): { articles: number; rate: string } => {
    const seconds = (Date.now() - started) / 1000;
    return { articles: s.lines, rate: seconds > 0 ? (s.lines / seconds).toFixed(0) : '0' };
  };
  return {
    update(stats: BatchStats): void {
      last = stats;
      bar.update(known ? Math.min(bytesRead(), totalBytes) : 0, payload(stats));
    },
    stop(): void {
      bar.update(known ? totalBytes : 0, payload(last));
      bar.stop();
    },
  };
}

/**
 * Parallel JSONL batch tagging on worker threads. Each worker loads the vocabulary itself:
 * the workers compile in parallel, so the wall-clock cost is one compile — shipping a
 * serialised form from the main thread would add a serialise on top of the parse in every
 * worker. Lines travel in chunks (a message per line costs more than tagging a short
 * article); results are written in input order, and at most a few chunks per worker are in
 * flight, so memory does not grow with the input and a slow output slows the reading.
 *
 * Output lines, error lines and statistics are exactly those of the in-thread path
 * (tagJsonlStream): both call tagLine with the same physical line numbers.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { WasimError, type ErrorCode, type TagOptions } from '../core/index.js';
import { tagLine, type BatchStats } from './batch.js';
import { loadVocabulary, type VocabularyChoice } from './vocab-file.js';
import { createNodeTagger } from './tagger.js';

export interface ParallelBatchOptions extends TagOptions {
  /** Worker threads (≥ 1). */
  jobs: number;
  /** The vocabulary every worker loads, as the CLI chose it. */
  vocabulary: VocabularyChoice;
  /** Called once, when the workers have loaded the vocabulary, with what its reading reported. */
  onVocabularyLoaded?: (info: { warnings: number; source: string }) => void;
  onProgress?: (stats: BatchStats) => void;
  /** A chunk is sent when it holds this many lines… */
  chunkLines?: number;
  /** …or this many UTF-16 code units, whichever comes first (tagging cost follows text length). */
  chunkChars?: number;
  /** Chunks read but not yet written, per worker. */
  chunksPerWorker?: number;
}

const WORKER_KIND = 'wasim-tag-worker';

interface WorkerInit {
  kind: typeof WORKER_KIND;
  vocabulary: VocabularyChoice;
  options: TagOptions;
}

interface ChunkMessage {
  seq: number;
  lineNos: number[];
  lines: string[];
}

type FromWorker =
  | { type: 'ready'; warnings: number; source: string }
  | { type: 'load-error'; code: ErrorCode; message: string }
  | { type: 'done'; seq: number; out: string; tagged: number; failed: number };

function runWorker(init: WorkerInit): void {
  const port = parentPort!;
  let tagger;
  try {
    const { compiled, warnings, source } = loadVocabulary(init.vocabulary);
    tagger = createNodeTagger(compiled);
    port.postMessage({ type: 'ready', warnings: warnings.length, source } satisfies FromWorker);
  } catch (e) {
    const err = e instanceof WasimError ? e : new WasimError('INTERNAL', (e as Error).message);
    port.postMessage({ type: 'load-error', code: err.code, message: err.message } satisfies FromWorker);
    return;
  }
  const t = tagger;
  port.on('message', (chunk: ChunkMessage) => {
    let out = '';
    let tagged = 0;
    let failed = 0;
    for (let i = 0; i < chunk.lines.length; i++) {
      const r = tagLine(t, chunk.lines[i]!, chunk.lineNos[i]!, init.options);
      out += r.out + '\n';
      if (r.ok) tagged++;
      else failed++;
    }
    port.postMessage({ type: 'done', seq: chunk.seq, out, tagged, failed } satisfies FromWorker);
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === WORKER_KIND) runWorker(workerData as WorkerInit);

async function write(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await once(output, 'drain');
}

interface Slot {
  worker: Worker;
  outstanding: number;
}

export async function tagJsonlParallel(input: Readable, output: Writable, options: ParallelBatchOptions): Promise<BatchStats> {
  const jobs = Math.max(1, Math.floor(options.jobs));
  const chunkLines = options.chunkLines ?? 128;
  const chunkChars = options.chunkChars ?? 256 * 1024;
  const maxPending = jobs * (options.chunksPerWorker ?? 4);
  const tagOptions: TagOptions = { top: options.top, minScore: options.minScore, explain: options.explain };
  const init: WorkerInit = { kind: WORKER_KIND, vocabulary: options.vocabulary, options: tagOptions };

  const stats: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  const results = new Map<number, { out: string; tagged: number; failed: number; lines: number }>();
  const sentLines = new Map<number, number>();
  let sent = 0;
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
        results.delete(nextToWrite);
        nextToWrite++;
        if (r.out) await write(output, r.out);
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
  let ready = 0;
  let loadInfo: { warnings: number; source: string } | undefined;
  let finished = false;
  for (let i = 0; i < jobs; i++) {
    const worker = new Worker(new URL(import.meta.url), { workerData: init });
    const slot: Slot = { worker, outstanding: 0 };
    slots.push(slot);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        ready++;
        loadInfo ??= { warnings: m.warnings, source: m.source };
        notify();
      } else if (m.type === 'load-error') {
        fail(new WasimError(m.code, m.message));
      } else {
        slot.outstanding--;
        results.set(m.seq, { out: m.out, tagged: m.tagged, failed: m.failed, lines: sentLines.get(m.seq)! });
        sentLines.delete(m.seq);
        void flush();
      }
    });
    worker.on('error', (e) => fail(new WasimError('INTERNAL', `worker thread failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!finished) fail(new WasimError('INTERNAL', `worker thread exited early (code ${code})`));
    });
  }

  const stopWorkers = async (): Promise<void> => {
    finished = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };

  try {
    // Like the in-thread path, a vocabulary that cannot be loaded fails before any input is read.
    while (failure === undefined && ready < jobs) await waitForChange();
    if (failure) throw failure;
    options.onVocabularyLoaded?.(loadInfo!);

    const dispatch = async (lineNos: number[], lines: string[]): Promise<void> => {
      while (failure === undefined && sent - nextToWrite >= maxPending) await waitForChange();
      if (failure) throw failure;
      let slot = slots[0]!;
      for (const s of slots) if (s.outstanding < slot.outstanding) slot = s;
      slot.outstanding++;
      sentLines.set(sent, lines.length);
      slot.worker.postMessage({ seq: sent, lineNos, lines } satisfies ChunkMessage);
      sent++;
    };

    const rl = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    let lineNos: number[] = [];
    let lines: string[] = [];
    let chars = 0;
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      lineNos.push(lineNo);
      lines.push(line);
      chars += line.length;
      if (lines.length >= chunkLines || chars >= chunkChars) {
        await dispatch(lineNos, lines);
        lineNos = [];
        lines = [];
        chars = 0;
      }
    }
    if (lines.length > 0) await dispatch(lineNos, lines);
    while (failure === undefined && nextToWrite < sent) await waitForChange();
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

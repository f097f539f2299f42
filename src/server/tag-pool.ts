/**
 * Tagging off the event loop: a fixed pool of worker threads (Piscina) that the tagger service
 * (tagger-service.ts) sends articles to, so one 200k-character article does not hold up every
 * other request for a quarter of a second.
 *
 * - Admission: a request that finds `maxQueue` tasks already waiting is refused at once with
 *   BUSY (503) and a Retry-After estimate, instead of joining a queue it would time out in.
 *   Work the service starts itself (re-tag chunks, readying the threads for a new vocabulary)
 *   passes `background` and waits instead; it sends a few tasks at a time, so the queue stays
 *   bounded all the same.
 * - Deadline: past `deadlineMs` from submission the caller gets TAG_TIMEOUT (504). A task still
 *   waiting is withdrawn from the queue; one already running is left to finish and its result
 *   is dropped (tagging time is bounded by the article length limit, and replacing a thread —
 *   loading the word statistics again — costs more than letting it finish).
 * - A thread that dies (a crash, out of memory, terminated) fails only the task it held, with
 *   WORKER_FAILED (500); Piscina starts a replacement.
 * - Long articles (TagLanes): an article of `longChars` characters or more goes to a lane of its
 *   own, whose threads run at a lower priority (nice +10 on Linux). On a machine with few cores a
 *   long article then takes the CPU the short ones leave, instead of sharing it evenly with the
 *   thread that answers them: a 200k-character article costs a few hundred ms of a core.
 */
import { Piscina } from 'piscina';
import type { Worker } from 'node:worker_threads';
import { WasimError } from '../core/index.js';
import type { TagTask, TagTaskResult, TagWorkerData } from './tag-task.js';

export interface TagPoolOptions {
  /** Worker threads (≥ 1). */
  threads: number;
  /** Tasks allowed to wait for a thread before requests are refused (≥ 0). */
  maxQueue: number;
  /** Time from submission to answer, in ms (0: none). */
  deadlineMs: number;
  tagger: TagWorkerData['tagger'];
  /** Added to the threads' nice value (Linux: lower priority). */
  nice?: number;
  log?: { error(obj: unknown, msg?: string): void };
}

export interface TagRunOptions {
  /** Work the service started itself: waits for room in the queue instead of being refused. */
  background?: boolean;
  /** This task's deadline instead of the pool's (0: none). */
  deadlineMs?: number;
}

export interface TagPoolStats {
  threads: number;
  /** Threads running a task now. */
  busy: number;
  /** Tasks waiting for a thread. */
  queued: number;
  maxQueue: number;
  /** Tasks finished by a thread, and the thread time they took. */
  tasks: number;
  busySeconds: number;
  /** Requests refused or failed, by reason. */
  refused: { queueFull: number; deadline: number; workerFailed: number };
}

/** Longest wait for the threads to build a new version's tagger before it serves anyway. */
const PRIME_DEADLINE_MS = 60_000;

export type TagTaskSuccess = Extract<TagTaskResult, { ok: true }>;

export class TagPool {
  private readonly piscina: Piscina<TagTask, TagTaskResult>;
  private pending = 0;
  private tasks = 0;
  private busyMs = 0;
  /** Recent mean thread time of a task, for the Retry-After estimate. */
  private meanMs = 5;
  private readonly refused = { queueFull: 0, deadline: 0, workerFailed: 0 };
  private closed = false;

  constructor(private readonly options: TagPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`TagPool: threads must be a positive integer, got ${options.threads}`);
    const workerData: TagWorkerData = { tagger: options.tagger };
    this.piscina = new Piscina<TagTask, TagTaskResult>({
      filename: new URL('./tag-worker.js', import.meta.url).href,
      minThreads: options.threads,
      maxThreads: options.threads,
      // Admission is ours (background work may exceed it); Piscina's own queue is unbounded.
      maxQueue: Infinity,
      concurrentTasksPerWorker: 1,
      workerData,
      recordTiming: false,
      niceIncrement: options.nice ?? 0,
    });
    // Piscina reports a thread that fails with no task on it as an 'error' event; unheard, that
    // would end the process. The thread is replaced either way.
    this.piscina.on('error', (e: unknown) => options.log?.error(e, 'a tagging thread failed; it is replaced'));
  }

  get threads(): number {
    return this.options.threads;
  }

  /** The pool's threads as they are now (operations tests stop one to see a crash handled). */
  get workers(): readonly Worker[] {
    return this.piscina.threads;
  }

  stats(): TagPoolStats {
    const queued = this.piscina.queueSize;
    return {
      threads: this.options.threads,
      busy: Math.max(0, Math.min(this.options.threads, this.pending - queued)),
      queued,
      maxQueue: this.options.maxQueue,
      tasks: this.tasks,
      busySeconds: this.busyMs / 1000,
      refused: { ...this.refused },
    };
  }

  /** Seconds a refused client should wait: the queue's work spread over the threads. */
  private retryAfterSeconds(waiting: number): number {
    const waitMs = ((waiting + this.options.threads) * this.meanMs) / this.options.threads;
    return Math.min(60, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  /** Runs a task on a thread; rejects with BUSY, TAG_TIMEOUT, WORKER_FAILED or the tagger's own error. */
  run(task: TagTask, run: TagRunOptions = {}): Promise<TagTaskSuccess> {
    if (this.closed) return Promise.reject(WasimError.of('NOT_READY', 'shuttingDown', {}));
    // Tasks beyond one per thread wait (a task past its deadline still holds its thread).
    const waiting = Math.max(0, this.pending - this.options.threads);
    if (!run.background && this.pending >= this.options.threads && waiting >= this.options.maxQueue) {
      this.refused.queueFull++;
      const retryAfter = this.retryAfterSeconds(waiting);
      return Promise.reject(
        WasimError.of('BUSY', 'queue', { waiting, threads: this.options.threads, seconds: retryAfter }, { retryAfterSeconds: retryAfter }),
      );
    }
    const deadlineMs = run.deadlineMs ?? this.options.deadlineMs;
    const started = new Int32Array(new SharedArrayBuffer(4));
    const abort = new AbortController();
    this.pending++;
    const job = this.piscina.run({ ...task, started }, { signal: abort.signal });
    return new Promise<TagTaskSuccess>((resolve, reject) => {
      let timedOut = false;
      const timer =
        deadlineMs > 0
          ? setTimeout(() => {
              timedOut = true;
              this.refused.deadline++;
              // Still waiting: withdraw it. Running: let it finish; the result is dropped below.
              if (Atomics.load(started, 0) === 0) abort.abort();
              reject(WasimError.of('TAG_TIMEOUT', 'deadline', { ms: deadlineMs }));
            }, deadlineMs)
          : undefined;
      job.then(
        (result) => {
          this.pending--;
          clearTimeout(timer);
          this.tasks++;
          this.busyMs += result.ms;
          this.meanMs = 0.9 * this.meanMs + 0.1 * result.ms;
          if (timedOut) return;
          if (result.ok) resolve(result);
          else reject(new WasimError(result.code, result.message, undefined, result.messageAr));
        },
        (e: unknown) => {
          this.pending--;
          clearTimeout(timer);
          if (timedOut) return;
          if (this.closed) {
            reject(WasimError.of('NOT_READY', 'shuttingDown', {}));
            return;
          }
          this.refused.workerFailed++;
          this.options.log?.error(e, 'a tagging thread stopped while tagging; it is replaced');
          reject(WasimError.of('WORKER_FAILED', 'stopped', { reason: String((e as Error)?.message ?? e) }));
        },
      );
    });
  }

  /**
   * Builds a vocabulary version's tagger in the threads before it serves, so the first requests
   * after a swap do not each wait for it. Best effort: a thread busy throughout builds it on its
   * first task of that version instead. Fails when the vocabulary does not load in a thread.
   */
  async prime(version: number, vocabulary: SharedArrayBuffer): Promise<void> {
    const runs = await Promise.allSettled(Array.from({ length: this.options.threads }, () => this.run({ version, vocabulary }, { background: true, deadlineMs: PRIME_DEADLINE_MS })));
    // A thread that died or is slow to start is no reason to keep the old vocabulary serving.
    const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !['WORKER_FAILED', 'TAG_TIMEOUT'].includes((r.reason as WasimError).code));
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}

/** Nice value added to the long-article lane's threads. */
export const LONG_LANE_NICE = 10;

export interface TagLanesOptions extends Omit<TagPoolOptions, 'nice'> {
  /** Articles (title + body) of at least this many characters go to the long lane (0: no lane). */
  longChars: number;
  /** Threads of the long lane (≥ 1 when it exists). */
  longThreads: number;
}

export interface TagLanesStats extends TagPoolStats {
  /** The lanes apart (totals above): articles shorter than `longChars`, and the long ones. */
  lanes: { standard: TagPoolStats; long?: TagPoolStats };
}

/**
 * The pools the service tags on: one for most articles and, with `longChars`, a lower-priority
 * one for long articles. Each has its own queue limit and its own threads; a task goes by the
 * length of its article (a task without one, readying a vocabulary version, goes to both).
 */
export class TagLanes {
  private readonly standard: TagPool;
  private readonly long: TagPool | undefined;

  constructor(private readonly options: TagLanesOptions) {
    const { longChars, longThreads, ...pool } = options;
    this.standard = new TagPool(pool);
    if (longChars > 0) this.long = new TagPool({ ...pool, threads: longThreads, nice: LONG_LANE_NICE });
  }

  /** Threads in all lanes. */
  get threads(): number {
    return this.standard.threads + (this.long?.threads ?? 0);
  }

  /** Every lane's threads as they are now. */
  get workers(): readonly Worker[] {
    return [...this.standard.workers, ...(this.long?.workers ?? [])];
  }

  private laneFor(task: TagTask): TagPool {
    const a = task.article;
    return this.long && a && a.title.length + a.body.length >= this.options.longChars ? this.long : this.standard;
  }

  run(task: TagTask, run: TagRunOptions = {}): Promise<TagTaskSuccess> {
    return this.laneFor(task).run(task, run);
  }

  async prime(version: number, vocabulary: SharedArrayBuffer): Promise<void> {
    await Promise.all([this.standard.prime(version, vocabulary), this.long?.prime(version, vocabulary)]);
  }

  stats(): TagLanesStats {
    const standard = this.standard.stats();
    const long = this.long?.stats();
    const lanes = long ? [standard, long] : [standard];
    const sum = (f: (s: TagPoolStats) => number) => lanes.reduce((n, s) => n + f(s), 0);
    return {
      threads: sum((s) => s.threads),
      busy: sum((s) => s.busy),
      queued: sum((s) => s.queued),
      maxQueue: sum((s) => s.maxQueue),
      tasks: sum((s) => s.tasks),
      busySeconds: sum((s) => s.busySeconds),
      refused: { queueFull: sum((s) => s.refused.queueFull), deadline: sum((s) => s.refused.deadline), workerFailed: sum((s) => s.refused.workerFailed) },
      lanes: long ? { standard, long } : { standard },
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.standard.close(), this.long?.close()]);
  }
}

/**
 * The queue a job's chunks wait in until a worker takes them. Two backends behind one
 * interface: pg-boss on PostgreSQL (any number of service instances and `wasim worker`
 * processes take from it; a chunk whose worker dies is handed on after its expiry), and an
 * in-process queue for SQLite, where one service is the only worker.
 */
import type { ChunkRef } from '../../storage/index.js';

export interface Tries {
  /** Tries before this one. */
  retryCount: number;
  /** Retries allowed after the first try. */
  retryLimit: number;
}

/** Runs one chunk; a rejection asks the queue to try again later (until the retries run out). */
export type ChunkHandler = (ref: ChunkRef, tries: Tries) => Promise<void>;

export interface QueueDepth {
  /** Chunks waiting for a worker (including those waiting to be retried). */
  queued: number;
  /** Chunks a worker holds now. */
  active: number;
}

/** What the queue knows of one chunk run: missing (never sent, or long archived), or its state. */
export type QueuedState = 'missing' | 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface ChunkQueue {
  readonly backend: 'in-process' | 'pg-boss';
  /** Connects; with a handler, also takes chunks (a process that only submits passes none). */
  start(handler?: ChunkHandler): Promise<void>;
  /** Idempotent: a chunk run sent twice is queued once. */
  enqueue(refs: readonly ChunkRef[]): Promise<void>;
  /** Chunk runs not taken yet are dropped; running ones are stopped by their job's status. */
  cancel(refs: readonly ChunkRef[]): Promise<void>;
  depth(): Promise<QueueDepth>;
  inspect(ref: ChunkRef): Promise<QueuedState>;
  /** Stops taking chunks and waits (bounded) for the ones running here. */
  stop(): Promise<void>;
}

export interface InProcessOptions {
  concurrency: number;
  retryLimit: number;
  /** First retry delay; doubled for each further retry. */
  retryDelayMs: number;
  log?: { error(obj: unknown, msg?: string): void };
}

interface Item {
  ref: ChunkRef;
  retryCount: number;
  notBefore: number;
}

const keyOf = (r: ChunkRef) => `${r.jobId}:${r.seq}:${r.attempt}`;

/** One process's queue: chunks in memory, run in order, `concurrency` at a time, between other work. */
export class InProcessQueue implements ChunkQueue {
  readonly backend = 'in-process' as const;
  private readonly items: Item[] = [];
  private readonly known = new Set<string>();
  private handler: ChunkHandler | undefined;
  private waiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private loops: Promise<void>[] = [];
  private stopping = false;
  private activeCount = 0;

  constructor(private readonly options: InProcessOptions) {}

  async start(handler?: ChunkHandler): Promise<void> {
    if (!handler) return;
    this.handler = handler;
    for (let i = 0; i < Math.max(1, this.options.concurrency); i++) this.loops.push(this.loop());
  }

  async enqueue(refs: readonly ChunkRef[]): Promise<void> {
    for (const ref of refs) {
      const key = keyOf(ref);
      if (this.known.has(key)) continue;
      this.known.add(key);
      this.items.push({ ref, retryCount: 0, notBefore: 0 });
    }
    this.poke();
  }

  async cancel(refs: readonly ChunkRef[]): Promise<void> {
    const drop = new Set(refs.map(keyOf));
    for (let i = this.items.length - 1; i >= 0; i--) {
      const key = keyOf(this.items[i]!.ref);
      if (drop.has(key)) {
        this.items.splice(i, 1);
        this.known.delete(key);
      }
    }
  }

  async depth(): Promise<QueueDepth> {
    return { queued: this.items.length, active: this.activeCount };
  }

  async inspect(ref: ChunkRef): Promise<QueuedState> {
    return this.known.has(keyOf(ref)) ? 'waiting' : 'unknown';
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.poke();
    await Promise.allSettled(this.loops);
  }

  private poke(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private next(): Item | undefined | number {
    const now = Date.now();
    let soonest = Infinity;
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (item.notBefore <= now) return this.items.splice(i, 1)[0];
      soonest = Math.min(soonest, item.notBefore);
    }
    return soonest === Infinity ? undefined : soonest - now;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const item = this.next();
      if (item === undefined || typeof item === 'number') {
        await new Promise<void>((resolve) => {
          this.waiters.push(resolve);
          if (typeof item === 'number') {
            clearTimeout(this.timer);
            this.timer = setTimeout(() => this.poke(), item);
          }
        });
        continue;
      }
      this.activeCount++;
      try {
        await this.handler!(item.ref, { retryCount: item.retryCount, retryLimit: this.options.retryLimit });
        this.known.delete(keyOf(item.ref));
      } catch (e) {
        if (item.retryCount < this.options.retryLimit) {
          this.items.push({ ref: item.ref, retryCount: item.retryCount + 1, notBefore: Date.now() + this.options.retryDelayMs * 2 ** item.retryCount });
        } else {
          this.known.delete(keyOf(item.ref));
          this.options.log?.error(e, `job ${item.ref.jobId} chunk ${item.ref.seq + 1}: giving up after ${item.retryCount + 1} tries`);
        }
      } finally {
        this.activeCount--;
      }
      // Chunks are background work: requests get the event loop between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    clearTimeout(this.timer);
  }
}

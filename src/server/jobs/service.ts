/**
 * Background jobs: one API over both queues. A job is submitted with its chunks, which the
 * queue hands to workers (this process among them, unless it only submits); progress,
 * results and failures go to the job store, so `GET /v1/jobs/:id` reads the same on every
 * instance. Kinds (re-tag, vocabulary import; later learning refits, discovery refreshes,
 * feed polls) register a runner for one chunk.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ERRORS, isWasimError, WasimError } from '../../core/index.js';
import type { ChunkRef, Job, JobChunk, JobWithSpec, NewJob, Repository } from '../../storage/index.js';
import type { ChunkQueue, QueueDepth, Tries } from './queue.js';

export interface ChunkRun {
  job: JobWithSpec;
  chunk: JobChunk;
  ref: ChunkRef;
  /** This worker's instance id. */
  worker: string;
  /**
   * Records how much of the chunk is done. False: stop now and return 'stopped' — the job was
   * cancelled or retried, or another worker finished the chunk.
   */
  progress(done: number): Promise<boolean>;
}

export type ChunkOutcome = { done: number; result?: Record<string, unknown> } | 'stopped';

export interface JobKind {
  readonly name: string;
  run(run: ChunkRun): Promise<ChunkOutcome>;
}

export interface JobServiceOptions {
  /** Take chunks in this process (false: submit only, e.g. an instance that only serves HTTP). */
  work: boolean;
  /** How often to look for chunks the queue lost track of (PostgreSQL), ms; 0: never. */
  sweepMs: number;
  /** A chunk not touched for this long is checked against the queue (ms). */
  staleMs: number;
  log: { info(msg: string): void; warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export interface JobsSnapshot {
  backend: ChunkQueue['backend'];
  depth: QueueDepth;
  /** Jobs queued or running, with their progress. */
  open: Job[];
}

const FINISHED = new Set(['done', 'failed', 'cancelled']);

function failureOf(e: unknown): { message: string; code?: string } {
  if (isWasimError(e)) return { message: e.message, code: e.code };
  return { message: (e as Error)?.message || String(e) };
}

/** Errors that another try cannot mend: bad input (the catalogue's 4xx codes). */
function isPermanent(e: unknown): boolean {
  return isWasimError(e) && ERRORS[e.code].status < 500;
}

export class JobService {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly kinds = new Map<string, JobKind>();
  private readonly waiters = new Map<number, Set<() => void>>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private started = false;

  constructor(
    private readonly repo: Repository,
    readonly queue: ChunkQueue,
    private readonly options: JobServiceOptions,
  ) {}

  register(kind: JobKind): void {
    this.kinds.set(kind.name, kind);
  }

  /** Connects the queue and, when this process works, starts taking chunks and resumes lost ones. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.queue.start(this.options.work ? (ref, tries) => this.handle(ref, tries) : undefined);
    if (this.queue.backend === 'in-process') {
      // The only worker of this database restarted: its unfinished chunks are queued again.
      const open = await this.repo.jobs.open();
      await this.queue.enqueue(open.map((c) => ({ jobId: c.jobId, seq: c.seq, attempt: c.attempt })));
      if (open.length) this.options.log.info(`jobs: resumed ${open.length} unfinished chunks`);
    } else if (this.options.sweepMs > 0) {
      this.sweeper = setInterval(() => void this.sweep(), this.options.sweepMs);
      this.sweeper.unref();
    }
  }

  async submit(job: NewJob): Promise<Job> {
    const created = await this.repo.jobs.create(job);
    const chunks = await this.repo.jobs.chunks(created.id);
    if (chunks.length === 0) {
      await this.repo.jobs.update(created.id, { status: 'done' });
      return (await this.repo.jobs.get(created.id))!;
    }
    await this.queue.enqueue(chunks.map((c) => ({ jobId: c.jobId, seq: c.seq, attempt: c.attempt })));
    return created;
  }

  async get(id: number): Promise<Job> {
    const job = await this.repo.jobs.get(id);
    if (!job) throw WasimError.of('NOT_FOUND', 'job', { id });
    return job;
  }

  async cancel(id: number): Promise<Job> {
    const { job, cancelled } = await this.repo.jobs.cancel(id);
    await this.queue.cancel(cancelled.map((c) => ({ jobId: c.jobId, seq: c.seq, attempt: c.attempt }))).catch((e) => this.options.log.warn(e, `job ${id}: queue cancel failed`));
    this.notify(id);
    return job;
  }

  async retry(id: number): Promise<Job> {
    const { job, queued } = await this.repo.jobs.retry(id);
    await this.queue.enqueue(queued.map((c) => ({ jobId: c.jobId, seq: c.seq, attempt: c.attempt })));
    return job;
  }

  /** Resolves with the job once it is done, failed or cancelled. */
  async waitFor(id: number, pollMs = 200): Promise<Job> {
    for (;;) {
      const job = await this.get(id);
      if (FINISHED.has(job.status)) return job;
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(id) ?? new Set();
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        set.add(done);
        this.waiters.set(id, set);
      });
      if (this.waiters.get(id)?.size === 0) this.waiters.delete(id);
    }
  }

  async snapshot(): Promise<JobsSnapshot> {
    const [depth, open] = await Promise.all([this.queue.depth(), this.repo.jobs.unfinished(50)]);
    return { backend: this.queue.backend, depth, open };
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.queue.stop();
  }

  private notify(jobId: number): void {
    for (const w of [...(this.waiters.get(jobId) ?? [])]) w();
  }

  /** One chunk run, as the queue hands it over. */
  private async handle(ref: ChunkRef, tries: Tries): Promise<void> {
    const claim = await this.repo.jobs.claim(ref, this.instanceId);
    if (!claim) return;
    try {
      const kind = this.kinds.get(claim.job.kind);
      if (!kind) throw WasimError.of('VALIDATION', 'unknownJobKind', { kind: claim.job.kind });
      const outcome = await kind.run({
        job: claim.job,
        chunk: claim.chunk,
        ref,
        worker: this.instanceId,
        progress: (done) => this.repo.jobs.progress(ref, done),
      });
      if (outcome !== 'stopped') await this.repo.jobs.complete(ref, outcome.done, outcome.result);
    } catch (e) {
      const final = isPermanent(e) || tries.retryCount >= tries.retryLimit;
      if (!isPermanent(e)) this.options.log.warn(e, `job ${ref.jobId} chunk ${ref.seq + 1} failed (try ${tries.retryCount + 1} of ${tries.retryLimit + 1})`);
      await this.repo.jobs.fail(ref, failureOf(e), final).catch((err) => this.options.log.warn(err, `job ${ref.jobId}: could not record the failure`));
      if (!final) throw e;
    } finally {
      this.notify(ref.jobId);
    }
  }

  /**
   * Chunks nobody has touched for a while are checked against the queue: one the queue never
   * got (the submitting instance died between the two writes) is sent again; one whose tries
   * ran out (its workers kept dying) fails its job instead of leaving it `running` for ever.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      // A bounded look per round; chunks found in order are touched, so each is looked at
      // about once per staleMs however long a big job's queue is.
      const stale = await this.repo.jobs.open(new Date(Date.now() - this.options.staleMs).toISOString(), 100);
      const fine: ChunkRef[] = [];
      for (const c of stale) {
        const ref = { jobId: c.jobId, seq: c.seq, attempt: c.attempt };
        const state = await this.queue.inspect(ref);
        if (state === 'missing') await this.queue.enqueue([ref]);
        else if (state === 'failed' || state === 'cancelled' || state === 'completed') {
          await this.repo.jobs.fail(ref, { message: c.error ?? 'its workers stopped before finishing it, and its retries ran out' }, true);
          this.notify(c.jobId);
          continue;
        }
        fine.push(ref);
      }
      await this.repo.jobs.touch(fine);
    } catch (e) {
      this.options.log.warn(e, 'jobs: sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}

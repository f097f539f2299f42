/**
 * Background jobs as the database keeps them: a job row (kind, status, the caller's params, the
 * kind's own spec, result or error) and its chunks — the pieces any worker may take (article id
 * ranges for a re-tag, one piece for a vocabulary import). A job's progress is the sum of its
 * chunks' progress. Which worker runs a chunk when is the queue's business (pg-boss on
 * PostgreSQL, an in-process queue on SQLite); this store only records what happened, and its
 * writes are conditional on the chunk's attempt so that a run cut short — cancelled, retried,
 * or taken over after its worker died — can no longer change anything.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { WasimError } from '../core/index.js';
import type { DialectKind } from './migrations.js';
import type { Database, JobStatus } from './schema.js';

export type ChunkStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const CHUNK_STATUSES: readonly ChunkStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

export interface JobChunksTable {
  job_id: number;
  seq: number;
  /** First and last article id of the range (inclusive); 0 and 0 for kinds without ranges. */
  first_id: number;
  last_id: number;
  status: ChunkStatus;
  total: number;
  done: number;
  /** Bumped by a retry of the job: runs of an earlier attempt write nothing any more. */
  attempt: number;
  /** How many times a worker started it (more than one: it was taken over or retried). */
  runs: number;
  /** The worker instance that last started it. */
  worker: string | null;
  error: string | null;
  updated_at: string;
}

export interface JobPayloadsTable {
  job_id: number;
  data: string;
}

interface JobTables extends Database {
  job_chunks: JobChunksTable;
  job_payloads: JobPayloadsTable;
}

export interface ChunkCounts {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  params: Record<string, unknown>;
  /** Articles (or entries) to do and done: the sums over the job's chunks. */
  total: number;
  done: number;
  error: string | null;
  /** The error catalogue's code of a failed job (e.g. BAD_VOCAB_LINE), when it has one. */
  errorCode: string | null;
  /** What a finished job produced (a vocabulary import's summary). */
  result: Record<string, unknown> | null;
  chunks: ChunkCounts;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A job with the kind's private plan (filter, target vocabulary version…), for workers. */
export interface JobWithSpec extends Job {
  spec: Record<string, unknown>;
}

export interface JobChunk {
  jobId: number;
  seq: number;
  firstId: number;
  lastId: number;
  status: ChunkStatus;
  total: number;
  done: number;
  attempt: number;
  runs: number;
  worker: string | null;
  error: string | null;
  updatedAt: string;
}

export interface ChunkPlan {
  firstId: number;
  lastId: number;
  total: number;
}

/** Names one run of a chunk: what a queue carries. */
export interface ChunkRef {
  jobId: number;
  seq: number;
  attempt: number;
}

export interface NewJob {
  kind: string;
  params: Record<string, unknown>;
  spec?: Record<string, unknown>;
  chunks?: ChunkPlan[];
  /** Large input the job reads once (an uploaded vocabulary file). */
  payload?: string;
}

export interface JobFailure {
  message: string;
  code?: string;
}

const now = (): string => new Date().toISOString();
const FINISHED: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function chunkFromRow(r: { [K in keyof JobChunksTable]: any }): JobChunk {
  return {
    jobId: Number(r.job_id),
    seq: Number(r.seq),
    firstId: Number(r.first_id),
    lastId: Number(r.last_id),
    status: r.status,
    total: Number(r.total),
    done: Number(r.done),
    attempt: Number(r.attempt),
    runs: Number(r.runs),
    worker: r.worker,
    error: r.error,
    updatedAt: r.updated_at,
  };
}

export function jobsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<any>) {
      // The job whose run last wrote an article's tags: a chunk run again skips what its job did.
      await db.schema.alterTable('articles').addColumn('tagged_job', 'integer').execute();
      await db.schema.alterTable('jobs').addColumn('spec', 'text', (c) => c.notNull().defaultTo('{}')).execute();
      await db.schema.alterTable('jobs').addColumn('result', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('error_code', 'text').execute();
      await db.schema
        .createTable('job_chunks')
        .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('first_id', 'integer', (c) => c.notNull())
        .addColumn('last_id', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed', 'cancelled')`))
        .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('worker', 'text')
        .addColumn('error', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_chunks_pk', ['job_id', 'seq'])
        .execute();
      await db.schema.createIndex('job_chunks_status').on('job_chunks').columns(['status', 'updated_at']).execute();
      await db.schema.createIndex('jobs_status').on('jobs').column('status').execute();
      await db.schema
        .createTable('job_payloads')
        .addColumn('job_id', 'integer', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      void kind;
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('job_payloads').ifExists().execute();
      await db.schema.dropTable('job_chunks').ifExists().execute();
    },
  };
}

export class JobStore {
  private readonly db: Kysely<JobTables>;
  constructor(
    db: Kysely<any>,
    private readonly kind: DialectKind,
  ) {
    this.db = db as Kysely<JobTables>;
  }

  async create(job: NewJob): Promise<Job> {
    const id = await this.db.transaction().execute(async (trx) => {
      const at = now();
      const chunks = job.chunks ?? [];
      const row = await trx
        .insertInto('jobs')
        .values({
          kind: job.kind,
          status: 'queued',
          params: JSON.stringify(job.params),
          spec: JSON.stringify(job.spec ?? {}),
          total: chunks.reduce((s, c) => s + c.total, 0),
          done: 0,
          error: null,
          created_at: at,
          updated_at: at,
          error_code: null,
          result: null,
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const jobId = Number(row.id);
      for (let i = 0; i < chunks.length; i += 400) {
        await trx
          .insertInto('job_chunks')
          .values(chunks.slice(i, i + 400).map((c, j) => ({ job_id: jobId, seq: i + j, first_id: c.firstId, last_id: c.lastId, status: 'queued' as const, total: c.total, done: 0, attempt: 0, runs: 0, worker: null, error: null, updated_at: at })))
          .execute();
      }
      if (job.payload !== undefined) await trx.insertInto('job_payloads').values({ job_id: jobId, data: job.payload }).execute();
      return jobId;
    });
    return (await this.get(id))!;
  }

  /** Job-level fields, for jobs without chunks. */
  async update(id: number, patch: Partial<Pick<Job, 'status' | 'total' | 'done' | 'error'>>): Promise<void> {
    const at = now();
    const finished = patch.status !== undefined && FINISHED.includes(patch.status);
    await this.db
      .updateTable('jobs')
      .set({ ...patch, updated_at: at, ...(finished ? { finished_at: at } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async get(id: number): Promise<Job | undefined> {
    const job = await this.getWithSpec(id);
    if (!job) return undefined;
    const { spec: _spec, ...rest } = job;
    return rest;
  }

  async getWithSpec(id: number): Promise<JobWithSpec | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const sums = await this.db
      .selectFrom('job_chunks')
      .select(['status', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum('total').as('total'), (eb) => eb.fn.sum('done').as('done')])
      .where('job_id', '=', id)
      .groupBy('status')
      .execute();
    const chunks: ChunkCounts = { total: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    let total = 0;
    let done = 0;
    for (const s of sums) {
      chunks[s.status as ChunkStatus] = Number(s.n);
      chunks.total += Number(s.n);
      total += Number(s.total);
      done += Number(s.done);
    }
    return {
      id: Number(row.id),
      kind: row.kind,
      status: row.status,
      params: parseJson<Record<string, unknown>>(row.params, {}),
      spec: parseJson<Record<string, unknown>>(row.spec, {}),
      total: chunks.total ? total : Number(row.total),
      done: chunks.total ? done : Number(row.done),
      error: row.error,
      errorCode: row.error_code ?? null,
      result: parseJson<Record<string, unknown> | null>(row.result ?? null, null),
      chunks,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      finishedAt: row.finished_at,
    };
  }

  /** Jobs not finished yet, oldest first (for metrics and the operator). */
  async unfinished(limit = 100): Promise<Job[]> {
    const rows = await this.db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).orderBy('id').limit(limit).execute();
    const jobs = await Promise.all(rows.map((r) => this.get(Number(r.id))));
    return jobs.filter((j): j is Job => j !== undefined);
  }

  async chunks(jobId: number): Promise<JobChunk[]> {
    const rows = await this.db.selectFrom('job_chunks').selectAll().where('job_id', '=', jobId).orderBy('seq').execute();
    return rows.map(chunkFromRow);
  }

  async payload(jobId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('job_payloads').select('data').where('job_id', '=', jobId).executeTakeFirst();
    return row?.data;
  }

  /**
   * A worker takes a chunk: it becomes `running` under this worker, and its job `running`.
   * Undefined when the run is stale: the job is finished or cancelled, the chunk done, or the
   * job was retried since this run was queued. A chunk already `running` may be taken: its
   * worker died and the queue handed it on.
   */
  async claim(ref: ChunkRef, worker: string): Promise<{ job: JobWithSpec; chunk: JobChunk } | undefined> {
    const at = now();
    const claimed = await this.db.transaction().execute(async (trx) => {
      const job = await trx.selectFrom('jobs').select('status').where('id', '=', ref.jobId).executeTakeFirst();
      if (!job || (job.status !== 'queued' && job.status !== 'running')) return false;
      const res = await trx
        .updateTable('job_chunks')
        .set({ status: 'running', worker, runs: sql<number>`runs + 1`, updated_at: at })
        .where('job_id', '=', ref.jobId)
        .where('seq', '=', ref.seq)
        .where('attempt', '=', ref.attempt)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      if (job.status === 'queued') await trx.updateTable('jobs').set({ status: 'running', updated_at: at }).where('id', '=', ref.jobId).where('status', '=', 'queued').execute();
      return true;
    });
    if (!claimed) return undefined;
    const [job, chunk] = await Promise.all([this.getWithSpec(ref.jobId), this.chunk(ref)]);
    return job && chunk ? { job, chunk } : undefined;
  }

  private async chunk(ref: Pick<ChunkRef, 'jobId' | 'seq'>): Promise<JobChunk | undefined> {
    const row = await this.db.selectFrom('job_chunks').selectAll().where('job_id', '=', ref.jobId).where('seq', '=', ref.seq).executeTakeFirst();
    return row ? chunkFromRow(row) : undefined;
  }

  /** Records progress; false when the run no longer owns the chunk (cancelled, retried, finished). */
  async progress(ref: ChunkRef, done: number): Promise<boolean> {
    const res = await this.db
      .updateTable('job_chunks')
      .set({ done, updated_at: now() })
      .where('job_id', '=', ref.jobId)
      .where('seq', '=', ref.seq)
      .where('attempt', '=', ref.attempt)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Marks the chunk done; the last chunk to finish finishes the job (with `result`). */
  async complete(ref: ChunkRef, done: number, result?: Record<string, unknown>): Promise<Job | undefined> {
    await this.db.transaction().execute(async (trx) => {
      const at = now();
      const res = await trx
        .updateTable('job_chunks')
        .set({ status: 'done', done, error: null, updated_at: at })
        .where('job_id', '=', ref.jobId)
        .where('seq', '=', ref.seq)
        .where('attempt', '=', ref.attempt)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return;
      if (result !== undefined) await trx.updateTable('jobs').set({ result: JSON.stringify(result) }).where('id', '=', ref.jobId).execute();
      await trx
        .updateTable('jobs')
        .set({ status: 'done', updated_at: at, finished_at: at })
        .where('id', '=', ref.jobId)
        .where('status', 'in', ['queued', 'running'])
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('job_chunks').select('seq').where('job_id', '=', ref.jobId).where('status', '<>', 'done'))))
        .execute();
      // A finished job's input (an uploaded file) is not needed any more; a failed one keeps it for a retry.
      await trx
        .deleteFrom('job_payloads')
        .where('job_id', '=', ref.jobId)
        .where(({ exists, selectFrom }) => exists(selectFrom('jobs').select('id').where('id', '=', ref.jobId).where('status', '=', 'done')))
        .execute();
    });
    return this.get(ref.jobId);
  }

  /**
   * A run failed. Not final: the chunk waits for the queue's next try (the error is kept).
   * Final: the chunk and its job fail, and the job's other chunks are not started any more.
   */
  async fail(ref: ChunkRef, failure: JobFailure, final: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const at = now();
      const res = await trx
        .updateTable('job_chunks')
        .set({ status: final ? 'failed' : 'queued', error: failure.message, updated_at: at })
        .where('job_id', '=', ref.jobId)
        .where('seq', '=', ref.seq)
        .where('attempt', '=', ref.attempt)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (!final || Number(res.numUpdatedRows) !== 1) return;
      await trx
        .updateTable('jobs')
        .set({ status: 'failed', error: failure.message, error_code: failure.code ?? null, updated_at: at, finished_at: at })
        .where('id', '=', ref.jobId)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      await trx.updateTable('job_chunks').set({ status: 'cancelled', updated_at: at }).where('job_id', '=', ref.jobId).where('status', '=', 'queued').execute();
    });
  }

  /** Cancels a queued or running job: chunks not done are cancelled, running ones stop at their next step. */
  async cancel(id: number): Promise<{ job: Job; cancelled: JobChunk[] }> {
    const cancelled = await this.db.transaction().execute(async (trx) => {
      const job = await this.lockJob(trx, id);
      if (job.status === 'cancelled') return [];
      if (job.status !== 'queued' && job.status !== 'running') throw WasimError.of('CONFLICT', 'jobNotCancellable', { id, status: job.status });
      const at = now();
      const open = await trx.selectFrom('job_chunks').selectAll().where('job_id', '=', id).where('status', 'in', ['queued', 'running']).execute();
      await trx.updateTable('job_chunks').set({ status: 'cancelled', updated_at: at }).where('job_id', '=', id).where('status', 'in', ['queued', 'running']).execute();
      await trx.updateTable('jobs').set({ status: 'cancelled', updated_at: at, finished_at: at }).where('id', '=', id).execute();
      return open.map(chunkFromRow);
    });
    return { job: (await this.get(id))!, cancelled };
  }

  /** Runs a failed or cancelled job again: chunks not done are queued under a new attempt. */
  async retry(id: number): Promise<{ job: Job; queued: JobChunk[] }> {
    await this.db.transaction().execute(async (trx) => {
      const job = await this.lockJob(trx, id);
      if (job.status !== 'failed' && job.status !== 'cancelled') throw WasimError.of('CONFLICT', 'jobNotRetryable', { id, status: job.status });
      const at = now();
      await trx
        .updateTable('job_chunks')
        .set({ status: 'queued', attempt: sql<number>`attempt + 1`, error: null, updated_at: at })
        .where('job_id', '=', id)
        .where('status', '<>', 'done')
        .execute();
      await trx.updateTable('jobs').set({ status: 'queued', error: null, error_code: null, updated_at: at, finished_at: null }).where('id', '=', id).execute();
    });
    const queued = (await this.chunks(id)).filter((c) => c.status === 'queued');
    return { job: (await this.get(id))!, queued };
  }

  private async lockJob(trx: Kysely<JobTables>, id: number): Promise<{ status: JobStatus }> {
    let q = trx.selectFrom('jobs').select('status').where('id', '=', id);
    if (this.kind === 'postgres') q = q.forUpdate();
    const job = await q.executeTakeFirst();
    if (!job) throw WasimError.of('NOT_FOUND', 'job', { id });
    return job;
  }

  /** Marks chunks as looked at now (they leave the sweep's list of stale chunks for a while). */
  async touch(refs: readonly ChunkRef[]): Promise<void> {
    const at = now();
    for (const ref of refs) {
      await this.db.updateTable('job_chunks').set({ updated_at: at }).where('job_id', '=', ref.jobId).where('seq', '=', ref.seq).where('attempt', '=', ref.attempt).where('status', 'in', ['queued', 'running']).execute();
    }
  }

  /** Chunks still to do of jobs still open, oldest first, not touched since `before` (all when absent). */
  async open(before?: string, limit = 10_000): Promise<JobChunk[]> {
    let q = this.db
      .selectFrom('job_chunks as c')
      .innerJoin('jobs as j', 'j.id', 'c.job_id')
      .selectAll('c')
      .where('c.status', 'in', ['queued', 'running'])
      .where('j.status', 'in', ['queued', 'running']);
    if (before !== undefined) q = q.where('c.updated_at', '<', before);
    const rows = await (before !== undefined ? q.orderBy('c.updated_at') : q.orderBy('c.job_id').orderBy('c.seq')).limit(limit).execute();
    return rows.map(chunkFromRow);
  }
}

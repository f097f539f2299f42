/**
 * The chunk queue on PostgreSQL, through pg-boss (10.x: the line that supports Node 20). Every
 * service instance and `wasim worker` process sharing the database takes chunks from one
 * pg-boss queue with SKIP LOCKED, so each chunk run goes to one worker at a time. A chunk held
 * longer than its expiry — its worker was killed, or lost the database — is failed by pg-boss's
 * maintenance and retried by whichever worker asks next; the job store and the idempotent
 * re-tag make that second run finish the work without writing anything twice.
 *
 * pg-boss keeps its tables in a schema of its own next to wasim's: `pgboss` beside `public`,
 * `<schema>_pgboss` beside `?schema=<schema>`.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { ChunkRef } from '../../storage/index.js';
import type { ChunkHandler, ChunkQueue, QueueDepth, QueuedState } from './queue.js';

export const QUEUE_NAME = 'wasim-chunks';

export interface PgBossQueueOptions {
  /** Seconds a worker may hold a chunk before it is taken for dead and the chunk handed on. */
  expireSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  /** How often an idle worker asks for a chunk. */
  pollSeconds: number;
  /** How often expired chunks are looked for (one instance does it at a time). */
  maintenanceSeconds: number;
  /** Chunks run at once in this process. */
  concurrency: number;
  /** Connections pg-boss opens in this process. */
  poolSize?: number;
  log?: { warn(obj: unknown, msg?: string): void };
}

/** The pg-boss connection string and schema for a wasim DATABASE_URL. */
export function pgBossTarget(databaseUrl: string): { connectionString: string; schema: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema: schema === 'public' ? 'pgboss' : `${schema}_pgboss`.slice(0, 63) };
}

/** A chunk run's pg-boss id: the same run always gets the same id, so sending it twice is harmless. */
export function chunkJobId(schema: string, ref: ChunkRef): string {
  const h = createHash('sha256').update(`wasim:${schema}:${ref.jobId}:${ref.seq}:${ref.attempt}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The connection broke (server restarted, connection terminated), as opposed to a bad query. */
export function isConnectionError(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  return /connection terminated|connection error|not queryable|terminating connection|the database system is (starting|shutting)/i.test((e as Error)?.message ?? '');
}

/**
 * pg-boss's connection, ours: a query that loses its connection is tried again on a new one for
 * a while (a restarting server). pg-boss sends a chunk's completion without waiting for it, so a
 * failure there would otherwise surface as an unhandled rejection and end the process.
 */
function resilientDb(pool: pg.Pool, retryForMs: number) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      const deadline = Date.now() + retryForMs;
      for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
        try {
          return await pool.query(text, values as unknown[]);
        } catch (e) {
          if (!isConnectionError(e) || Date.now() + wait > deadline) throw e;
          await sleep(wait);
        }
      }
    },
  };
}

export class PgBossQueue implements ChunkQueue {
  readonly backend = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private started = false;

  constructor(
    databaseUrl: string,
    private readonly options: PgBossQueueOptions,
  ) {
    const target = pgBossTarget(databaseUrl);
    this.schema = target.schema;
    this.pool = new pg.Pool({ connectionString: target.connectionString, max: options.poolSize ?? 4, ...(new URL(databaseUrl).searchParams.has('application_name') ? {} : { application_name: 'wasim-pgboss' }) });
    // An idle connection losing its server must not end the process; the next query reconnects.
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
    this.boss = new PgBoss({
      db: resilientDb(this.pool, 30_000),
      schema: target.schema,
      supervise: true,
      schedule: false,
      migrate: true,
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      // Finished chunk runs are history: archived after an hour, deleted after a week.
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 7,
    });
    // Without a listener an 'error' event (a lost connection during maintenance) would end the process.
    this.boss.on('error', (e) => options.log?.warn({ err: e }, 'job queue: ' + (e as Error).message));
  }

  async start(handler?: ChunkHandler): Promise<void> {
    await this.boss.start();
    this.started = true;
    await this.boss.createQueue(QUEUE_NAME, {
      name: QUEUE_NAME,
      policy: 'standard',
      retryLimit: this.options.retryLimit,
      retryDelay: this.options.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: this.options.expireSeconds,
    });
    if (!handler) return;
    for (let i = 0; i < Math.max(1, this.options.concurrency); i++) {
      let workerId = '';
      workerId = await this.boss.work<ChunkRef>(QUEUE_NAME, { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds, includeMetadata: true }, async (jobs) => {
        for (const job of jobs) await handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
        // After a chunk, ask for the next one at once instead of waiting out the polling interval.
        if (jobs.length && workerId) this.boss.notifyWorker(workerId);
      });
    }
  }

  async enqueue(refs: readonly ChunkRef[]): Promise<void> {
    if (refs.length === 0) return;
    for (let i = 0; i < refs.length; i += 500) {
      await this.boss.insert(
        refs.slice(i, i + 500).map((ref) => ({
          id: chunkJobId(this.schema, ref),
          name: QUEUE_NAME,
          data: { jobId: ref.jobId, seq: ref.seq, attempt: ref.attempt },
          retryLimit: this.options.retryLimit,
          retryDelay: this.options.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: this.options.expireSeconds,
        })),
      );
    }
  }

  async cancel(refs: readonly ChunkRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.boss.cancel(
      QUEUE_NAME,
      refs.map((r) => chunkJobId(this.schema, r)),
    );
  }

  async depth(): Promise<QueueDepth> {
    const queued = await this.boss.getQueueSize(QUEUE_NAME);
    const notFinished = await this.boss.getQueueSize(QUEUE_NAME, { before: 'completed' });
    return { queued, active: Math.max(0, notFinished - queued) };
  }

  async inspect(ref: ChunkRef): Promise<QueuedState> {
    const job = await this.boss.getJobById(QUEUE_NAME, chunkJobId(this.schema, ref), { includeArchive: true });
    if (!job) return 'missing';
    switch (job.state) {
      case 'created':
      case 'retry':
        return 'waiting';
      case 'active':
      case 'completed':
      case 'failed':
      case 'cancelled':
        return job.state;
      default:
        return 'unknown';
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // Lets the chunks running here finish (up to 30 s); what is still running then is handed on.
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    await this.pool.end();
  }
}

/** The job service for a configuration: pg-boss on PostgreSQL, the in-process queue on SQLite. */
import type { Repository } from '../../storage/index.js';
import type { ServerConfig } from '../config.js';
import { PgBossQueue } from './pgboss-queue.js';
import { InProcessQueue, type ChunkQueue } from './queue.js';
import { JobService, type JobServiceOptions } from './service.js';
import { retagKind } from './retag.js';
import { importKind } from './vocabulary-import.js';
import type { TaggerService } from '../tagger-service.js';
import type { WasimService } from '../service.js';

export { JobService, type ChunkOutcome, type ChunkRun, type JobKind, type JobsSnapshot } from './service.js';
export { RETAG_KIND, retagKind, type RetagSpec } from './retag.js';
export { IMPORT_KIND, importKind, type ImportSpec } from './vocabulary-import.js';

type Log = JobServiceOptions['log'];

export function createQueue(config: ServerConfig, repo: Repository, log: Log): ChunkQueue {
  if (repo.kind === 'postgres') {
    return new PgBossQueue(config.databaseUrl, {
      expireSeconds: config.jobExpireSeconds,
      retryLimit: config.jobRetryLimit,
      retryDelaySeconds: 1,
      pollSeconds: config.jobPollMs / 1000,
      maintenanceSeconds: config.jobMaintenanceSeconds,
      concurrency: config.jobConcurrency,
      log,
    });
  }
  return new InProcessQueue({ concurrency: config.jobConcurrency, retryLimit: config.jobRetryLimit, retryDelayMs: 1000, log });
}

export function createJobService(config: ServerConfig, repo: Repository, log: Log, options: { work?: boolean } = {}): JobService {
  return new JobService(repo, createQueue(config, repo, log), {
    // On SQLite this process is the only worker there is.
    work: repo.kind === 'sqlite' ? true : (options.work ?? config.runJobs),
    sweepMs: Math.max(1000, config.jobMaintenanceSeconds * 1000),
    // Past its expiry plus a maintenance round, a chunk the queue still holds has been handed on.
    staleMs: (config.jobExpireSeconds + 2 * config.jobMaintenanceSeconds) * 1000,
    log,
  });
}

/** The kinds every worker runs; one place, so a service instance and `wasim worker` agree. */
export function registerJobKinds(jobs: JobService, deps: { config: ServerConfig; repo: Repository; service: WasimService; tagger: TaggerService }): void {
  jobs.register(importKind({ repo: deps.repo, databaseUrl: deps.config.databaseUrl, onImported: () => void deps.service.vocabularyChanged(false) }));
  jobs.register(
    retagKind({
      repo: deps.repo,
      tagForStore: (articles) => deps.service.tagForStore(articles),
      ensureVersion: async (version) => {
        const serving = await deps.tagger.upToDate();
        if (serving.version < version) throw new Error(`the tagger serves vocabulary version ${serving.version}, the job needs ${version}`);
      },
    }),
  );
}

/**
 * The re-tag job: stored articles tagged again with the current vocabulary, in chunks of
 * article id ranges. A chunk run writes each article with the job's id (repo.retagArticle), so
 * a run taken over from a dead worker, or retried, skips what an earlier run did and the
 * progress it reports counts each article once.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ArticleFilter, NewTag, Repository } from '../../storage/index.js';
import type { ChunkOutcome, ChunkRun, JobKind } from './service.js';

export const RETAG_KIND = 'retag';

export interface RetagSpec {
  filter: ArticleFilter;
  /** The vocabulary version when the job was submitted: the tagger must be at least this new. */
  targetVersion: number;
}

export interface RetagDeps {
  repo: Repository;
  /** Tags articles as they are stored (the service's one tagging call for background work). */
  tagForStore(articles: readonly { title: string; body: string }[]): Promise<{ version: number; tags: NewTag[][] }>;
  /** Resolves once this process's tagger serves vocabulary version `version` or newer. */
  ensureVersion(version: number): Promise<void>;
  /** Articles tagged between two progress writes (and cancellation checks). */
  batchSize?: number;
}

export function retagKind(deps: RetagDeps): JobKind {
  const batchSize = deps.batchSize ?? 25;
  return {
    name: RETAG_KIND,
    async run({ job, chunk, progress }: ChunkRun): Promise<ChunkOutcome> {
      const spec = job.spec as unknown as RetagSpec;
      await deps.ensureVersion(spec.targetVersion);
      const range = { firstId: chunk.firstId, lastId: chunk.lastId };
      // What an earlier run of this chunk did counts as done; it is not done again.
      let done = Math.max(0, chunk.total - (await deps.repo.countArticlesToRetag(spec.filter, range, job.id)));
      if (!(await progress(done))) return 'stopped';
      for (;;) {
        const batch = await deps.repo.articlesToRetag(spec.filter, range, job.id, batchSize);
        if (batch.length === 0) break;
        const { version, tags } = await deps.tagForStore(batch);
        for (let i = 0; i < batch.length; i++) await deps.repo.retagArticle(batch[i]!.id, tags[i]!, version, job.id);
        done = Math.min(chunk.total, done + batch.length);
        if (!(await progress(done))) return 'stopped';
        await yieldToEventLoop();
      }
      return { done: chunk.total };
    },
  };
}

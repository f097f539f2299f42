/**
 * The vocabulary import job (POST /v1/vocabulary/import): one chunk. The uploaded file is kept
 * with the job, so whichever worker takes the chunk can read it, and a worker that dies leaves
 * it for the next. Parsing and planning run in a worker thread; the main thread only writes the
 * planned batches in one transaction, yielding between them, so requests keep being answered
 * while a million-line file is imported. The tagger is recompiled afterwards (off the event loop
 * too for large vocabularies).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { ERRORS, WasimError, type ErrorCode, type VocabFormat } from '../../core/index.js';
import type { Repository, VocabularyImportPlan } from '../../storage/index.js';
import type { ChunkOutcome, ChunkRun, JobKind } from './service.js';

export const IMPORT_KIND = 'vocabulary-import';

export interface ImportSpec {
  format: VocabFormat;
  mode: 'merge' | 'replace';
}

interface Prepared {
  plan: VocabularyImportPlan;
  entries: number;
  warnings: { line: number; message: string }[];
}

function prepareInWorker(databaseUrl: string, jobId: number, spec: ImportSpec): Promise<Prepared> {
  const worker = new Worker(new URL('./import-worker.js', import.meta.url), { workerData: { databaseUrl, jobId, format: spec.format, mode: spec.mode } });
  return new Promise<Prepared>((resolve, reject) => {
    worker.once('message', (m: ({ ok: true } & Prepared) | { ok: false; error: { message: string; code?: string; messageAr?: string } }) => {
      if (m.ok) resolve(m);
      else reject(m.error.code && m.error.code in ERRORS ? new WasimError(m.error.code as ErrorCode, m.error.message, undefined, m.error.messageAr) : new Error(m.error.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the import worker exited with code ${code}`)));
  });
}

class Cancelled extends Error {}

export function importKind(deps: { repo: Repository; databaseUrl: string; onImported(): void }): JobKind {
  return {
    name: IMPORT_KIND,
    async run({ job, chunk, progress }: ChunkRun): Promise<ChunkOutcome> {
      const spec = job.spec as unknown as ImportSpec;
      const prepared = await prepareInWorker(deps.databaseUrl, job.id, spec);
      if (!(await progress(0))) return 'stopped';
      let summary;
      try {
        summary = await deps.repo.applyVocabularyImport(prepared.plan, async (step) => {
          // Between batches: other requests get the event loop. On PostgreSQL a cancel is seen
          // here (another connection) and rolls the import back; SQLite's one connection is busy.
          if (deps.repo.kind === 'postgres' && step % 50 === 0 && !(await progress(0))) throw new Cancelled();
          await yieldToEventLoop();
        });
      } catch (e) {
        if (e instanceof Cancelled) return 'stopped';
        throw e;
      }
      deps.onImported();
      return { done: chunk.total, result: { ...summary, entries: prepared.entries, warnings: prepared.warnings } };
    },
  };
}

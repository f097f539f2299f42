/**
 * Worker thread of a vocabulary import: reads the uploaded file from the job's payload, parses
 * it and works out what it changes against the stored vocabulary — the CPU-heavy half, kept off
 * the event loop. The plan goes back as JSON batches that the main thread writes one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isWasimError, parseVocabulary, WasimError, type VocabFormat } from '../../core/index.js';
import { openRepository } from '../../storage/index.js';

const { databaseUrl, jobId, format, mode } = workerData as { databaseUrl: string; jobId: number; format: VocabFormat; mode: 'merge' | 'replace' };
const repo = openRepository(databaseUrl);
try {
  const text = await repo.jobs.payload(jobId);
  if (text === undefined) throw WasimError.of('NOT_FOUND', 'importFile', { id: jobId });
  const { entries, warnings } = parseVocabulary(text, format, 'import');
  if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'importNoEntries', {});
  const plan = await repo.planVocabularyImport(entries, mode);
  parentPort!.postMessage({ ok: true, plan, entries: entries.length, warnings: warnings.slice(0, 200) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: { message: (e as Error)?.message ?? String(e), ...(isWasimError(e) ? { code: e.code, messageAr: e.messageAr } : {}) } });
} finally {
  await repo.close();
}

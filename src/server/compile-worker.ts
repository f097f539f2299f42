/**
 * Worker thread: compiles a vocabulary off the service's event loop and sends it back serialized.
 * Given the entries, it compiles those; given a database URL, it reads the vocabulary (and its
 * version) itself — reading and copying a large vocabulary stalls the event loop as much as
 * compiling it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileVocabulary, serializeCompiled, type VocabEntry } from '../core/index.js';
import { defaultHints } from '../node/vocab-file.js';
import { openRepository } from '../storage/index.js';

const data = workerData as { entries?: VocabEntry[]; databaseUrl?: string; hints: boolean; shared?: boolean };
try {
  let entries = data.entries ?? [];
  let version: number | undefined;
  if (data.databaseUrl) {
    const repo = openRepository(data.databaseUrl);
    try {
      // Version first: entries read after it are at least that new (as TaggerService does).
      version = await repo.vocabularyVersion();
      entries = await repo.allVocabulary();
    } finally {
      await repo.close();
    }
  }
  const compiled = compileVocabulary(entries, data.hints ? defaultHints() : {});
  const bytes = serializeCompiled(compiled);
  if (data.shared) {
    // For the service's tagging threads, which all read one copy: made here, off the event loop.
    const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
    out.set(bytes);
    parentPort!.postMessage({ ok: true, compiled: out, version, size: entries.length });
  } else {
    // Handed over, not copied: the serialised form of a big vocabulary is tens of megabytes.
    parentPort!.postMessage({ ok: true, compiled: bytes, version, size: entries.length }, [bytes.buffer as ArrayBuffer]);
  }
} catch (e) {
  parentPort!.postMessage({ ok: false, error: (e as Error).message });
}

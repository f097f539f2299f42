/** Worker thread: compiles a vocabulary off the service's event loop and sends it back serialized. */
import { parentPort, workerData } from 'node:worker_threads';
import { compileVocabulary, serializeCompiled, type VocabEntry } from '../core/index.js';
import { defaultHints } from '../node/vocab-file.js';

const { entries, hints, shared } = workerData as { entries: VocabEntry[]; hints: boolean; shared?: boolean };
try {
  const compiled = compileVocabulary(entries, hints ? defaultHints() : {});
  const bytes = serializeCompiled(compiled);
  if (shared) {
    // For the service's tagging threads, which all read one copy: made here, off the event loop.
    const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
    out.set(bytes);
    parentPort!.postMessage({ ok: true, compiled: out });
  } else {
    // Handed over, not copied: the serialised form of a big vocabulary is tens of megabytes.
    parentPort!.postMessage({ ok: true, compiled: bytes }, [bytes.buffer as ArrayBuffer]);
  }
} catch (e) {
  parentPort!.postMessage({ ok: false, error: (e as Error).message });
}

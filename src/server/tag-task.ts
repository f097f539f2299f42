/**
 * What the service's tagging threads (tag-pool.ts, tag-worker.ts) exchange, and the part of the
 * work that runs in a thread: a tagger per vocabulary version, built from the compiled
 * vocabulary's serialised bytes.
 *
 * The bytes live in a SharedArrayBuffer made once per vocabulary version. A task names the
 * version and carries that buffer, which crosses to the thread as shared memory, not as a copy
 * (a few microseconds a message, measured, against milliseconds of tagging):
 * a thread builds a version's tagger the first time it meets it (the integer columns of the
 * loaded vocabulary stay views into the shared bytes) and reuses it for every later task of that
 * version. A thread keeps the two newest versions it has seen, so the requests still running on
 * the old vocabulary during a swap keep their tagger while the new one serves.
 */
import { deserializeCompiled, WasimError, type AdaptationModel, type CompiledVocabulary, type ErrorCode, type Tagger, type TaggerOptions, type TagOptions, type TagResult } from '../core/index.js';
import { toOutputLine } from '../node/output.js';
import { createNodeTagger } from '../node/tagger.js';

/**
 * compileVocabulary refuses an empty list; an editor may still delete every entry. The tagger
 * then runs on a sentinel entry no text contains, and a result with its id is dropped.
 */
export const EMPTY_VOCABULARY_ID = '\u0000wasim-empty-vocabulary';

/** Settings every thread of a pool shares (Piscina's workerData). */
export interface TagWorkerData {
  tagger: Pick<TaggerOptions, 'limits' | 'defaults'>;
}

export interface TagTask {
  version: number;
  /** The compiled vocabulary of `version`, serialised (serializeCompiled). */
  vocabulary: SharedArrayBuffer;
  /** The newsroom's adaptation to apply: its version and its model as UTF-8 JSON; absent: none. */
  adaptation?: { version: number; model: SharedArrayBuffer };
  /** Absent: only build the version's tagger (a thread made ready before a swap). */
  article?: { title: string; body: string };
  options?: TagOptions;
  /**
   * Answer with the CLI's output line as JSON text (POST /v1/tag) instead of the results: for a
   * long article, building and cloning thousands of mention objects back to the event loop
   * costs more there than sending one string.
   */
  line?: { id: unknown; explain: boolean };
  /**
   * One Int32 the thread sets to 1 when it takes the task up: at the deadline, a task still
   * queued is withdrawn, and one already running is left to finish and its result dropped.
   */
  started?: Int32Array;
}

export type TagTaskResult =
  | { ok: true; version: number; results: TagResult[]; line?: string; ms: number }
  | { ok: false; version: number; code: ErrorCode; message: string; messageAr: string; ms: number };

function withoutSentinel(results: TagResult[]): TagResult[] {
  return results.some((r) => r.id === EMPTY_VOCABULARY_ID) ? results.filter((r) => r.id !== EMPTY_VOCABULARY_ID) : results;
}

/**
 * The taggers of the vocabulary versions a thread has met. The newest is always kept; an older
 * one only while tasks still ask for it (requests that started before a swap), and never more
 * than `keep` in all: a big vocabulary's tagger is hundreds of megabytes per thread.
 */
export class VersionedTaggers {
  private readonly byVersion = new Map<number, { tagger: Tagger; compiled: CompiledVocabulary; adapted: Map<number, Tagger>; lastUsed: number }>();

  constructor(
    private readonly options: TagWorkerData['tagger'],
    private readonly keep = 2,
    /** An older version unused this long (ms) is dropped at the next task. */
    private readonly idleMs = 10_000,
  ) {}

  /** Versions held, oldest first (for tests). */
  get versions(): number[] {
    return [...this.byVersion.keys()].sort((a, b) => a - b);
  }

  taggerFor(version: number, vocabulary: SharedArrayBuffer, now = Date.now(), adaptation?: TagTask['adaptation']): Tagger {
    let held = this.byVersion.get(version);
    if (!held) {
      const compiled = deserializeCompiled(new Uint8Array(vocabulary));
      held = { tagger: createNodeTagger(compiled, this.options), compiled, adapted: new Map(), lastUsed: now };
      this.byVersion.set(version, held);
    }
    held.lastUsed = now;
    const newest = Math.max(...this.byVersion.keys());
    for (const [v, h] of this.byVersion) if (v !== newest && v !== version && now - h.lastUsed > this.idleMs) this.byVersion.delete(v);
    // Versions only grow, but a late task may bring back an old one: drop the oldest by number.
    while (this.byVersion.size > this.keep) this.byVersion.delete(Math.min(...this.byVersion.keys()));
    if (!adaptation) return held.tagger;
    // An adaptation's tagger shares the version's vocabulary; the two newest adaptations are kept.
    let adapted = held.adapted.get(adaptation.version);
    if (!adapted) {
      const model = JSON.parse(new TextDecoder().decode(new Uint8Array(adaptation.model))) as AdaptationModel;
      adapted = createNodeTagger(held.compiled, { ...this.options, adaptation: model });
      held.adapted.set(adaptation.version, adapted);
      while (held.adapted.size > 2) held.adapted.delete(Math.min(...held.adapted.keys()));
    }
    return adapted;
  }

  run(task: TagTask): TagTaskResult {
    const started = performance.now();
    if (task.started) Atomics.store(task.started, 0, 1);
    try {
      const tagger = this.taggerFor(task.version, task.vocabulary, Date.now(), task.adaptation);
      const results = task.article ? withoutSentinel(tagger.tag(task.article, task.options)) : [];
      if (task.line) return { ok: true, version: task.version, results: [], line: JSON.stringify(toOutputLine(task.line.id, results, task.line.explain)), ms: performance.now() - started };
      return { ok: true, version: task.version, results, ms: performance.now() - started };
    } catch (e) {
      // A WasimError's code does not survive the trip back as a thrown error: send it as data.
      const err = e instanceof WasimError ? e : WasimError.of('INTERNAL', 'unexpected', { reason: (e as Error)?.message || String(e) });
      return { ok: false, version: task.version, code: err.code, message: err.message, messageAr: err.messageAr, ms: performance.now() - started };
    }
  }
}

/** A tagger's results without the empty-vocabulary sentinel (the in-process path). */
export function dropSentinel(tagger: Tagger): Tagger {
  return {
    vocabulary: tagger.vocabulary,
    adaptation: tagger.adaptation,
    candidates: (article: unknown) => tagger.candidates(article).filter((c) => c.id !== EMPTY_VOCABULARY_ID),
    tag: (article: unknown, options?: TagOptions): TagResult[] => withoutSentinel(tagger.tag(article, options)),
  };
}

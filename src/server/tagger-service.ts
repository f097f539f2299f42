/**
 * Keeps the service's tagger in step with the vocabulary in the database, and tags with it. A
 * change compiles a new tagger in the background (a worker thread for large vocabularies, where
 * compiling takes long enough to stall requests) and swaps it in with one assignment: a request
 * holds the tagger it started with, so none is dropped or sees half a vocabulary. Other
 * instances sharing the database notice a new vocabulary version by polling.
 *
 * With a tagging pool (options.pool), articles are tagged on worker threads (tag-pool.ts). Each
 * version's compiled vocabulary is serialised once into a SharedArrayBuffer that every thread
 * reads; the threads are given the new version before it serves, and every result names the
 * version it was made with. Without one, tagging runs on the calling thread. A newsroom's
 * adaptation (learned from editors' decisions) reaches the threads the same way: its model, as
 * JSON in a SharedArrayBuffer made once per adaptation version, named by every task.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { compileVocabulary, deserializeCompiled, serializeCompiled, type AdaptationModel, type CompiledVocabulary, type Tagger, type TagOptions, type TagResult } from '../core/index.js';
import { toOutputLine } from '../node/output.js';
import { createNodeTagger } from '../node/tagger.js';
import { defaultHints } from '../node/vocab-file.js';
import type { KeyedEntry, Repository } from '../storage/index.js';
import { TagLanes, type TagLanesStats, type TagRunOptions } from './tag-pool.js';
import { dropSentinel, EMPTY_VOCABULARY_ID } from './tag-task.js';

/** Above this many entries compiling moves off the event loop (≈ 25 ms per 1000 entries inline). */
export const WORKER_THRESHOLD = 3000;

const SENTINEL: KeyedEntry = { id: EMPTY_VOCABULARY_ID, label: 'wasimemptyvocabularysentinelqzxj' };

export interface ServingTagger {
  /** The tagger requests use: the shipped model with the newsroom's adaptation, when one is on. */
  tagger: Tagger;
  /** The shipped model alone, on the same vocabulary: what learning observes decisions with. */
  base: Tagger;
  /** Version of the adaptation `tagger` applies; null: none. */
  adaptationVersion: number | null;
  /** That adaptation's model as JSON text in shared memory, for the tagging threads (with a pool only). */
  adaptationShared?: SharedArrayBuffer;
  /** Vocabulary version it was compiled from. */
  version: number;
  /** Tags in its vocabulary. */
  size: number;
  compiledAt: string;
  /** The compiled vocabulary serialised, shared with the tagging threads (with a pool only). */
  shared?: SharedArrayBuffer;
}

export interface TaggerServiceOptions {
  maxArticleChars: number;
  hints: boolean;
  defaults?: TagOptions;
  log?: { info(msg: string): void; error(obj: unknown, msg?: string): void };
  onCompile?: () => void;
  /**
   * Tag on worker threads; absent or `threads: 0`: on the calling thread. Articles of `longChars`
   * characters or more go to `longThreads` lower-priority threads of their own (longChars 0: not).
   */
  pool?: { threads: number; maxQueue: number; deadlineMs: number; longChars?: number; longThreads?: number };
  /** The repository's DATABASE_URL: a large vocabulary is then read by the compile worker itself. */
  databaseUrl?: string;
}

/** An article's tags and the vocabulary version they were made with. */
export interface VersionedTags {
  version: number;
  results: TagResult[];
}

/** A batch's tags, all made with one vocabulary version. */
export interface VersionedBatch {
  version: number;
  results: TagResult[][];
}

export interface TextArticle {
  title: string;
  body: string;
}

type CompileSource = { entries: KeyedEntry[] } | { databaseUrl: string };

export async function compileInWorker(entries: KeyedEntry[], hints: boolean): Promise<CompiledVocabulary> {
  return deserializeCompiled((await compileWorker({ entries }, hints)).bytes);
}

/**
 * The vocabulary compiled on a worker thread, in its serialised form (`shared`: in a
 * SharedArrayBuffer, for the tagging threads), from the given entries or read from the database
 * by the worker (then with the version it read).
 */
async function compileWorker(source: CompileSource, hints: boolean, shared = false): Promise<{ bytes: Uint8Array; version?: number; size: number }> {
  const worker = new Worker(new URL('./compile-worker.js', import.meta.url), { workerData: { ...source, hints, shared } });
  try {
    const m = await new Promise<{ compiled: Uint8Array; version?: number; size: number }>((resolve, reject) => {
      worker.once('message', (m: { ok: true; compiled: Uint8Array; version?: number; size: number } | { ok: false; error: string }) => (m.ok ? resolve(m) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`compile worker exited with code ${code}`)));
    });
    return { bytes: m.compiled, size: m.size, ...(m.version !== undefined ? { version: m.version } : {}) };
  } finally {
    void worker.terminate();
  }
}

export class TaggerService {
  private serving: ServingTagger | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private poller: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];
  private lastError: unknown;
  private readonly pool: TagLanes | undefined;
  private adaptation: { model: AdaptationModel; version: number; shared?: SharedArrayBuffer } | undefined;

  constructor(
    private readonly repo: Repository,
    private readonly options: TaggerServiceOptions,
  ) {
    const pool = options.pool;
    if (pool && pool.threads > 0) {
      this.pool = new TagLanes({
        ...pool,
        longChars: pool.longChars ?? 0,
        longThreads: pool.longThreads ?? 1,
        tagger: { limits: { maxChars: options.maxArticleChars }, ...(options.defaults ? { defaults: options.defaults } : {}) },
        ...(options.log ? { log: options.log } : {}),
      });
    }
  }

  /** The tagging pool's state (absent when tagging runs on the calling thread). */
  poolStats(): TagLanesStats | undefined {
    return this.pool?.stats();
  }

  /** The tagging pool itself, for operations tests (absent without one). */
  get tagPool(): TagLanes | undefined {
    return this.pool;
  }

  get current(): ServingTagger | undefined {
    return this.serving;
  }

  get ready(): boolean {
    return this.serving !== undefined;
  }

  /** Why the last compilation failed, while no compilation has succeeded since. */
  get failure(): string | undefined {
    return this.lastError === undefined ? undefined : this.lastError instanceof Error ? this.lastError.message : String(this.lastError);
  }

  /** The serving tagger; waits for the first compilation when there is none yet. */
  async get(): Promise<ServingTagger> {
    if (this.serving) return this.serving;
    if (!this.running) void this.refresh();
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.serving) throw this.lastError instanceof Error ? this.lastError : new Error('The tagger could not be compiled.');
    return this.serving;
  }

  /**
   * Compiles the vocabulary as it is now and swaps the result in. Calls during a compilation
   * coalesce into one more run after it, so a burst of edits costs at most two compilations.
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.compileNow();
            this.lastError = undefined;
          } catch (e) {
            this.lastError = e;
            this.options.log?.error(e, 'vocabulary compilation failed; the previous tagger keeps serving');
          }
        } while (this.again);
      } finally {
        this.running = undefined;
        for (const w of this.waiters.splice(0)) w();
      }
    })();
    return this.running;
  }

  /**
   * Applies an adaptation (or none) from now on. The serving tagger is swapped with one
   * assignment, as after a compilation: a request keeps the tagger it started with, so none fails
   * or sees half a model. A compilation running now picks the adaptation up when it finishes.
   */
  setAdaptation(adaptation: { model: AdaptationModel; version: number } | undefined): void {
    this.adaptation = adaptation ? { ...adaptation, ...(this.pool ? { shared: toShared(new TextEncoder().encode(JSON.stringify(adaptation.model))) } : {}) } : undefined;
    const s = this.serving;
    if (!s) return;
    this.serving = this.adapted(s, s.base.vocabulary, s.size === 0);
  }

  private taggerOptions() {
    return { limits: { maxChars: this.options.maxArticleChars }, ...(this.options.defaults ? { defaults: this.options.defaults } : {}) };
  }

  /** The serving record with the current adaptation applied to its vocabulary (or none). */
  private adapted(s: ServingTagger, compiled: CompiledVocabulary, empty: boolean): ServingTagger {
    const a = this.adaptation;
    const { adaptationShared: _old, ...rest } = s;
    if (!a) return { ...rest, tagger: s.base, adaptationVersion: null };
    const tagger = createNodeTagger(compiled, { ...this.taggerOptions(), adaptation: a.model });
    return { ...rest, tagger: empty ? dropSentinel(tagger) : tagger, adaptationVersion: a.version, ...(a.shared ? { adaptationShared: a.shared } : {}) };
  }

  /** What a pool task needs of the serving record's adaptation. */
  private taskAdaptation(serving: ServingTagger): { adaptation: { version: number; model: SharedArrayBuffer } } | Record<string, never> {
    return serving.adaptationVersion !== null && serving.adaptationShared ? { adaptation: { version: serving.adaptationVersion, model: serving.adaptationShared } } : {};
  }

  /** Resolves once the tagger reflects every vocabulary change committed before this call. */
  async upToDate(): Promise<ServingTagger> {
    const wanted = await this.repo.vocabularyVersion();
    for (let attempt = 0; attempt < 5; attempt++) {
      const s = this.serving;
      if (s && s.version >= wanted) return s;
      await this.refresh();
    }
    return this.get();
  }

  /** Tags one article with the serving vocabulary (on a thread of the pool when there is one). */
  async tag(article: TextArticle, options: TagOptions, run: TagRunOptions = {}): Promise<VersionedTags> {
    const serving = await this.get();
    return this.tagWith(serving, { title: article.title, body: article.body }, options, run);
  }

  /**
   * An article's CLI output line (see src/node/output.ts) as JSON text, made on a thread of the
   * pool when there is one: the event loop only passes the text on.
   */
  async tagLine(article: TextArticle, id: unknown, options: TagOptions, run: TagRunOptions = {}): Promise<{ version: number; json: string }> {
    const serving = await this.get();
    const line = { id: id ?? null, explain: !!options.explain };
    if (!this.pool || !serving.shared) {
      const results = serving.tagger.tag({ title: article.title, body: article.body }, options);
      return { version: serving.version, json: JSON.stringify(toOutputLine(line.id, results, line.explain)) };
    }
    const done = await this.pool.run({ version: serving.version, vocabulary: serving.shared, ...this.taskAdaptation(serving), article: { title: article.title, body: article.body }, options, line }, run);
    return { version: done.version, json: done.line! };
  }

  /**
   * Tags articles with one vocabulary version, the one serving when the call starts, whatever
   * swap happens meanwhile (a batch is stored with one version). On a pool, as many at a time as
   * there are threads, each with its own deadline: a batch never fills the queue by itself.
   * Rejects with the first article's error (BUSY, TAG_TIMEOUT, WORKER_FAILED, ...).
   */
  async tagBatch(articles: readonly TextArticle[], options: TagOptions, run: TagRunOptions = {}): Promise<VersionedBatch> {
    const serving = await this.get();
    const results = new Array<TagResult[]>(articles.length);
    if (!this.pool) {
      for (let i = 0; i < articles.length; i++) {
        results[i] = serving.tagger.tag({ title: articles[i]!.title, body: articles[i]!.body }, options);
        // Tagging is CPU work on the event loop: let other requests in between the articles.
        if (articles.length > 1) await yieldToEventLoop();
      }
      return { version: serving.version, results };
    }
    let next = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (!failed && next < articles.length) {
        const i = next++;
        try {
          results[i] = (await this.tagWith(serving, articles[i]!, options, run)).results;
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.pool.threads, articles.length) }, lane));
    return { version: serving.version, results };
  }

  private async tagWith(serving: ServingTagger, article: TextArticle, options: TagOptions, run: TagRunOptions): Promise<VersionedTags> {
    if (!this.pool || !serving.shared) return { version: serving.version, results: serving.tagger.tag({ title: article.title, body: article.body }, options) };
    const done = await this.pool.run({ version: serving.version, vocabulary: serving.shared, ...this.taskAdaptation(serving), article: { title: article.title, body: article.body }, options }, run);
    return { version: done.version, results: done.results };
  }

  private async compileNow(): Promise<void> {
    // Version first: entries read after it are at least that new, so a change racing this read
    // is picked up by the next poll rather than lost.
    let version = await this.repo.vocabularyVersion();
    if (this.serving && this.serving.version >= version) return;
    const started = Date.now();
    let compiled: CompiledVocabulary;
    let shared: SharedArrayBuffer | undefined;
    let empty = false;
    const big = async (source: CompileSource): Promise<CompiledVocabulary> => {
      const out = await compileWorker(source, this.options.hints, !!this.pool);
      if (out.version !== undefined) version = out.version;
      // With a pool, this thread reads the same shared bytes as the tagging threads.
      if (this.pool) shared = out.bytes.buffer instanceof SharedArrayBuffer ? out.bytes.buffer : toShared(out.bytes);
      return deserializeCompiled(shared ? new Uint8Array(shared) : out.bytes);
    };
    if (this.options.databaseUrl && (await this.repo.vocabularySize()) >= WORKER_THRESHOLD) {
      compiled = await big({ databaseUrl: this.options.databaseUrl });
    } else {
      const entries = await this.repo.allVocabulary();
      const list = entries.length ? entries : [SENTINEL];
      empty = entries.length === 0;
      if (list.length >= WORKER_THRESHOLD) compiled = await big({ entries: list });
      else {
        compiled = compileVocabulary(list, this.options.hints ? defaultHints() : {});
        if (this.pool) shared = toShared(serializeCompiled(compiled));
      }
    }
    const plain = createNodeTagger(compiled, this.taggerOptions());
    const base = empty ? dropSentinel(plain) : plain;
    // The adaptation is read after compiling: one swapped in meanwhile is the one to apply.
    const serving: ServingTagger = this.adapted({
      tagger: base,
      base,
      adaptationVersion: null,
      version,
      size: empty ? 0 : compiled.tags.length,
      compiledAt: new Date().toISOString(),
      ...(shared ? { shared } : {}),
    }, compiled, empty);
    // Every thread has the new version's tagger before the first request for it.
    if (this.pool && shared) await this.pool.prime(version, shared);
    if (!this.serving || version >= this.serving.version) this.serving = serving;
    this.options.onCompile?.();
    this.options.log?.info(`tagger compiled: ${serving.size} tags, vocabulary version ${version}, ${Date.now() - started} ms`);
  }

  startPolling(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.poller = setInterval(() => {
      void this.repo
        .vocabularyVersion()
        .then((v) => {
          if (this.serving && v > this.serving.version) void this.refresh();
        })
        .catch(() => {});
    }, intervalMs);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    await this.running;
    await this.pool?.close();
  }
}

function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

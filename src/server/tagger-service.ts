/**
 * Keeps the service's tagger in step with the vocabulary in the database. A change compiles a
 * new tagger in the background (a worker thread for large vocabularies, where compiling takes
 * long enough to stall requests) and swaps it in with one assignment: a request holds the
 * tagger it started with, so none is dropped or sees half a vocabulary. Other instances sharing
 * the database notice a new vocabulary version by polling.
 */
import { Worker } from 'node:worker_threads';
import { compileVocabulary, deserializeCompiled, type AdaptationModel, type CompiledVocabulary, type Tagger, type TagOptions, type TagResult } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { defaultHints } from '../node/vocab-file.js';
import type { KeyedEntry, Repository } from '../storage/index.js';

/** Above this many entries compiling moves off the event loop (≈ 25 ms per 1000 entries inline). */
export const WORKER_THRESHOLD = 3000;

// compileVocabulary refuses an empty list; an editor may still delete every entry. The tagger
// then runs on a sentinel entry no text contains and whose results are dropped.
const SENTINEL_ID = '\u0000wasim-empty-vocabulary';
const SENTINEL: KeyedEntry = { id: SENTINEL_ID, label: 'wasimemptyvocabularysentinelqzxj' };

export interface ServingTagger {
  /** The tagger requests use: the shipped model with the newsroom's adaptation, when one is on. */
  tagger: Tagger;
  /** The shipped model alone, on the same vocabulary: what learning observes decisions with. */
  base: Tagger;
  /** Version of the adaptation `tagger` applies; null: none. */
  adaptationVersion: number | null;
  /** Vocabulary version it was compiled from. */
  version: number;
  /** Tags in its vocabulary. */
  size: number;
  compiledAt: string;
}

export interface TaggerServiceOptions {
  maxArticleChars: number;
  hints: boolean;
  defaults?: TagOptions;
  log?: { info(msg: string): void; error(obj: unknown, msg?: string): void };
  onCompile?: () => void;
}

export async function compileInWorker(entries: KeyedEntry[], hints: boolean): Promise<CompiledVocabulary> {
  const worker = new Worker(new URL('./compile-worker.js', import.meta.url), { workerData: { entries, hints } });
  try {
    const serialized = await new Promise<Uint8Array>((resolve, reject) => {
      worker.once('message', (m: { ok: true; compiled: Uint8Array } | { ok: false; error: string }) => (m.ok ? resolve(m.compiled) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`compile worker exited with code ${code}`)));
    });
    return deserializeCompiled(serialized);
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
  private adaptation: { model: AdaptationModel; version: number } | undefined;

  constructor(
    private readonly repo: Repository,
    private readonly options: TaggerServiceOptions,
  ) {}

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
    this.adaptation = adaptation;
    const s = this.serving;
    if (!s) return;
    const tagger = adaptation ? this.withSentinel(createNodeTagger(s.base.vocabulary, { ...this.taggerOptions(), adaptation: adaptation.model }), s.size === 0) : s.base;
    this.serving = { ...s, tagger, adaptationVersion: adaptation?.version ?? null };
  }

  private taggerOptions() {
    return { limits: { maxChars: this.options.maxArticleChars }, ...(this.options.defaults ? { defaults: this.options.defaults } : {}) };
  }

  private withSentinel(tagger: Tagger, empty: boolean): Tagger {
    return empty ? withoutSentinel(tagger) : tagger;
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

  private async compileNow(): Promise<void> {
    // Version first: entries read after it are at least that new, so a change racing this read
    // is picked up by the next poll rather than lost.
    const version = await this.repo.vocabularyVersion();
    if (this.serving && this.serving.version >= version) return;
    const entries = await this.repo.allVocabulary();
    const list = entries.length ? entries : [SENTINEL];
    const started = Date.now();
    const compiled =
      list.length >= WORKER_THRESHOLD
        ? await compileInWorker(list, this.options.hints)
        : compileVocabulary(list, this.options.hints ? defaultHints() : {});
    const empty = entries.length === 0;
    const base = this.withSentinel(createNodeTagger(compiled, this.taggerOptions()), empty);
    // Read after compiling: an adaptation swapped in meanwhile is the one to apply.
    const adaptation = this.adaptation;
    const tagger = adaptation ? this.withSentinel(createNodeTagger(compiled, { ...this.taggerOptions(), adaptation: adaptation.model }), empty) : base;
    const serving: ServingTagger = {
      tagger,
      base,
      adaptationVersion: adaptation?.version ?? null,
      version,
      size: entries.length ? compiled.tags.length : 0,
      compiledAt: new Date().toISOString(),
    };
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
  }
}

function withoutSentinel(tagger: Tagger): Tagger {
  return {
    vocabulary: tagger.vocabulary,
    adaptation: tagger.adaptation,
    candidates: (article: unknown) => tagger.candidates(article).filter((c) => c.id !== SENTINEL_ID),
    tag: (article: unknown, options?: TagOptions): TagResult[] => tagger.tag(article, options).filter((r) => r.id !== SENTINEL_ID),
  };
}

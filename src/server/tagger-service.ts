/**
 * Keeps the service's tagger in step with the vocabulary in the database. A change compiles a
 * new tagger in the background (a worker thread for large vocabularies, where compiling takes
 * long enough to stall requests) and swaps it in with one assignment: a request holds the
 * tagger it started with, so none is dropped or sees half a vocabulary. Other instances sharing
 * the database notice a new vocabulary version by polling.
 */
import { Worker } from 'node:worker_threads';
import { compileVocabulary, deserializeCompiled, type CompiledVocabulary, type Tagger, type TagOptions, type TagResult } from '../core/index.js';
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
  tagger: Tagger;
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
  /** The repository's DATABASE_URL: a large vocabulary is then read by the compile worker itself. */
  databaseUrl?: string;
}

type CompileSource = { entries: KeyedEntry[] } | { databaseUrl: string };

async function compileWorker(source: CompileSource, hints: boolean): Promise<{ compiled: CompiledVocabulary; version?: number; size: number }> {
  const worker = new Worker(new URL('./compile-worker.js', import.meta.url), { workerData: { ...source, hints } });
  try {
    const m = await new Promise<{ compiled: Uint8Array; version?: number; size: number }>((resolve, reject) => {
      worker.once('message', (m: { ok: true; compiled: Uint8Array; version?: number; size: number } | { ok: false; error: string }) => (m.ok ? resolve(m) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`compile worker exited with code ${code}`)));
    });
    return { compiled: deserializeCompiled(m.compiled), size: m.size, ...(m.version !== undefined ? { version: m.version } : {}) };
  } finally {
    void worker.terminate();
  }
}

export async function compileInWorker(entries: KeyedEntry[], hints: boolean): Promise<CompiledVocabulary> {
  return (await compileWorker({ entries }, hints)).compiled;
}

export class TaggerService {
  private serving: ServingTagger | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private poller: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];
  private lastError: unknown;

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
    let version = await this.repo.vocabularyVersion();
    if (this.serving && this.serving.version >= version) return;
    const started = Date.now();
    let compiled: CompiledVocabulary;
    let empty = false;
    if (this.options.databaseUrl && (await this.repo.vocabularySize()) >= WORKER_THRESHOLD) {
      const out = await compileWorker({ databaseUrl: this.options.databaseUrl }, this.options.hints);
      compiled = out.compiled;
      version = out.version ?? version;
    } else {
      const entries = await this.repo.allVocabulary();
      const list = entries.length ? entries : [SENTINEL];
      empty = entries.length === 0;
      compiled = list.length >= WORKER_THRESHOLD ? await compileInWorker(list, this.options.hints) : compileVocabulary(list, this.options.hints ? defaultHints() : {});
    }
    const tagger = createNodeTagger(compiled, { limits: { maxChars: this.options.maxArticleChars }, ...(this.options.defaults ? { defaults: this.options.defaults } : {}) });
    const serving: ServingTagger = {
      tagger: empty ? withoutSentinel(tagger) : tagger,
      version,
      size: empty ? 0 : compiled.tags.length,
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
    tag: (article: unknown, options?: TagOptions): TagResult[] => tagger.tag(article, options).filter((r) => r.id !== SENTINEL_ID),
  };
}

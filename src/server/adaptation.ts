/**
 * Learning from the newsroom's editors, continuously: every accept, reject and add is in the
 * decision log (tag_decisions); after `every` new decisions (or on request) the decided
 * articles are observed with the shipped model, the adaptation is fitted again
 * (src/core/learn.ts) and stored as a new version with the vocabulary, and the serving tagger
 * is swapped for one that applies it — one assignment, so no request fails or sees half a
 * model. The same decisions make the same model as `wasim learn --decisions`: an article's
 * decision is its tags' statuses now (an undone decision is gone), its id the article's
 * external id (else `article:<id>`), learned once however often it is decided.
 *
 * Admins see what was learned, reset any learned tag, form, the weights or the cut, switch the
 * adaptation off (learning goes on, nothing is applied), and accept or dismiss the proposed
 * "always also tag" pairs; accepting one makes the second tag the first one's vocabulary parent.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_CUT,
  fitAdaptation,
  FORM_SEPARATOR,
  learnedTags,
  observe,
  parseAdaptation,
  serializeAdaptation,
  tagResolver,
  WasimError,
  FEATURE_NAMES,
  WEIGHTS,
  type AdaptationModel,
  type Decision,
  type FeatureName,
  type LearnedTag,
  type LearnOptions,
  type Observation,
  type PairProposal,
  type Resets,
} from '../core/index.js';
import { factsOfObservations, learnedId } from '../core/learn.js';
import type { CompiledVocabulary } from '../core/index.js';
import type { Repository, StoredModel } from '../storage/index.js';
import type { ServerConfig } from './config.js';
import type { TaggerService } from './tagger-service.js';

export const ENABLED_KEY = 'adaptation.enabled';
export const WATERMARK_KEY = 'adaptation.watermark';
export const RESETS_KEY = 'adaptation.resets';
export const PAIRS_KEY = 'adaptation.pairs';

export interface AdaptationOptions {
  /** Refit after this many new decisions; 0: only on request. */
  every: number;
  /** How often to look for new decisions and for a model another instance fitted (ms; 0: never). */
  pollMs: number;
  /** Passed to the fit (pseudo-count, thresholds, bounds). */
  learn: LearnOptions;
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : fallback;
}

export function defaultAdaptationOptions(): AdaptationOptions {
  return { every: envNumber('WASIM_LEARN_EVERY', 20), pollMs: envNumber('WASIM_LEARN_POLL_MS', 30_000), learn: {} };
}

/** Above this many observed candidates a refit is fitted in a worker thread (inline it would stall requests). */
export const FIT_WORKER_THRESHOLD = 5000;

/** The same fit as fitAdaptation, in a worker thread: the model's JSON text. */
export async function fitInWorker(cv: CompiledVocabulary, observations: Observation[], options: LearnOptions): Promise<string> {
  const worker = new Worker(new URL('./learn-worker.js', import.meta.url), { workerData: { observations, facts: factsOfObservations(cv, observations), options } });
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: { ok: true; model: string } | { ok: false; error: string }) => (m.ok ? resolve(m.model) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`learning worker exited with code ${code}`)));
    });
  } finally {
    void worker.terminate();
  }
}

export interface PairView extends PairProposal {
  id: string;
}

export interface AdaptationStatus {
  enabled: boolean;
  /** The stored model's version; null before the first refit. */
  version: number | null;
  fittedAt: string | null;
  /** Decided articles learned from. */
  decisions: number;
  /** Decisions logged since the last refit read the log. */
  pending: number;
  every: number;
  running: boolean;
  error: string | null;
  /** The model the serving tagger applies (null: none, switched off or not fitted yet). */
  applied: number | null;
}

export interface AdaptationSummary extends AdaptationStatus {
  boosted: LearnedTag[];
  demoted: LearnedTag[];
  weights: { feature: FeatureName; shipped: number; now: number }[];
  cut: { shipped: number; now: number };
  pairs: PairView[];
}

export type ResetItem = { tag: string; form?: string } | { weights: true } | { cut: true } | { all: true };

export function pairId(p: Pick<PairProposal, 'from' | 'to'>): string {
  return encodeURIComponent(`${p.from}>${p.to}`);
}

const TOP_LISTED = 20;

export class AdaptationService {
  private model: AdaptationModel | undefined;
  private stored: StoredModel | undefined;
  private enabled = true;
  private running: Promise<void> | undefined;
  private again = false;
  private sinceRefit = 0;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Refits and resets run one at a time, in the order asked. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: Repository,
    private readonly tagger: TaggerService,
    private readonly config: Pick<ServerConfig, 'tagTop' | 'tagMinScore'>,
    readonly options: AdaptationOptions = defaultAdaptationOptions(),
    private readonly log?: { error(obj: unknown, msg?: string): void },
  ) {}

  /** The cut editors are shown (the service's stored cut). */
  private cut(): { top: number; minScore: number } {
    return { top: this.config.tagTop ?? DEFAULT_CUT.top, minScore: this.config.tagMinScore ?? DEFAULT_CUT.minScore };
  }

  /** Loads the stored model and switch, applies them, and starts looking for new decisions. */
  async start(): Promise<void> {
    this.enabled = (await this.repo.getSetting(ENABLED_KEY)) !== 'false';
    await this.loadLatest();
    if (this.options.pollMs > 0) {
      this.timer = setInterval(() => void this.poll(), this.options.pollMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  private async loadLatest(): Promise<void> {
    const latest = await this.repo.adaptation.latestModel();
    if (!latest || latest.version === this.stored?.version) return;
    try {
      this.model = parseAdaptation(latest.model, `stored adaptation version ${latest.version}`);
      this.stored = latest;
      this.apply();
    } catch (e) {
      this.lastError = (e as Error).message;
      this.log?.error(e, 'the stored adaptation could not be read; the shipped model serves');
    }
  }

  private apply(): void {
    this.tagger.setAdaptation(this.enabled && this.model && this.stored ? { model: this.model, version: this.stored.version } : undefined);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      // Another instance may have fitted a newer model.
      await this.loadLatest();
      if (this.options.every > 0 && !this.running) {
        const pending = await this.repo.adaptation.decisionsAfter(await this.watermark());
        if (pending >= this.options.every) void this.refit();
      }
    } catch (e) {
      this.log?.error(e, 'looking for new decisions failed');
    }
  }

  /** Called after editors' decisions are stored: refits once `every` of them have come in. */
  noteDecisions(count: number): void {
    this.sinceRefit += count;
    if (this.options.every > 0 && this.sinceRefit >= this.options.every) void this.refit();
  }

  /** Reads the new decisions, refits and swaps the model in; calls during a refit coalesce into one more. */
  refit(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          this.sinceRefit = 0;
          try {
            await this.exclusive(() => this.refitNow());
            this.lastError = null;
          } catch (e) {
            this.lastError = (e as Error).message || 'refit failed';
            this.log?.error(e, 'refitting the adaptation failed; the previous model keeps serving');
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => {});
    return run;
  }

  private async watermark(): Promise<number> {
    return Number((await this.repo.getSetting(WATERMARK_KEY)) ?? 0);
  }

  private async resets(): Promise<Resets> {
    const text = await this.repo.getSetting(RESETS_KEY);
    return text ? (JSON.parse(text) as Resets) : {};
  }

  private async refitNow(previous: AdaptationModel | undefined = this.model): Promise<void> {
    const serving = await this.tagger.upToDate();
    const base = serving.base;
    const resolver = tagResolver(base.vocabulary);
    const store = this.repo.adaptation;
    let watermark = await this.watermark();
    for (;;) {
      if (this.stopped) return;
      const page = await store.decidedArticlesAfter(watermark, 100);
      if (page.length === 0) break;
      for (const { articleId, seq } of page) {
        const d = await store.articleDecisions(articleId);
        if (d) {
          const id = d.externalId ?? `article:${articleId}`;
          // A tag deleted since is not in the vocabulary to learn about.
          const known = (list: string[]) => list.filter((t) => resolver.resolve(t) !== undefined);
          const decision: Decision = { id, title: d.title, body: d.body, accepted: known(d.accepted), rejected: known(d.rejected), added: known(d.added), where: `article ${articleId}` };
          if (decision.accepted.length + decision.rejected.length + decision.added.length === 0) await store.deleteObservation(id);
          else await store.putObservation(id, articleId, seq, JSON.stringify(observe(base, decision, resolver, { seq, cut: this.cut() })));
        }
        // Tagging is CPU work on the event loop: let requests in between articles.
        await yieldToEventLoop();
      }
      watermark = page[page.length - 1]!.seq;
      await this.repo.setSetting(WATERMARK_KEY, String(watermark));
    }
    const observations: Observation[] = [];
    for await (const o of store.observations()) observations.push(JSON.parse(o.observation) as Observation);
    await yieldToEventLoop();
    const options: LearnOptions = { ...this.options.learn, cut: this.cut(), resets: await this.resets(), ...(previous ? { previous } : {}) };
    let candidates = 0;
    for (const o of observations) candidates += o.candidates.length;
    const text = candidates >= FIT_WORKER_THRESHOLD ? await fitInWorker(base.vocabulary, observations, options) : serializeAdaptation(fitAdaptation(base.vocabulary, observations, options));
    const model = parseAdaptation(text, 'the refitted adaptation');
    if (this.stored && this.stored.model === text) return;
    this.stored = await store.saveModel(text, model.decisions);
    this.model = model;
    this.apply();
  }

  async status(): Promise<AdaptationStatus> {
    const pending = await this.repo.adaptation.decisionsAfter(await this.watermark());
    return {
      enabled: this.enabled,
      version: this.stored?.version ?? null,
      fittedAt: this.stored?.createdAt ?? null,
      decisions: this.model?.decisions ?? 0,
      pending,
      every: this.options.every,
      running: this.running !== undefined,
      error: this.lastError,
      applied: this.tagger.current?.adaptationVersion ?? null,
    };
  }

  /** The current model (an empty one before the first refit). */
  current(): AdaptationModel | undefined {
    return this.model;
  }

  async summary(): Promise<AdaptationSummary> {
    const status = await this.status();
    const tags = this.model ? learnedTags(this.model) : [];
    const byShift = [...tags].sort((a, b) => b.shift - a.shift || (a.id < b.id ? -1 : 1));
    const weights = this.model?.weights
      ? FEATURE_NAMES.filter((f) => this.model!.weights![f] !== WEIGHTS[f]).map((f) => ({ feature: f, shipped: WEIGHTS[f], now: this.model!.weights![f] }))
      : [];
    return {
      ...status,
      boosted: byShift.filter((t) => t.shift > 0).slice(0, TOP_LISTED),
      demoted: byShift.filter((t) => t.shift < 0).reverse().slice(0, TOP_LISTED),
      weights,
      cut: { shipped: this.cut().minScore, now: this.model?.cut?.minScore ?? this.cut().minScore },
      pairs: await this.pairs(),
    };
  }

  async setEnabled(enabled: boolean): Promise<AdaptationStatus> {
    await this.repo.setSetting(ENABLED_KEY, String(enabled));
    this.enabled = enabled;
    this.apply();
    return this.status();
  }

  /**
   * Forgets a learned item: every decision logged so far no longer counts for it (later ones
   * do). Then refits at once, so the serving model no longer has it.
   */
  async reset(item: ResetItem): Promise<AdaptationStatus> {
    await this.exclusive(() => this.resetNow(item));
    return this.status();
  }

  private async resetNow(item: ResetItem): Promise<void> {
    const resets = await this.resets();
    const stamp = await this.repo.adaptation.lastDecisionId();
    let previous = this.model;
    if ('all' in item) {
      resets.all = stamp;
      previous = undefined;
    } else if ('weights' in item) {
      resets.weights = stamp;
      if (previous) {
        const { weights: _w, ...rest } = previous;
        previous = rest;
      }
    } else if ('cut' in item) {
      resets.cut = stamp;
      if (previous) {
        const { cut: _c, ...rest } = previous;
        previous = rest;
      }
    } else {
      const { tagger } = await this.tagger.upToDate();
      const id = learnedId(tagger.vocabulary, tagResolver(tagger.vocabulary).resolve(item.tag)) ?? item.tag;
      if (!this.model?.tags[id]) throw WasimError.of('NOT_FOUND', 'learnedTag', { tag: item.tag });
      if (item.form === undefined) (resets.tags ??= {})[id] = stamp;
      else {
        const forms = this.model.tags[id]!.forms;
        const key = item.form in forms ? item.form : Object.keys(forms).find((k) => forms[k]!.text === item.form);
        if (key === undefined) throw WasimError.of('NOT_FOUND', 'learnedForm', { tag: item.tag, form: item.form });
        (resets.forms ??= {})[`${id}${FORM_SEPARATOR}${key}`] = stamp;
      }
    }
    await this.repo.setSetting(RESETS_KEY, JSON.stringify(resets));
    // Refitted at once, without the item: the serving model no longer has it.
    await this.refitNow(previous).catch((e: Error) => {
      this.lastError = e.message;
      throw e;
    });
  }

  private async pairDecisions(): Promise<Record<string, { status: 'accepted' | 'dismissed'; editor: string; at: string }>> {
    const text = await this.repo.getSetting(PAIRS_KEY);
    return text ? JSON.parse(text) : {};
  }

  /** The proposed pairs no one has accepted or dismissed yet. */
  async pairs(): Promise<PairView[]> {
    const decided = await this.pairDecisions();
    return (this.model?.pairs ?? []).map((p) => ({ ...p, id: pairId(p) })).filter((p) => !decided[p.id]);
  }

  private async pair(id: string): Promise<PairView> {
    const p = (await this.pairs()).find((x) => x.id === id || x.id === encodeURIComponent(id));
    if (!p) throw WasimError.of('NOT_FOUND', 'pair', { id });
    return p;
  }

  /** Accepting a pair makes its second tag the first one's vocabulary parent (an edit the admin asked for). */
  async decidePair(id: string, action: 'accept' | 'dismiss', editor: string, setParent: (tagId: string, parentId: string) => Promise<void>): Promise<PairView> {
    const p = await this.pair(id);
    if (action === 'accept') await setParent(p.from, p.to);
    const decided = await this.pairDecisions();
    decided[p.id] = { status: action === 'accept' ? 'accepted' : 'dismissed', editor, at: new Date().toISOString() };
    await this.repo.setSetting(PAIRS_KEY, JSON.stringify(decided));
    return p;
  }
}

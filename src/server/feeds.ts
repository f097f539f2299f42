/**
 * The service's feeds: a list kept in the settings table (one JSON value, no schema change),
 * each with its interval, pause switch and health (last success, last error, items seen), and
 * a scheduler that polls the due ones with conditional GET, backs off on errors, completes
 * summary-only items from their pages, and stores and tags new items through the service.
 *
 * Crash safety: an item is stored idempotently under its canonical URL (or the URL of the
 * article whose text it repeats), and the feed's ETag / Last-Modified are saved only after
 * every item of the poll is stored. A crash mid-poll makes the next poll fetch the whole feed
 * again, and the items stored before the crash come back as the same articles: nothing twice,
 * nothing lost.
 */
import { WasimError, isWasimError } from '../core/index.js';
import { itemToArticle, loadFeed } from '../ingest/ingest.js';
import { HostLimiter } from '../ingest/fetch.js';
import type { Repository } from '../storage/index.js';
import type { WasimService } from './service.js';

export interface FeedRecord {
  id: number;
  url: string;
  title: string;
  intervalMinutes: number;
  paused: boolean;
  etag: string | null;
  lastModified: string | null;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  /** Consecutive failed polls (for backoff). */
  failures: number;
  nextPollAt: string;
  itemsSeen: number;
  articlesStored: number;
  createdAt: string;
}

const FEEDS_KEY = 'ingest.feeds';
const HASHES_KEY = 'ingest.text-hashes';
const MAX_HASHES = 5000;
const MAX_BACKOFF_MINUTES = 6 * 60;

export class FeedService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly limiter = new HostLimiter(2);
  /** Serialises read-modify-write of the feed list within this process. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: Repository,
    private readonly service: WasimService,
    private readonly options: { timeoutMs?: number; maxBytes?: number; now?: () => Date } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async list(): Promise<FeedRecord[]> {
    const raw = await this.repo.getSetting(FEEDS_KEY);
    if (!raw) return [];
    try {
      return JSON.parse(raw) as FeedRecord[];
    } catch {
      return [];
    }
  }

  private update<T>(fn: (feeds: FeedRecord[]) => T | Promise<T>): Promise<T> {
    const next = this.chain.then(async () => {
      const feeds = await this.list();
      const result = await fn(feeds);
      await this.repo.setSetting(FEEDS_KEY, JSON.stringify(feeds));
      return result;
    });
    this.chain = next.catch(() => {});
    return next;
  }

  async get(id: number): Promise<FeedRecord> {
    const feed = (await this.list()).find((f) => f.id === id);
    if (!feed) throw WasimError.of('NOT_FOUND', 'feed', { id });
    return feed;
  }

  async add(url: string, intervalMinutes = 15): Promise<FeedRecord> {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      throw WasimError.of('VALIDATION', 'feedUrl', { value: JSON.stringify(url) });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw WasimError.of('VALIDATION', 'feedUrlScheme', {});
    if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 24 * 60) throw WasimError.of('VALIDATION', 'feedInterval', {});
    return this.update((feeds) => {
      if (feeds.some((f) => f.url === parsed.href)) throw WasimError.of('CONFLICT', 'feedListed', { url: parsed.href });
      const at = this.now().toISOString();
      const feed: FeedRecord = {
        id: feeds.reduce((m, f) => Math.max(m, f.id), 0) + 1,
        url: parsed.href,
        title: '',
        intervalMinutes,
        paused: false,
        etag: null,
        lastModified: null,
        lastPollAt: null,
        lastSuccessAt: null,
        lastError: null,
        failures: 0,
        nextPollAt: at,
        itemsSeen: 0,
        articlesStored: 0,
        createdAt: at,
      };
      feeds.push(feed);
      return feed;
    });
  }

  async setPaused(id: number, paused: boolean): Promise<FeedRecord> {
    return this.update((feeds) => {
      const feed = feeds.find((f) => f.id === id);
      if (!feed) throw WasimError.of('NOT_FOUND', 'feed', { id });
      feed.paused = paused;
      if (!paused) feed.nextPollAt = this.now().toISOString();
      return feed;
    });
  }

  async remove(id: number): Promise<void> {
    await this.update((feeds) => {
      const i = feeds.findIndex((f) => f.id === id);
      if (i < 0) throw WasimError.of('NOT_FOUND', 'feed', { id });
      feeds.splice(i, 1);
    });
  }

  private async hashes(): Promise<Record<string, string>> {
    try {
      return JSON.parse((await this.repo.getSetting(HASHES_KEY)) ?? '{}') as Record<string, string>;
    } catch {
      return {};
    }
  }

  /** Polls one feed now; the outcome is in its record (an error is recorded, not thrown). */
  async poll(id: number): Promise<FeedRecord> {
    const feed = await this.get(id);
    const at = this.now();
    let patch: Partial<FeedRecord>;
    try {
      const fetched = await loadFeed(feed.url, {
        etag: feed.etag,
        lastModified: feed.lastModified,
        timeoutMs: this.options.timeoutMs ?? 15_000,
        maxBytes: this.options.maxBytes ?? 10 * 1024 * 1024,
        limiter: this.limiter,
      });
      let stored = 0;
      let seen = 0;
      if (!fetched.notModified && fetched.feed) {
        const hashes = await this.hashes();
        for (const item of fetched.feed.items) {
          seen++;
          const { article } = await itemToArticle(item, feed.url, { timeoutMs: this.options.timeoutMs ?? 15_000, maxBytes: 5 * 1024 * 1024, limiter: this.limiter });
          if (!article) continue;
          // The same text under another URL is the article already stored for that text.
          const key = hashes[article.hash] ?? article.url ?? article.id;
          const [result] = await this.service.store([
            { externalId: key, url: hashes[article.hash] ?? article.url ?? undefined, title: article.title, body: article.body, ...(article.published ? { publishedAt: article.published } : {}) },
          ]);
          if (!hashes[article.hash]) hashes[article.hash] = key;
          if (result?.created) stored++;
        }
        const keys = Object.keys(hashes);
        for (const k of keys.slice(0, Math.max(0, keys.length - MAX_HASHES))) delete hashes[k];
        await this.repo.setSetting(HASHES_KEY, JSON.stringify(hashes));
      }
      patch = {
        title: fetched.feed?.title || feed.title,
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        lastSuccessAt: at.toISOString(),
        lastError: null,
        failures: 0,
        nextPollAt: new Date(at.getTime() + feed.intervalMinutes * 60_000).toISOString(),
        itemsSeen: feed.itemsSeen + seen,
        articlesStored: feed.articlesStored + stored,
      };
    } catch (e) {
      const failures = feed.failures + 1;
      const backoff = Math.min(feed.intervalMinutes * 2 ** failures, MAX_BACKOFF_MINUTES);
      patch = {
        lastError: { code: isWasimError(e) ? e.code : 'INTERNAL', message: isWasimError(e) ? e.message : `internal error: ${(e as Error).message}`, at: at.toISOString() },
        failures,
        nextPollAt: new Date(at.getTime() + backoff * 60_000).toISOString(),
      };
    }
    return this.update((feeds) => {
      const current = feeds.find((f) => f.id === id);
      if (!current) return { ...feed, ...patch, lastPollAt: at.toISOString() };
      Object.assign(current, patch, { lastPollAt: at.toISOString() });
      return current;
    });
  }

  /** Polls every feed that is due and not paused, one at a time. */
  async pollDue(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.now().getTime();
      for (const f of await this.list()) if (!f.paused && Date.parse(f.nextPollAt) <= now) await this.poll(f.id);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(tickMs: number): void {
    if (this.timer || tickMs <= 0) return;
    this.timer = setInterval(() => void this.pollDue().catch(() => {}), tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}

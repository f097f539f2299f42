/**
 * From a feed to articles wasim can tag: fetch (conditionally), parse, fetch the article page
 * when the feed carries only a summary, and dedupe — by the feed's GUID, by canonical URL and by
 * a hash of the normalised text — so the same story from two feeds is one article with two sources.
 */
import { readFileSync } from 'node:fs';
import { isWasimError, WasimError } from '../core/index.js';
import { extractArticle, type ExtractedArticle } from './extract.js';
import { parseFeed, type FeedItem, type ParsedFeed } from './feed.js';
import { decodeBody, fetchUrl, type FetchOptions } from './fetch.js';
import { canonicalUrl, textHash } from './text.js';

export interface ArticleSource {
  /** The feed URL (or file) the item came from; `page` for a page fetched by URL. */
  feed: string;
  guid: string | null;
  url: string | null;
}

/** The CLI's article shape ({id, title, body}) with where it came from. */
export interface IngestedArticle {
  id: string;
  title: string;
  body: string;
  url: string | null;
  source: string;
  published: string | null;
  author: string | null;
  image: string | null;
  categories: string[];
  /** Every feed item that carried this story. */
  sources: ArticleSource[];
  hash: string;
  /** Where the body came from: the feed's full content, the article page, or the summary only. */
  bodyFrom: 'feed' | 'page' | 'summary';
}

export interface ItemError {
  guid: string | null;
  url: string | null;
  code: string;
  message: string;
}

export interface IngestOptions extends FetchOptions {
  /** Fetch the article page when the feed carries only a summary (default true). */
  fetchPages?: boolean;
  /** A feed body shorter than this (characters) counts as a summary. Default 500. */
  summaryChars?: number;
  /** Options for page fetches (defaults: the feed's). */
  pageFetch?: FetchOptions;
}

/** Finds an article already seen by any of its keys; in memory for the CLI, the database in the service. */
export interface DedupeIndex {
  find(keys: DedupeKeys): string | undefined;
  add(id: string, keys: DedupeKeys): void;
}

export interface DedupeKeys {
  guid: string | null;
  url: string | null;
  hash: string;
}

export class MemoryDedupeIndex implements DedupeIndex {
  private readonly byKey = new Map<string, string>();
  find(keys: DedupeKeys): string | undefined {
    return (keys.guid && this.byKey.get('g:' + keys.guid)) || (keys.url && this.byKey.get('u:' + keys.url)) || this.byKey.get('h:' + keys.hash);
  }
  add(id: string, keys: DedupeKeys): void {
    if (keys.guid) this.byKey.set('g:' + keys.guid, id);
    if (keys.url) this.byKey.set('u:' + keys.url, id);
    this.byKey.set('h:' + keys.hash, id);
  }
}

export interface FeedFetch {
  notModified: boolean;
  feed: ParsedFeed | null;
  etag: string | null;
  lastModified: string | null;
  url: string;
}

/** Fetches and parses a feed (http/https URL) or reads one from a file. */
export async function loadFeed(source: string, options: IngestOptions = {}): Promise<FeedFetch> {
  if (!/^https?:\/\//i.test(source)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(source);
    } catch {
      throw WasimError.of('FILE_NOT_FOUND', 'noSuchFeedFile', { path: source });
    }
    return { notModified: false, feed: parseFeed(decodeBody(bytes, null)), etag: null, lastModified: null, url: source };
  }
  const res = await fetchUrl(source, { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5', ...options });
  if (res.notModified) return { notModified: true, feed: null, etag: res.etag, lastModified: res.lastModified, url: res.url };
  return { notModified: false, feed: parseFeed(decodeBody(res.bytes, res.headers.get('content-type')), res.url), etag: res.etag, lastModified: res.lastModified, url: res.url };
}

/** Fetches one page and extracts its article. */
export async function fetchPage(url: string, options: FetchOptions = {}): Promise<ExtractedArticle & { url: string }> {
  const res = await fetchUrl(url, { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5', ...options });
  const type = res.headers.get('content-type') ?? '';
  if (type && !/html|xml|text\/plain/i.test(type)) throw WasimError.of('NO_ARTICLE', 'notHtml', { url, type: type.split(';')[0]! });
  return { ...extractArticle(decodeBody(res.bytes, type), res.url), url: res.url };
}

/** A feed's full content (content:encoded, atom:content, content_html) is the article unless it is no longer than the summary. */
function isSummaryOnly(item: FeedItem, summaryChars: number): boolean {
  if (item.content && item.content.length > Math.min(item.summary.length, summaryChars)) return false;
  const text = item.content || item.summary;
  return text.length < summaryChars || /(\[…\]|\[\.\.\.\]|…|\.\.\.)\s*$/.test(text) || /(اقرأ المزيد|أكمل القراءة|التفاصيل)\s*$/.test(text);
}

export interface ItemResult {
  article: IngestedArticle | null;
  /** The id of the article this item duplicates (its source was added there). */
  duplicateOf?: string;
  error?: ItemError;
}

/** Turns one feed item into an article, fetching its page when needed. */
export async function itemToArticle(item: FeedItem, feedUrl: string, options: IngestOptions = {}): Promise<{ article: IngestedArticle | null; error?: ItemError }> {
  const summaryChars = options.summaryChars ?? 500;
  const pageUrl = item.url;
  let body = item.content || item.summary;
  let bodyFrom: IngestedArticle['bodyFrom'] = isSummaryOnly(item, summaryChars) ? 'summary' : 'feed';
  let page: (ExtractedArticle & { url: string }) | null = null;
  let error: ItemError | undefined;
  if ((options.fetchPages ?? true) && pageUrl && isSummaryOnly(item, summaryChars)) {
    try {
      page = await fetchPage(pageUrl, options.pageFetch ?? options);
      if (page.body.length > body.length) {
        body = page.body;
        bodyFrom = 'page';
      }
    } catch (e) {
      error = { guid: item.guid, url: pageUrl, code: isWasimError(e) ? e.code : 'INTERNAL', message: (e as Error).message };
    }
  }
  const title = item.title || page?.title || '';
  if (!title && !body) {
    return { article: null, error: error ?? { guid: item.guid, url: pageUrl, code: 'EMPTY_INPUT', message: 'The item has neither a title nor any text.' } };
  }
  const url = canonicalUrl(page?.canonicalUrl ?? pageUrl) ?? pageUrl;
  const guid = item.guid ? `${feedUrl}#${item.guid}` : null;
  const article: IngestedArticle = {
    id: url ?? guid ?? textHash(title, body),
    title,
    body,
    url,
    source: feedUrl,
    published: item.published ?? page?.published ?? item.updated ?? null,
    author: item.author ?? page?.author ?? null,
    image: item.image ?? page?.image ?? null,
    categories: item.categories,
    sources: [{ feed: feedUrl, guid: item.guid, url: pageUrl }],
    hash: textHash(title, body),
    bodyFrom,
  };
  return { article, ...(error ? { error } : {}) };
}

export interface IngestRun {
  source: string;
  /** Null when the feed could not be read (see `error`). */
  feed: FeedFetch | null;
  /** Why the feed could not be read: nothing from it was taken. */
  error?: ItemError;
  /** New articles, in feed order. */
  articles: IngestedArticle[];
  /** Items that were already known (by GUID, canonical URL or text hash): their sources were merged. */
  duplicates: number;
  errors: ItemError[];
}

/**
 * One pass over one or more feeds, deduped across all of them through `index`. Item-level
 * problems (a page that will not load) are reported and the item kept from its summary;
 * feed-level ones (not a feed, timeout) are the run's `error`, and the other feeds go on.
 */
export async function ingestFeeds(sources: string[], options: IngestOptions & { index?: DedupeIndex } = {}): Promise<IngestRun[]> {
  const index = options.index ?? new MemoryDedupeIndex();
  const byId = new Map<string, IngestedArticle>();
  const runs: IngestRun[] = [];
  for (const source of sources) {
    const run: IngestRun = { source, feed: null, articles: [], duplicates: 0, errors: [] };
    runs.push(run);
    try {
      run.feed = await loadFeed(source, options);
    } catch (e) {
      run.error = { guid: null, url: source, code: isWasimError(e) ? e.code : 'INTERNAL', message: (e as Error).message };
      continue;
    }
    for (const item of run.feed.feed?.items ?? []) {
      const guidKey = item.guid ? `${source}#${item.guid}` : null;
      const urlKey = canonicalUrl(item.url);
      const known = (guidKey && index.find({ guid: guidKey, url: null, hash: '' })) || (urlKey && index.find({ guid: null, url: urlKey, hash: '' }));
      if (known) {
        mergeSource(byId.get(known), { feed: source, guid: item.guid, url: item.url });
        run.duplicates++;
        continue;
      }
      const { article, error } = await itemToArticle(item, source, options);
      if (error) run.errors.push(error);
      if (!article) continue;
      const keys = { guid: guidKey, url: article.url, hash: article.hash };
      const dup = index.find(keys);
      if (dup) {
        index.add(dup, keys);
        mergeSource(byId.get(dup), article.sources[0]!);
        run.duplicates++;
        continue;
      }
      index.add(article.id, keys);
      byId.set(article.id, article);
      run.articles.push(article);
    }
  }
  return runs;
}

function mergeSource(article: IngestedArticle | undefined, source: ArticleSource): void {
  if (!article) return;
  if (!article.sources.some((s) => s.feed === source.feed && s.guid === source.guid)) article.sources.push(source);
}

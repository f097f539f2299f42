/**
 * A WordPress REST API connector: pull posts (paged, `modified_after` for increments), import the
 * site's tags (with counts) as a vocabulary, and push tags back — creating missing terms in
 * wp/v2/tags and setting each post's tags. Authenticates with an Application Password.
 * Requests go through `?rest_route=`, which works whatever the site's permalink settings.
 * 401/403 and 5xx are FETCH_FAILED errors saying so; 429 is retried after Retry-After, a few times.
 */
import { formatMessage, WasimError, foldKey } from '../core/index.js';
import { fetchUrl, type FetchOptions } from './fetch.js';
import { htmlToText } from './text.js';

export interface WordPressOptions {
  site: string;
  user?: string;
  appPassword?: string;
  timeoutMs?: number;
  /** Retries of a 429 or 503 answer (default 3), waiting Retry-After seconds (at most `maxWaitMs`). */
  retries?: number;
  maxWaitMs?: number;
}

export interface WpPost {
  id: number;
  link: string;
  modified_gmt: string;
  date_gmt: string;
  title: { rendered: string };
  content: { rendered: string };
  excerpt?: { rendered: string };
  tags: number[];
}

export interface WpTag {
  id: number;
  name: string;
  slug: string;
  count: number;
}

export interface PulledArticle {
  id: string;
  title: string;
  body: string;
  url: string;
  source: string;
  published: string | null;
  modified: string | null;
  /** The post's current tags, by name. */
  wpTags: string[];
}

export class WordPressClient {
  private readonly base: string;
  private readonly auth: string | null;
  private tagCache: Map<string, WpTag> | null = null;

  constructor(readonly options: WordPressOptions) {
    this.base = options.site.replace(/\/+$/, '');
    this.auth = options.user && options.appPassword ? 'Basic ' + Buffer.from(`${options.user}:${options.appPassword.replace(/\s+/g, '')}`).toString('base64') : null;
  }

  private url(route: string, query: Record<string, string | number | undefined> = {}): string {
    const params = new URLSearchParams({ rest_route: route });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return `${this.base}/?${params.toString()}`;
  }

  /** One REST call; JSON in and out. */
  async request<T>(route: string, init: { method?: string; query?: Record<string, string | number | undefined>; body?: unknown } = {}): Promise<{ data: T; headers: Headers }> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const opts: FetchOptions = {
        method: init.method ?? 'GET',
        timeoutMs: this.options.timeoutMs ?? 30_000,
        accept: 'application/json',
        headers: { ...(this.auth ? { authorization: this.auth } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      };
      try {
        const res = await fetchUrl(this.url(route, init.query), opts);
        const text = res.bytes.toString('utf8');
        try {
          return { data: JSON.parse(text) as T, headers: res.headers };
        } catch {
          throw WasimError.of('FETCH_FAILED', 'wordpressNotJson', { site: this.base, route });
        }
      } catch (e) {
        if (!(e instanceof WasimError) || e.code !== 'FETCH_FAILED') throw e;
        const status = Number(e.details?.status);
        if ((status === 429 || status === 503) && attempt < retries) {
          const after = Number(e.details?.retryAfter);
          const wait = Math.min(Number.isFinite(after) && after >= 0 ? after * 1000 : 500 * 2 ** attempt, this.options.maxWaitMs ?? 10_000);
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        let wpMessage = '';
        try {
          wpMessage = (JSON.parse(String(e.details?.body ?? '')) as { message?: string }).message ?? '';
        } catch {
          /* not a WordPress error body */
        }
        const template = status === 401 || status === 403 ? 'wordpressCredentials' : status === 429 ? 'wordpressRateLimited' : status >= 500 ? 'wordpressFailed' : undefined;
        const problem = template === undefined ? e.text : formatMessage('FETCH_FAILED', template, { status, retries });
        const said = wpMessage ? htmlToText(wpMessage) : '';
        throw WasimError.of('FETCH_FAILED', 'wordpress', { site: this.base, route, problem: said ? { en: `${problem.en}: ${said}`, ar: `${problem.ar}: ${said}` } : problem }, { ...e.details });
      }
    }
  }

  /** Every published post, oldest modification first, optionally only those modified after a time. */
  async *posts(options: { modifiedAfter?: string; perPage?: number } = {}): AsyncGenerator<WpPost> {
    const perPage = options.perPage ?? 50;
    for (let page = 1; ; page++) {
      const { data, headers } = await this.request<WpPost[]>('/wp/v2/posts', {
        query: { per_page: perPage, page, orderby: 'modified', order: 'asc', modified_after: options.modifiedAfter, _fields: 'id,link,modified_gmt,date_gmt,title,content,excerpt,tags' },
      });
      for (const p of data) yield p;
      const total = Number(headers.get('x-wp-totalpages') ?? '1');
      if (data.length < perPage || page >= total) return;
    }
  }

  /** Every tag of the site. */
  async tags(): Promise<WpTag[]> {
    const all: WpTag[] = [];
    for (let page = 1; ; page++) {
      const { data, headers } = await this.request<WpTag[]>('/wp/v2/tags', { query: { per_page: 100, page, _fields: 'id,name,slug,count', hide_empty: 'false' } });
      all.push(...data);
      if (data.length < 100 || page >= Number(headers.get('x-wp-totalpages') ?? '1')) break;
    }
    this.tagCache = new Map(all.map((t) => [foldKey(htmlToText(t.name)), { ...t, name: htmlToText(t.name) }]));
    return [...this.tagCache.values()];
  }

  /** The term id of a tag by name (folded: آ/ا, ة/ه … alike), created when the site does not have it. */
  async tagId(name: string): Promise<number> {
    if (!this.tagCache) await this.tags();
    const key = foldKey(name);
    const known = this.tagCache!.get(key);
    if (known) return known.id;
    try {
      const { data } = await this.request<WpTag>('/wp/v2/tags', { method: 'POST', body: { name } });
      this.tagCache!.set(key, data);
      return data.id;
    } catch (e) {
      // Created meanwhile (or spelled alike): WordPress names the existing term.
      let existing = NaN;
      try {
        existing = Number((JSON.parse(String((e as WasimError).details?.body ?? '{}')) as { data?: { term_id?: unknown } }).data?.term_id);
      } catch {
        /* not a WordPress error body: the original error stands */
      }
      if (Number.isFinite(existing) && existing > 0) return existing;
      throw e;
    }
  }

  /** Sets a post's tags (term ids). */
  async setPostTags(postId: number, tagIds: number[]): Promise<void> {
    await this.request(`/wp/v2/posts/${postId}`, { method: 'POST', body: { tags: tagIds } });
  }

  async postTags(postId: number): Promise<string[]> {
    const { data } = await this.request<WpPost>(`/wp/v2/posts/${postId}`, { query: { _fields: 'id,tags' } });
    if (!this.tagCache) await this.tags();
    const byId = new Map([...this.tagCache!.values()].map((t) => [t.id, t.name]));
    const missing = data.tags.filter((id) => !byId.has(id));
    if (missing.length) await this.tags();
    const byId2 = new Map([...this.tagCache!.values()].map((t) => [t.id, t.name]));
    return data.tags.map((id) => byId2.get(id) ?? String(id));
  }

  /** Posts as wasim articles ({id, title, body, …}); the id is `wp:<post id>`. */
  async *pull(options: { modifiedAfter?: string } = {}): AsyncGenerator<PulledArticle> {
    const tags = await this.tags();
    const names = new Map(tags.map((t) => [t.id, t.name]));
    for await (const p of this.posts(options)) {
      yield {
        id: `wp:${p.id}`,
        title: htmlToText(p.title.rendered),
        body: htmlToText(p.content.rendered),
        url: p.link,
        source: this.base,
        published: p.date_gmt ? new Date(p.date_gmt + 'Z').toISOString() : null,
        modified: p.modified_gmt ? new Date(p.modified_gmt + 'Z').toISOString() : null,
        wpTags: p.tags.map((id) => names.get(id) ?? String(id)),
      };
    }
  }

  /**
   * Writes tags back: `tags` are names (wasim's tag labels); missing terms are created. With
   * `keepExisting` the post's current tags stay and these are added; otherwise they replace them.
   * Returns the term ids set.
   */
  async push(postId: number, tags: string[], options: { keepExisting?: boolean } = {}): Promise<number[]> {
    const ids: number[] = [];
    for (const t of tags) ids.push(await this.tagId(t));
    let final = [...new Set(ids)];
    if (options.keepExisting) {
      const { data } = await this.request<WpPost>(`/wp/v2/posts/${postId}`, { query: { _fields: 'id,tags' } });
      final = [...new Set([...data.tags, ...final])];
    }
    await this.setPostTags(postId, final);
    return final;
  }
}

/** The post id in an article id written by `pull` (`wp:123`), or a bare number. */
export function postIdOf(id: unknown): number | null {
  // A number JSON.parse rounded (beyond 2^53) names no post for sure.
  if (typeof id === 'number' && !Number.isSafeInteger(id)) return null;
  const m = /^(?:wp:)?(\d+)$/.exec(String(id ?? ''));
  return m && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : null;
}

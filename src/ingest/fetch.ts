/**
 * HTTP fetching for ingest: a polite client (User-Agent, a limit of parallel requests per host),
 * with a timeout over the whole exchange, a cap on the response size read as it streams,
 * redirects followed by hand (so a loop is named as one) and conditional GET.
 * Every failure is a WasimError FETCH_FAILED whose message says what went wrong.
 */
import { WasimError, type TemplateName, type TemplateParams } from '../core/index.js';

export const USER_AGENT = 'wasim-ingest/0.1 (+https://github.com/wasim; Arabic news tagger)';

export interface FetchOptions {
  /** Milliseconds for the whole exchange, headers and body. Default 15 s. */
  timeoutMs?: number;
  /** Bytes; a longer response is refused. Default 10 MB. */
  maxBytes?: number;
  maxRedirects?: number;
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  /** Shared per-host limiter; default: the module's one. */
  limiter?: HostLimiter;
}

export interface FetchResult {
  /** The URL after redirects. */
  url: string;
  status: number;
  notModified: boolean;
  headers: Headers;
  bytes: Buffer;
  etag: string | null;
  lastModified: string | null;
}

/** At most `perHost` requests in flight to one host at a time; the rest wait in order. */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  constructor(readonly perHost = 2) {}

  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    if ((this.active.get(host) ?? 0) >= this.perHost) {
      await new Promise<void>((resolveTurn) => {
        const q = this.waiting.get(host) ?? [];
        q.push(resolveTurn);
        this.waiting.set(host, q);
      });
    }
    this.active.set(host, (this.active.get(host) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (this.active.get(host) ?? 1) - 1;
      if (n === 0) this.active.delete(host);
      else this.active.set(host, n);
      const q = this.waiting.get(host);
      const next = q?.shift();
      if (q && q.length === 0) this.waiting.delete(host);
      next?.();
    }
  }
}

const defaultLimiter = new HostLimiter(2);

type Failure = Exclude<TemplateName<'FETCH_FAILED'>, 'wordpressNotJson' | 'wordpress'>;

/** FETCH_FAILED from a template; `reason` is for programs (details.reason), the template for people. */
function fail<N extends Failure>(url: string, reason: string, template: N, params: Omit<TemplateParams<'FETCH_FAILED', N>, 'url'>, extra: Record<string, unknown> = {}): WasimError {
  return WasimError.of('FETCH_FAILED', template, { ...params, url } as TemplateParams<'FETCH_FAILED', N>, { reason, url, ...extra });
}

async function readCapped(res: Response, url: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw fail(url, 'too-large', 'tooLarge', { size: declared, limit: maxBytes });
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw fail(url, 'too-large', 'overLimit', { limit: maxBytes });
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** GET (or another method) with the protections above. A 304 is a result, not an error; other non-2xx are errors. */
export async function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const limiter = options.limiter ?? defaultLimiter;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw fail(url, 'bad-url', 'badUrl', {});
  }
  if (current.protocol !== 'http:' && current.protocol !== 'https:') throw fail(url, 'bad-url', 'scheme', {});

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      if (seen.has(current.href)) throw fail(url, 'redirect-loop', 'redirectLoop', { at: current.href });
      seen.add(current.href);
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        accept: options.accept ?? '*/*',
        'accept-encoding': 'gzip, deflate, br',
        ...options.headers,
      };
      if (hop === 0 && options.etag) headers['if-none-match'] = options.etag;
      if (hop === 0 && options.lastModified) headers['if-modified-since'] = options.lastModified;
      const target = current;
      const res = await limiter.run(target.host, async () => {
        const r = await fetch(target, { method: options.method ?? 'GET', headers, body: options.body, redirect: 'manual', signal: controller.signal });
        if (r.status >= 300 && r.status < 400 && r.status !== 304) {
          await r.body?.cancel().catch(() => {});
          return { r, bytes: Buffer.alloc(0) };
        }
        return { r, bytes: r.status === 304 ? Buffer.alloc(0) : await readCapped(r, target.href, maxBytes) };
      });
      const { r } = res;
      if (r.status >= 300 && r.status < 400 && r.status !== 304) {
        const location = r.headers.get('location');
        if (!location) throw fail(url, 'bad-redirect', 'noLocation', { status: r.status });
        if (hop >= maxRedirects) throw fail(url, 'too-many-redirects', 'tooManyRedirects', { max: maxRedirects });
        current = new URL(location, current);
        continue;
      }
      if (r.status !== 304 && (r.status < 200 || r.status >= 300)) {
        const retryAfter = r.headers.get('retry-after');
        const details = {
          status: r.status,
          ...(retryAfter ? { retryAfter } : {}),
          body: res.bytes.subarray(0, 2000).toString('utf8'),
        };
        throw r.statusText ? fail(url, `http-${r.status}`, 'httpText', { status: r.status, statusText: r.statusText }, details) : fail(url, `http-${r.status}`, 'http', { status: r.status }, details);
      }
      return {
        url: current.href,
        status: r.status,
        notModified: r.status === 304,
        headers: r.headers,
        bytes: res.bytes,
        etag: r.headers.get('etag') ?? (r.status === 304 ? options.etag ?? null : null),
        lastModified: r.headers.get('last-modified') ?? (r.status === 304 ? options.lastModified ?? null : null),
      };
    }
  } catch (e) {
    if (e instanceof WasimError) throw e;
    if (controller.signal.aborted) throw fail(url, 'timeout', 'timeout', { ms: timeoutMs });
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw fail(url, 'network', 'network', { reason: cause?.code ?? cause?.message ?? (e as Error).message });
  } finally {
    clearTimeout(timer);
  }
}

/** The charset a response declares: Content-Type first, then an XML prolog or an HTML meta tag in its first bytes. */
export function declaredCharset(bytes: Buffer, contentType: string | null): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  const head = bytes.subarray(0, 2048).toString('latin1');
  const prolog = /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  if (prolog) return prolog.toLowerCase();
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  return meta ? meta.toLowerCase() : null;
}

/** Bytes to text in the declared charset (UTF-8 when none is declared or the name is unknown). */
export function decodeBody(bytes: Buffer, contentType: string | null): string {
  const charset = declaredCharset(bytes, contentType) ?? 'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

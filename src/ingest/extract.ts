/**
 * An article out of a news page: @mozilla/readability over a linkedom DOM for the body, and the
 * page's metadata for the rest (JSON-LD NewsArticle first, then Open Graph / article: meta tags,
 * then <time>). Navigation, "related articles" boxes, share bars, comments and footers are
 * removed before Readability sees the page: their words are a source of wrong tags.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { foldKey, WasimError } from '../core/index.js';
import { parseDate } from './dates.js';
import { canonicalUrl, nodeText, tidy } from './text.js';

export interface ExtractedArticle {
  title: string;
  body: string;
  published: string | null;
  author: string | null;
  /** <link rel=canonical>, og:url or the JSON-LD url, resolved; else the page URL. */
  canonicalUrl: string;
  image: string | null;
  lang: string | null;
  siteName: string | null;
}

/** Shortest body we accept as an article (characters of text). */
export const MIN_ARTICLE_CHARS = 200;

const BOILERPLATE_SELECTORS = [
  'nav', 'footer', 'aside', 'form', 'header nav', '[role=navigation]', '[role=contentinfo]', '[role=complementary]', '[aria-hidden=true]',
  '.related', '.related-posts', '.related-articles', '.yarpp-related', '.jp-relatedposts', '.read-also', '.more-news', '.most-read',
  '.share', '.sharing', '.social', '.sharedaddy', '.breadcrumb', '.breadcrumbs', '.tags', '.post-tags', '.tag-links', '.comments', '#comments',
  '.entry-meta', '.post-meta', '.article-meta', '.top-bar', '.newsletter', '.advert', '.ads', '.ad', '.widget', '.sidebar', '#sidebar', '.menu', '.ticker', '.breaking-news', '.author-box',
].join(',');
/** Class or id words that mark a box of links to other stories, in English and Arabic-site slugs. */
const BOILERPLATE_WORDS = /(^|[\s_-])(related|relatedposts|read-?more|also-?read|more-?stories|recommended|trending|popular|most-?read|outbrain|taboola|share|social|newsletter|footer|sidebar|breadcrumb|comment|advert|widget)([\s_-]|$)/i;

type El = {
  getAttribute(n: string): string | null;
  textContent: string | null;
  remove(): void;
  className?: string;
  id?: string;
  querySelectorAll(s: string): ArrayLike<El>;
  tagName: string;
};

function jsonLdArticle(document: { querySelectorAll(s: string): ArrayLike<El> }): Record<string, unknown> | null {
  const scripts = document.querySelectorAll('script[type="application/ld+json"]');
  const candidates: Record<string, unknown>[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const types = ([] as unknown[]).concat(o['@type'] ?? []).map(String);
      if (types.some((t) => /^(NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|OpinionNewsArticle|WebPage)$/.test(t))) candidates.push(o);
      if (o['@graph']) visit(o['@graph']);
    }
  };
  for (let i = 0; i < scripts.length; i++) {
    try {
      visit(JSON.parse(scripts[i]!.textContent ?? ''));
    } catch {
      /* a broken JSON-LD block is ignored: the meta tags still count */
    }
  }
  return candidates.find((c) => ([] as unknown[]).concat(c['@type']).some((t) => String(t) !== 'WebPage')) ?? candidates[0] ?? null;
}

function ldString(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) return ldString(v[0]);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return ldString(o.name ?? o.url ?? o['@id']);
  }
  return null;
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => foldKey(s).replace(/[^\p{L}\p{N}]+/gu, '');
  return norm(a) === norm(b) || norm(b).startsWith(norm(a)) && norm(a).length > 10;
}

/** Extracts the article from a page's HTML. Throws NO_ARTICLE when the page holds none. */
export function extractArticle(html: string, pageUrl: string): ExtractedArticle {
  const { document } = parseHTML(html);
  const meta = (sel: string): string | null => {
    const el = document.querySelector(sel) as El | null;
    return el?.getAttribute('content')?.trim() || null;
  };
  const resolve = (u: string | null | undefined): string | null => {
    if (!u) return null;
    try {
      return new URL(u, pageUrl).href;
    } catch {
      return null;
    }
  };
  const ld = jsonLdArticle(document as never);
  const linkCanonical = (document.querySelector('link[rel=canonical]') as El | null)?.getAttribute('href');
  const canonical = canonicalUrl(linkCanonical ?? meta('meta[property="og:url"]') ?? ldString(ld?.url) ?? pageUrl, pageUrl) ?? pageUrl;
  const timeEl = document.querySelector('article time[datetime], time[datetime]') as El | null;
  const published =
    parseDate(ldString(ld?.datePublished)) ??
    parseDate(meta('meta[property="article:published_time"]')) ??
    parseDate(meta('meta[name="pubdate"]') ?? meta('meta[name="publish-date"]') ?? meta('meta[itemprop="datePublished"]') ?? meta('meta[name="date"]')) ??
    parseDate(timeEl?.getAttribute('datetime')) ??
    parseDate(timeEl?.textContent ?? null);
  const author =
    ldString(ld?.author) ?? meta('meta[name="author"]') ?? meta('meta[property="article:author"]') ??
    ((document.querySelector('[rel=author], .author-name, .byline') as El | null)?.textContent?.trim() || null);
  const image = resolve(ldString(ld?.image) ?? meta('meta[property="og:image"]') ?? meta('meta[name="twitter:image"]'));
  const lang = document.documentElement?.getAttribute('lang') ?? null;
  const siteName = meta('meta[property="og:site_name"]') ?? ldString((ld?.publisher as Record<string, unknown> | undefined)?.name);

  for (const el of Array.from(document.querySelectorAll(BOILERPLATE_SELECTORS) as ArrayLike<El>)) el.remove();
  for (const el of Array.from(document.querySelectorAll('div, section, ul, aside') as ArrayLike<El>)) {
    const words = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    if (BOILERPLATE_WORDS.test(words)) el.remove();
  }

  const parsed = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: MIN_ARTICLE_CHARS, keepClasses: false }).parse();
  let body = '';
  if (parsed?.content) {
    const { document: frag } = parseHTML(`<!doctype html><html><body>${parsed.content}</body></html>`);
    body = nodeText(frag.body as never);
  }
  const headline = tidy(ldString(ld?.headline) ?? meta('meta[property="og:title"]') ?? parsed?.title ?? '');
  // Readability keeps the page's <h1> as the body's first line; the title is reported on its own.
  const firstBreak = body.indexOf('\n\n');
  const firstLine = firstBreak < 0 ? body : body.slice(0, firstBreak);
  if (headline && firstLine.length < 300 && sameText(firstLine, headline)) body = body.slice(firstLine.length).trimStart();
  const ldBody = typeof ld?.articleBody === 'string' ? tidy(ld.articleBody) : '';
  if (body.length < MIN_ARTICLE_CHARS && ldBody.length >= MIN_ARTICLE_CHARS) body = ldBody;
  if (body.length < MIN_ARTICLE_CHARS) {
    throw WasimError.of('NO_ARTICLE', 'tooShort', { url: pageUrl, chars: body.length, min: MIN_ARTICLE_CHARS });
  }
  const title = headline || tidy(document.querySelector('title')?.textContent ?? '');
  return {
    title,
    body,
    published,
    author: author ? tidy(author) : parsed?.byline ? tidy(parsed.byline) : null,
    canonicalUrl: canonical,
    image,
    lang,
    siteName: siteName ?? parsed?.siteName ?? null,
  };
}

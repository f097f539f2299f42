/**
 * RSS 2.0 (and RSS 1.0/RDF), Atom 1.0 and JSON Feed 1.x into one item shape, parsed with
 * fast-xml-parser. Descriptions may be CDATA or escaped HTML; links may be relative (resolved
 * against the feed's own URL or xml:base); dates are RFC 822, ISO 8601 or Arabic text.
 * Anything that is not a feed — an HTML page, truncated XML, JSON of another kind — is a
 * BAD_FEED error naming the problem.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { inexactNumbers, WasimError, type TemplateName, type TemplateParams } from '../core/index.js';
import { parseDate } from './dates.js';
import { htmlToText, tidy } from './text.js';

export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

export interface FeedItem {
  /** The feed's own id for the item (guid, atom:id, JSON Feed id); the link when it has none. */
  guid: string | null;
  url: string | null;
  title: string;
  /** Plain text of the summary/description. */
  summary: string;
  /** Plain text of the full content (content:encoded, atom:content, content_html/text), if any. */
  content: string;
  published: string | null;
  updated: string | null;
  author: string | null;
  categories: string[];
  enclosures: Enclosure[];
  image: string | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json';
  title: string;
  link: string | null;
  items: FeedItem[];
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['item', 'entry', 'link', 'enclosure', 'category', 'media:content', 'media:thumbnail', 'author', 'dc:creator', 'dc:subject'].includes(name),
  processEntities: true,
});

function bad<N extends TemplateName<'BAD_FEED'>>(template: N, params: TemplateParams<'BAD_FEED', N>): WasimError {
  return WasimError.of('BAD_FEED', template, params);
}

/** The text of a parsed XML value: a string, or an element's #text. */
function text(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') {
    const t = (v as Node)['#text'];
    return t == null ? '' : String(t);
  }
  return '';
}

function attr(v: unknown, name: string): string | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const a = (v as Node)[`@_${name}`];
    return a == null ? undefined : String(a);
  }
  return undefined;
}

function arr(v: unknown): unknown[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

function enclosure(url: string | null, type: string | undefined, length: unknown): Enclosure | null {
  if (!url) return null;
  const n = Number(length);
  return { url, ...(type ? { type } : {}), ...(Number.isFinite(n) && n > 0 ? { length: n } : {}) };
}

function present<T>(x: T | null): x is T {
  return x !== null;
}

function resolveUrl(u: string | undefined | null, base: string | undefined): string | null {
  if (!u) return null;
  try {
    return new URL(u.trim(), base).href;
  } catch {
    return null;
  }
}

function looksLikeHtml(head: string): boolean {
  return /^(?:\s|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i.test(head);
}

/** Parses a feed document. `baseUrl` resolves relative links (the URL the feed was fetched from). */
export function parseFeed(source: string, baseUrl?: string): ParsedFeed {
  const doc = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const head = doc.slice(0, 1024).trimStart();
  if (head === '') throw bad('empty', {});
  if (head.startsWith('{')) return parseJsonFeed(doc, baseUrl);
  if (looksLikeHtml(head)) throw bad('htmlPage', {});
  if (!head.startsWith('<')) throw bad('notXmlOrJson', {});
  const valid = XMLValidator.validate(doc);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw bad('malformedXml', { line, column: col, reason: msg });
  }
  let tree: Node;
  try {
    tree = parser.parse(doc) as Node;
  } catch (e) {
    throw bad('unparsable', { reason: (e as Error).message });
  }
  if (tree.rss || tree['rdf:RDF']) return parseRss(tree, baseUrl);
  if (tree.feed) return parseAtom(tree.feed as Node, baseUrl);
  if (tree.html) throw bad('htmlRoot', {});
  throw bad('notRssOrAtom', { root: Object.keys(tree).find((k) => !k.startsWith('?')) ?? '?' });
}

function parseRss(tree: Node, baseUrl?: string): ParsedFeed {
  const root = (tree.rss ?? tree['rdf:RDF']) as Node;
  const channel = (arr(root.channel)[0] ?? {}) as Node;
  const channelLink = resolveUrl(text(arr(channel.link).find((l) => typeof l === 'string' || !attr(l, 'href')) ?? ''), baseUrl) ?? baseUrl ?? null;
  const base = channelLink ?? baseUrl;
  const rawItems = arr(channel.item).length ? arr(channel.item) : arr(root.item);
  const items = rawItems.map((raw): FeedItem => {
    const it = raw as Node;
    const link = resolveUrl(text(arr(it.link)[0]) || attr(it, 'rdf:about'), base);
    const guidNode = it.guid;
    const guidText = text(guidNode);
    const guidIsLink = attr(guidNode, 'isPermaLink') !== 'false';
    const url = link ?? (guidText && guidIsLink ? resolveUrl(guidText, base) : null);
    const enclosures: Enclosure[] = [
      ...arr(it.enclosure).map((e) => enclosure(resolveUrl(attr(e, 'url'), base), attr(e, 'type'), attr(e, 'length'))),
      ...arr(it['media:content']).map((e) => enclosure(resolveUrl(attr(e, 'url'), base), attr(e, 'type') ?? (attr(e, 'medium') ? `${attr(e, 'medium')}/*` : undefined), attr(e, 'fileSize'))),
    ].filter(present);
    const thumb = resolveUrl(attr(arr(it['media:thumbnail'])[0], 'url'), base);
    const image = enclosures.find((e) => e.type?.startsWith('image'))?.url ?? thumb;
    const descriptionHtml = text(it.description);
    const contentHtml = text(it['content:encoded']);
    const author = text(arr(it['dc:creator'])[0]) || text(arr(it.author)[0]) || null;
    return {
      guid: guidText || url,
      url,
      title: htmlToText(text(it.title)),
      summary: htmlToText(descriptionHtml),
      content: contentHtml ? htmlToText(contentHtml) : '',
      published: parseDate(text(it.pubDate)) ?? parseDate(text(it['dc:date'])),
      updated: parseDate(text(it['atom:updated'])),
      author: author ? author.trim() : null,
      categories: [...arr(it.category), ...arr(it['dc:subject'])].map((c) => htmlToText(text(c))).filter(Boolean),
      enclosures,
      image: image ?? null,
    };
  });
  return { format: 'rss', title: htmlToText(text(channel.title)), link: channelLink, items };
}

function atomLink(links: unknown[], rel: string, base?: string): string | null {
  const l = links.find((x) => (attr(x, 'rel') ?? 'alternate') === rel && (rel !== 'alternate' || !attr(x, 'type') || /html/.test(attr(x, 'type')!)));
  return resolveUrl(attr(l, 'href'), base);
}

const XHTML_BLOCKS = /^(p|div|section|blockquote|li|ul|ol|h[1-6]|figure|figcaption|table|tr|pre)$/;

/** Text of an inline XHTML tree as fast-xml-parser gives it (element order within a parent is by name, fine for paragraphs). */
function treeText(v: unknown): string {
  if (v == null) return '';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(treeText).join('\n\n');
  return Object.entries(v as Node)
    .filter(([k]) => !k.startsWith('@_'))
    .map(([k, child]) => {
      const t = treeText(child);
      return XHTML_BLOCKS.test(k.replace(/^\w+:/, '')) ? `\n\n${t}\n\n` : t;
    })
    .join(' ');
}

function atomText(v: unknown): string {
  const type = attr(v, 'type');
  if (type === 'xhtml') return tidy(treeText(v));
  const t = text(v);
  return type === 'text' ? t.trim() : htmlToText(t);
}

function parseAtom(feed: Node, baseUrl?: string): ParsedFeed {
  const base = resolveUrl(attr(feed, 'xml:base'), baseUrl) ?? baseUrl;
  const feedLink = atomLink(arr(feed.link), 'alternate', base);
  const items = arr(feed.entry).map((raw): FeedItem => {
    const e = raw as Node;
    const entryBase = resolveUrl(attr(e, 'xml:base'), base) ?? base;
    const links = arr(e.link);
    const url = atomLink(links, 'alternate', entryBase);
    const enclosures = links
      .filter((l) => attr(l, 'rel') === 'enclosure')
      .map((l) => enclosure(resolveUrl(attr(l, 'href'), entryBase), attr(l, 'type'), attr(l, 'length')))
      .filter(present);
    const author = arr(e.author).map((a) => text((a as Node).name)).find(Boolean) ?? arr(feed.author).map((a) => text((a as Node).name)).find(Boolean) ?? null;
    return {
      guid: text(e.id) || url,
      url,
      title: atomText(e.title),
      summary: atomText(e.summary),
      content: atomText(e.content),
      published: parseDate(text(e.published)) ?? parseDate(text(e.updated)),
      updated: parseDate(text(e.updated)),
      author,
      categories: arr(e.category).map((c) => attr(c, 'label') ?? attr(c, 'term') ?? '').filter(Boolean),
      enclosures,
      image: enclosures.find((x) => x.type?.startsWith('image'))?.url ?? null,
    };
  });
  return { format: 'atom', title: atomText(feed.title), link: feedLink, items };
}

function parseJsonFeed(doc: string, baseUrl?: string): ParsedFeed {
  let json: Node;
  try {
    json = JSON.parse(doc) as Node;
  } catch (e) {
    throw bad('jsonUnparsable', { reason: (e as Error).message });
  }
  if (typeof json !== 'object' || json === null || !String(json.version ?? '').startsWith('https://jsonfeed.org/version/') || !Array.isArray(json.items)) {
    throw bad('notJsonFeed', {});
  }
  const base = resolveUrl(json.home_page_url as string, baseUrl) ?? baseUrl;
  // A numeric id keeps its digits (JSON.parse rounds 20 of them): it is what dedupes items.
  let literals: Map<string, string> | undefined;
  const idOf = (it: Node, k: number): string => (typeof it.id === 'number' ? (literals ??= inexactNumbers(doc)).get(`/items/${k}/id`) : undefined) ?? String(it.id);
  const items = (json.items as unknown[]).flatMap((x, k) => (!!x && typeof x === 'object' ? [{ it: x as Node, k }] : [])).map(({ it, k }): FeedItem => {
    const url = resolveUrl(typeof it.url === 'string' ? it.url : null, base);
    const authors = [...arr(it.authors), ...arr(it.author)].map((a) => (a && typeof a === 'object' ? String((a as Node).name ?? '') : '')).filter(Boolean);
    const attachments = arr(it.attachments)
      .map((a) => a as Node)
      .map((a) => enclosure(resolveUrl(String(a.url ?? ''), base), typeof a.mime_type === 'string' ? a.mime_type : undefined, a.size_in_bytes))
      .filter(present);
    const content = typeof it.content_html === 'string' ? htmlToText(it.content_html) : typeof it.content_text === 'string' ? it.content_text.trim() : '';
    return {
      guid: it.id != null ? idOf(it, k) : url,
      url,
      title: typeof it.title === 'string' ? htmlToText(it.title) : '',
      summary: typeof it.summary === 'string' ? htmlToText(it.summary) : '',
      content,
      published: parseDate(it.date_published),
      updated: parseDate(it.date_modified),
      author: authors[0] ?? null,
      categories: arr(it.tags).map(String),
      enclosures: attachments,
      image: resolveUrl(typeof it.image === 'string' ? it.image : typeof it.banner_image === 'string' ? it.banner_image : null, base),
    };
  });
  return { format: 'json', title: typeof json.title === 'string' ? json.title : '', link: base ?? null, items };
}

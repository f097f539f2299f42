/**
 * HTML to the plain text wasim tags: paragraphs kept (one blank line between blocks), markup,
 * scripts and styles dropped, entities decoded, white space tidied. And the identity helpers
 * dedupe relies on: a canonical URL without tracking parameters, and a hash of the normalised text.
 */
import { createHash } from 'node:crypto';
import { parseHTML } from 'linkedom';
import { foldKey } from '../core/index.js';

const BLOCK = new Set([
  'P', 'DIV', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'ASIDE', 'NAV', 'MAIN', 'BLOCKQUOTE', 'PRE', 'UL', 'OL', 'LI', 'DL', 'DT', 'DD',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'TR', 'FIGURE', 'FIGCAPTION', 'HR', 'BR', 'ADDRESS', 'FORM',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'SVG', 'CANVAS', 'OBJECT', 'EMBED', 'BUTTON', 'SELECT', 'INPUT']);

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/** Text of a DOM subtree with block boundaries as paragraph breaks. */
export function nodeText(root: DomNode): string {
  const out: string[] = [];
  const walk = (node: DomNode): void => {
    if (node.nodeType === 3) {
      out.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIP.has(name)) return;
    const block = BLOCK.has(name);
    if (block) out.push(name === 'BR' ? '\n' : '\n\n');
    for (let i = 0; i < node.childNodes.length; i++) walk(node.childNodes[i]!);
    if (block && name !== 'BR') out.push('\n\n');
  };
  walk(root);
  return tidy(out.join(''));
}

/** Collapses runs of spaces inside lines and of blank lines between paragraphs. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** An HTML fragment (a feed's description or content) as paragraphs of text. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return tidy(html);
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  return nodeText(document.body as unknown as DomNode);
}

const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|ref|ref_src|cmpid|ocid|spm|share|amp)$/i;

/** URL identity: tracking parameters, fragment, default port and trailing `/amp` dropped; host lower-cased. Null if not http(s). */
export function canonicalUrl(url: string | null | undefined, base?: string): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
  u.searchParams.sort();
  u.pathname = u.pathname.replace(/\/amp\/?$/, '/').replace(/\/{2,}/g, '/');
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/$/, '');
  return u.href;
}

/**
 * A hash of the article's text with Arabic folding applied (diacritics, hamza seats, ة/ه, digits,
 * punctuation and spacing do not count), so the same story copied by two sites hashes alike.
 */
export function textHash(title: string, body: string): string {
  const norm = (s: string) => foldKey(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return createHash('sha256').update(norm(title)).update('\n').update(norm(body)).digest('hex').slice(0, 32);
}

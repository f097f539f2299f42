/** Small pieces several pages share: tag chips, score bars, pagers, the article list. */
import type { ArticleSummary, TagSummary } from '../storage/index.js';
import { html, query, raw, type SafeHtml } from './html.js';
import { formatDate, formatNumber, formatScore, statusLabel, typeLabel } from './labels.js';

export const tagHref = (id: string): string => `/ui/tags/${encodeURIComponent(id)}`;
export const articleHref = (id: number): string => `/ui/articles/${id}`;
export const entryHref = (id: string): string => `/ui/vocabulary/entries/${encodeURIComponent(id)}`;

export function typeClass(type: string | undefined | null): string {
  return type ? ` type-${type.replace(/[^a-z]/g, '')}` : '';
}

/** A tag as a link to its page; decided tags (accepted or added by an editor) carry a check. */
export function tagChip(tag: { id: string; tag?: string; label?: string; type?: string | null; status?: string }, extra?: SafeHtml): SafeHtml {
  const label = tag.tag ?? tag.label ?? tag.id;
  const decided = tag.status === 'accepted' || tag.status === 'added';
  const title = `${typeLabel(tag.type)}${tag.status ? ` · ${statusLabel(tag.status)}` : ''}`;
  return html`<a class="chip${typeClass(tag.type)}${decided ? ' decided' : ''}" href="${tagHref(tag.id)}" title="${title}">${label}${extra ?? ''}</a>`;
}

/** A score from 0 to 1 as a bar (SVG, so no inline style is needed under the page's CSP). */
export function scoreBar(score: number | null): SafeHtml {
  const s = typeof score === 'number' ? Math.max(0, Math.min(1, score)) : 0;
  const w = Math.round(s * 100);
  // Right to left: the bar grows from the right edge.
  return html`<span class="score"><svg viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect x="0" y="0" width="100" height="8" rx="4" fill="#ebe7dd"></rect><rect x="${100 - w}" y="0" width="${w}" height="8" rx="4" fill="#0b5f5a"></rect></svg><span>الدرجة ${formatScore(score)}</span></span>`;
}

export function pager(path: string, params: Record<string, string | number | undefined>, page: number, total: number, perPage: number): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return raw('');
  const link = (p: number, label: string | number, rel?: string) =>
    html`<a href="${path}${query({ ...params, page: p === 1 ? undefined : p })}"${rel ? html` rel="${rel}"` : ''}${p === page && typeof label === 'number' ? raw(' aria-current="page"') : ''}>${typeof label === 'number' ? formatNumber(label) : label}</a>`;
  const items: SafeHtml[] = [];
  if (page > 1) items.push(link(page - 1, 'السابق', 'prev'));
  const shown = new Set([1, pages, page - 1, page, page + 1].filter((p) => p >= 1 && p <= pages));
  let prev = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p - prev > 1) items.push(html`<span aria-hidden="true">…</span>`);
    items.push(link(p, p));
    prev = p;
  }
  if (page < pages) items.push(link(page + 1, 'التالي', 'next'));
  return html`<nav class="pager" aria-label="الصفحات">${items}</nav>`;
}

export function articleList(items: readonly ArticleSummary[], topTags = 6): SafeHtml {
  return html`<ol class="articles">${items.map(
    (a) => html`<li>
  <h2><a href="${articleHref(a.id)}">${a.title.trim() || a.excerpt.slice(0, 80) || `مقالة ${a.id}`}</a></h2>
  <div class="meta"><span>${formatDate(a.publishedAt ?? a.createdAt)}</span>${a.externalId ? html`<span>المعرّف <span class="ltr">${a.externalId}</span></span>` : ''}</div>
  <p class="excerpt">${excerpt(a.excerpt, 220)}</p>
  ${a.tags.length ? html`<ul class="chips" aria-label="الوسوم">${a.tags.slice(0, topTags).map((t: TagSummary) => html`<li>${tagChip(t)}</li>`)}</ul>` : html`<p class="muted small">لا وسوم.</p>`}
</li>`,
  )}</ol>`;
}

/** The first words of a text, cut at a word boundary. */
export function excerpt(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= chars) return flat;
  const cut = flat.slice(0, chars);
  const space = cut.lastIndexOf(' ');
  return (space > chars * 0.6 ? cut.slice(0, space) : cut) + '…';
}

/** Page number from a query string: 1 for anything that is not a positive integer. */
export function pageNumber(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

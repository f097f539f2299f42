/** The front page: the latest articles with their top tags; filter by tag, search the text. */
import type { ArticleSummary } from '../../storage/index.js';
import { articleList, pager, tagHref } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import { countLabel } from '../labels.js';
import { page, type Flash, type PageView } from '../layout.js';

export interface ArticlesView {
  items: ArticleSummary[];
  total: number;
  page: number;
  perPage: number;
  q?: string | undefined;
  /** The tag the list is filtered by, when it is a known one. */
  tag?: { id: string; label: string } | undefined;
  /** What the user typed in the tag field (shown back when no tag matched). */
  tagInput?: string | undefined;
  flash?: Flash | undefined;
}

function exportQuery(params: { q?: string | undefined; tag?: string | undefined }): string {
  const u = new URLSearchParams();
  if (params.q) u.set('q', params.q);
  if (params.tag) u.set('tag', params.tag);
  const s = u.toString();
  return s ? s + '&' : '';
}

export function renderArticles(view: PageView, v: ArticlesView): SafeHtml {
  const filtered = !!(v.q || v.tag || v.tagInput);
  const params = { q: v.q, tag: v.tag?.id ?? v.tagInput };
  const content = html`<h1>المقالات</h1>
<form class="card filters" method="get" action="/" role="search">
  <div class="row">
    <div class="field"><label for="q">بحث في النص</label><input type="search" id="q" name="q" data-search value="${v.q ?? ''}" placeholder="كلمة أو عبارة"></div>
    <div class="field"><label for="tag-filter">الوسم</label><input type="text" id="tag-filter" name="tag" value="${v.tag?.label ?? v.tagInput ?? ''}" list="tag-options" data-vocab autocomplete="off" placeholder="مثل: القاهرة"></div>
    <button type="submit">اعرض</button>
    ${filtered ? html`<a class="button secondary" href="/">الكل</a>` : ''}
  </div>
  <datalist id="tag-options"></datalist>
</form>
${v.tagInput && !v.tag ? html`<div class="flash error" role="alert">لا يوجد في المعجم وسم باسم «${v.tagInput}».</div>` : ''}
<p class="muted" aria-live="polite">${
    v.total === 0
      ? filtered
        ? 'لا مقالات تطابق البحث.'
        : 'لا مقالات محفوظة بعد.'
      : html`${countLabel(v.total, 'article')}${v.tag ? html` موسومة بـ <a href="${tagHref(v.tag.id)}">${v.tag.label}</a>` : ''}${v.q ? html` فيها «${v.q}»` : ''}`
  }</p>
${v.total === 0 && !filtered ? html`<p><a class="button" href="/ui/tag">وسم نص وحفظه</a></p>` : ''}
${articleList(v.items)}
${v.total > 0 ? html`<p class="small export-links">صدّر الوسوم (مقالة–وسم) لهذه القائمة: <a href="/ui/export?${exportQuery(params)}format=csv" download>CSV</a> · <a href="/ui/export?${exportQuery(params)}format=jsonl" download>JSONL</a></p>` : ''}
${pager('/', params, v.page, v.total, v.perPage)}`;
  return page(view, { title: 'المقالات', section: 'articles', content, flash: v.flash });
}

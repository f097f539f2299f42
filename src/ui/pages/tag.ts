/** One tag: what it is (type, parent, aliases), how often it is used over time, and its articles. */
import type { ArticleSummary, TagDetail, VocabularyRecord } from '../../storage/index.js';
import { articleList, entryHref, pager, tagChip, tagHref } from '../components.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatMonth, formatNumber, textDir, typeLabel } from '../labels.js';
import { page, type PageView, canEdit } from '../layout.js';

export interface TagView {
  tag: TagDetail;
  /** Parent, grandparent, … (nearest first). */
  ancestors: VocabularyRecord[];
  articles: ArticleSummary[];
  total: number;
  page: number;
  perPage: number;
}

/** Articles per month as horizontal bars (inline SVG: no inline styles under the CSP). */
export function monthBars(months: readonly { month: string; count: number }[]): SafeHtml {
  if (!months.length) return html`<p class="muted">لا مقالات بعد.</p>`;
  const max = Math.max(...months.map((m) => m.count));
  return html`<ol class="bars">${months.map((m) => {
    const w = max ? Math.max(2, Math.round((m.count / max) * 100)) : 0;
    return html`<li><span>${formatMonth(m.month)}</span><svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${formatNumber(m.count)} مقالة"><rect x="${100 - w}" y="0" width="${w}" height="10" rx="2" fill="#0b5f5a"></rect></svg><span class="n">${formatNumber(m.count)}</span></li>`;
  })}</ol>`;
}

function forms(label: string, values: readonly string[]): SafeHtml {
  if (!values.length) return raw('');
  return html`<dt>${label}</dt><dd><ul class="chips">${values.map((a) => html`<li><span class="chip">${a}</span></li>`)}</ul></dd>`;
}

export function renderTag(view: PageView, v: TagView): SafeHtml {
  const t = v.tag;
  const path = [...v.ancestors].reverse();
  const content = html`<div class="crumbs"><a href="/">المقالات</a> › ${path.map((a) => html`<a href="${tagHref(a.id)}">${a.label}</a> › `)}${t.label}</div>
<div class="grid-2">
  <section class="card" aria-labelledby="tag-title">
    <h1 id="tag-title">${t.label}</h1>
    <dl class="facts">
      <dt>النوع</dt><dd>${typeLabel(t.type)}</dd>
      ${v.ancestors.length ? html`<dt>يتبع</dt><dd><ul class="chips">${v.ancestors.map((a) => html`<li>${tagChip({ id: a.id, label: a.label, type: a.type ?? null })}</li>`)}</ul></dd>` : t.parent ? html`<dt>يتبع</dt><dd>${t.parent}</dd>` : ''}
      ${forms('أسماء أخرى', t.aliases)}
      ${forms('صيغ النسبة', t.nisba)}
      ${t.ambiguous ? html`<dt>ملاحظة</dt><dd><span class="badge warn">ملتبس</span> الاسم كلمة شائعة أيضًا؛ يُطلب سياق يؤكده.</dd>` : ''}
      ${t.note ? html`<dt>شرح</dt><dd dir="${textDir(t.note)}">${t.note}</dd>` : ''}
      <dt>المقالات</dt><dd>${formatNumber(t.count)}</dd>
      <dt>المعرّف</dt><dd><span class="ltr">${t.id}</span></dd>
    </dl>
    <div class="actions">
      <a class="button secondary" href="/?tag=${encodeURIComponent(t.id)}">ابحث في مقالاته</a>
      ${canEdit(view) ? html`<a class="button secondary" href="${entryHref(t.id)}">عدّل في المعجم</a>` : ''}
    </div>
  </section>
  <section class="card" aria-labelledby="months-heading">
    <h2 id="months-heading">المقالات شهرًا بشهر</h2>
    ${monthBars(t.months)}
  </section>
</div>
<section aria-labelledby="articles-heading">
  <h2 id="articles-heading">مقالات موسومة بـ«${t.label}»</h2>
  ${v.articles.length ? articleList(v.articles) : html`<p class="muted">لا مقالات موسومة بهذا الوسم بعد.</p>`}
  ${pager(tagHref(t.id), {}, v.page, v.total, v.perPage)}
</section>`;
  return page(view, { title: t.label, section: 'none', content });
}

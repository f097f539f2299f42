/** One stored article: highlighted text, its tags with the editor's decisions, and the decision log. */
import type { DecisionRecord, StoredArticle } from '../../storage/index.js';
import { articleHref, tagChip } from '../components.js';
import { highlightLine, highlightParagraphs } from '../highlight.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatDate, KIND_HINTS, KIND_LABELS, statusLabel, TYPE_LABELS, TYPES } from '../labels.js';
import { csrfField, page, type Flash, type PageView, canEdit } from '../layout.js';
import { KIND_ORDER, shownTags, tagPanel, type ShownTag } from './tags-panel.js';

export interface ArticleView {
  article: StoredArticle;
  decisions: DecisionRecord[];
  flash?: Flash | undefined;
  /** The review queue around this article: older (next) and newer (previous) ones. */
  queue?: { next?: number; prev?: number; state: string };
}

const ACTION_LABELS: Record<string, string> = { accept: 'قَبِل', reject: 'رفض', add: 'أضاف', undo: 'تراجع عن قرار في' };

/** Links in stored articles come from the CMS: only web links become clickable. */
export function webLink(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A link as a reader reads it: percent-escapes decoded (Arabic paths become Arabic); the href stays encoded. */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

export function legend(): SafeHtml {
  return html`<details class="legend card"><summary>دليل الألوان وأنواع الأدلة</summary>
<ul class="chips">${Object.entries(TYPE_LABELS).map(([type, label]) => html`<li><span class="chip type-${type}">${label}</span></li>`)}</ul>
<dl>${KIND_ORDER.map((k) => html`<dt>${KIND_LABELS[k]}</dt><dd>${KIND_HINTS[k]}</dd>`)}</dl>
<p class="small muted">الخط المتقطع تحت الكلمة: دليل أضعف (نسبة أو تصريف). مرّر المؤشر فوق كلمة مظللة أو انتقل إليها بمفتاح Tab لترى الوسم ودرجته ونوع الدليل.</p>
</details>`;
}

function decideForm(view: PageView, articleId: number, t: ShownTag): SafeHtml {
  const accepted = t.status === 'accepted' || t.status === 'added';
  return html`<form class="decide" method="post" action="${articleHref(articleId)}/tags">${csrfField(view)}<input type="hidden" name="tag" value="${t.id}">
${accepted ? '' : html`<button type="submit" name="action" value="accept" class="accept" aria-label="قبول وسم ${t.label}">قبول</button>`}
<button type="submit" name="action" value="reject" class="reject" aria-label="رفض وسم ${t.label}">رفض</button></form>`;
}

/** The highlighted title and body: swapped in with the panel, so a rejected tag's marks go. */
export function renderArticleText(article: StoredArticle): { title: SafeHtml; body: SafeHtml } {
  const tags = shownTags(article.tags.filter((t) => t.status !== 'rejected'), (t) => t.tag);
  return { title: article.title.trim() ? highlightLine(article.title, 'title', tags) : html`${`مقالة ${article.id}`}`, body: highlightParagraphs(article.body, 'body', tags) };
}

/** The tag panel's content: what the page script swaps in after a decision, without a reload. */
export function renderTagsSection(view: PageView, article: StoredArticle): SafeHtml {
  const live = article.tags.filter((t) => t.status !== 'rejected');
  const rejected = article.tags.filter((t) => t.status === 'rejected');
  const tags = shownTags(live, (t) => t.tag);
  const editor = canEdit(view);
  const open = live.filter((t) => t.status === 'suggested').length;
  const rejectedList = rejected.length
    ? html`<details class="rejected-list"><summary>وسوم مرفوضة (${rejected.length})</summary><ul class="tag-list">${rejected.map(
        (t) => html`<li data-tag-item="${t.id}" data-status="rejected" tabindex="-1"><div class="tag-head">${tagChip({ id: t.id, tag: t.tag, type: t.type ?? null, status: t.status })}${
          editor
            ? html`<form class="decide" method="post" action="${articleHref(article.id)}/tags">${csrfField(view)}<input type="hidden" name="tag" value="${t.id}"><button type="submit" name="action" value="accept" class="accept" aria-label="قبول وسم ${t.tag}">قبول</button></form>`
            : ''
        }</div></li>`,
      )}</ul></details>`
    : raw('');
  const acceptAll = editor && open > 0
    ? html`<form class="decide accept-all" method="post" action="${articleHref(article.id)}/tags">${csrfField(view)}<input type="hidden" name="action" value="accept-all"><button type="submit" class="secondary" data-accept-all>اقبل كل المقترحات (${open})</button></form>`
    : raw('');
  return html`<h2 id="tags-heading" tabindex="-1">الوسوم (${live.length})</h2>
      ${acceptAll}
      ${tagPanel(tags, editor ? { decide: (t) => decideForm(view, article.id, t) } : {})}
      ${rejectedList}
      <p class="visually-hidden" role="status" aria-live="polite" data-review-status></p>`;
}

export function renderArticle(view: PageView, { article, decisions, flash, queue }: ArticleView): SafeHtml {
  const live = article.tags.filter((t) => t.status !== 'rejected');
  const rejected = article.tags.filter((t) => t.status === 'rejected');
  const tags = shownTags(live, (t) => t.tag);
  const labelOf = new Map(article.tags.map((t) => [t.id, t.tag]));
  const link = webLink(article.url);
  const editor = canEdit(view);
  const title = article.title.trim() || `مقالة ${article.id}`;

  const editing = editor
    ? html`<form method="post" action="${articleHref(article.id)}/tags" class="card" data-add-tag>${csrfField(view)}
  <label for="add-tag">أضف وسمًا من المعجم</label>
  <div class="row"><div class="field"><input type="text" id="add-tag" name="add" list="vocab-options" data-vocab autocomplete="off" required placeholder="اكتب أول حروف الوسم"></div><button type="submit">أضف</button></div>
  <datalist id="vocab-options"></datalist>
</form>
<details class="card create-tag" data-create-details><summary>وسم غير موجود في المعجم؟ أنشئه وأضفه</summary>
<form method="post" action="${articleHref(article.id)}/tags/create" data-create-tag>${csrfField(view)}
  <div class="field"><label for="new-tag-label">اسم الوسم</label><input type="text" id="new-tag-label" name="label" required maxlength="200"></div>
  <div class="field"><label for="new-tag-type">النوع</label><select id="new-tag-type" name="type"><option value="">بلا نوع</option>${TYPES.map((ty) => html`<option value="${ty}">${TYPE_LABELS[ty]}</option>`)}</select></div>
  <div class="field"><label for="new-tag-parent">يتبع <span class="hint">(اختياري: وسم أعم من المعجم)</span></label><input type="text" id="new-tag-parent" name="parent" list="parent-options" data-vocab autocomplete="off"><datalist id="parent-options"></datalist></div>
  <button type="submit">أنشئ الوسم وأضفه إلى المقالة</button>
  <p class="small muted">يُضاف إلى المعجم ويُعاد بناء الواسم في الخلفية.</p>
</form></details>
<div class="actions">
  <form method="post" action="${articleHref(article.id)}/retag">${csrfField(view)}<button type="submit" class="secondary">أعد وسم المقالة</button></form>
  <form method="post" action="${articleHref(article.id)}/delete" data-confirm="حذف هذه المقالة ووسومها نهائيًا؟">${csrfField(view)}<button type="submit" class="danger">احذف المقالة</button></form>
</div>`
    : view.session
      ? html`<p class="small muted">دورك «قارئ»: تقرأ ولا تعدّل.</p>`
      : html`<p class="small"><a href="/ui/login?next=${encodeURIComponent(view.path)}">سجّل الدخول</a> لقبول الوسوم أو رفضها أو إضافتها.</p>`;

  const history = decisions.length
    ? html`<details class="card"><summary>سجل قرارات المحررين (${decisions.length})</summary><ul class="small">${decisions.map(
        (d) => html`<li>${d.editor} ${ACTION_LABELS[d.action] ?? d.action} «${labelOf.get(d.tagId) ?? d.tagId}» (${d.fromStatus ? statusLabel(d.fromStatus) : 'جديد'} ← ${statusLabel(d.toStatus)}) — <time datetime="${d.at}">${formatDate(d.at)}</time></li>`,
      )}</ul></details>`
    : raw('');

  const queueNav = queue
    ? html`<nav class="queue-nav small" aria-label="طابور المراجعة">${queue.prev ? html`<a href="${articleHref(queue.prev)}?queue=${queue.state}" rel="prev" data-key="p">→ السابقة</a>` : ''} <a href="/ui/queue?state=${queue.state}">الطابور</a> ${queue.next ? html`<a href="${articleHref(queue.next)}?queue=${queue.state}" rel="next" data-key="n">التالية ←</a>` : html`<span class="muted">لا مقالة بعدها في الطابور</span>`}</nav>`
    : raw('');
  const content = html`<div class="crumbs"><a href="/">المقالات</a> › <a href="/ui/queue">طابور المراجعة</a> › مقالة ${article.id}</div>
${queueNav}
<div class="article-layout">
  <article class="article-text card" aria-labelledby="article-title">
    <h1 id="article-title">${article.title.trim() ? highlightLine(article.title, 'title', tags) : title}</h1>
    <div class="meta"><span>${formatDate(article.publishedAt ?? article.createdAt)}</span>${article.externalId ? html`<span>المعرّف <span class="ltr">${article.externalId}</span></span>` : ''}${link ? html`<a href="${link}" rel="noopener noreferrer nofollow" class="ltr">${readableUrl(link)}</a>` : ''}</div>
    <p class="to-tags small"><a href="#tags-heading">إلى الوسوم (${live.length}) ↓</a></p>
    <div class="body">${highlightParagraphs(article.body, 'body', tags)}</div>
  </article>
  <aside aria-labelledby="tags-heading">
    ${editor ? html`<p class="small muted keys-hint">اختصارات لوحة المفاتيح: اضغط <kbd>?</kbd></p>` : ''}
    <section class="card" id="tags" data-review="${article.id}">
      ${renderTagsSection(view, article)}
    </section>
    ${editing}
    ${legend()}
    ${history}
  </aside>
</div>
${editor ? helpDialog() : ''}`;
  return page(view, { title, section: 'articles', content, flash });
}

const SHORTCUTS: [string, string][] = [
  ['j / k', 'الوسم التالي / السابق'],
  ['a', 'اقبل الوسم المحدد'],
  ['r', 'ارفض الوسم المحدد'],
  ['u', 'تراجع عن آخر قرار'],
  ['A', 'اقبل كل المقترحات الباقية'],
  ['n / p', 'المقالة التالية / السابقة في الطابور'],
  ['/', 'البحث'],
  ['t', 'أضف وسمًا'],
  ['?', 'هذه المساعدة'],
];

/** The `?` overlay listing the shortcuts (a native dialog: Escape closes it, focus returns). */
export function helpDialog(): SafeHtml {
  return html`<dialog id="shortcuts" aria-labelledby="shortcuts-title" class="card"><h2 id="shortcuts-title">اختصارات لوحة المفاتيح</h2>
<table class="table"><tbody>${SHORTCUTS.map(([k, v]) => html`<tr><th scope="row"><kbd dir="ltr">${k}</kbd></th><td>${v}</td></tr>`)}</tbody></table>
<form method="dialog"><button type="submit">إغلاق</button></form></dialog>`;
}

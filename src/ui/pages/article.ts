/** One stored article: highlighted text, its tags with the editor's decisions, and the decision log. */
import type { DecisionRecord, StoredArticle } from '../../storage/index.js';
import { articleHref, tagChip } from '../components.js';
import { highlightLine, highlightParagraphs } from '../highlight.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatDate, KIND_HINTS, KIND_LABELS, statusLabel, TYPE_LABELS } from '../labels.js';
import { csrfField, page, type Flash, type PageView, canEdit } from '../layout.js';
import { KIND_ORDER, shownTags, tagPanel, type ShownTag } from './tags-panel.js';

export interface ArticleView {
  article: StoredArticle;
  decisions: DecisionRecord[];
  flash?: Flash | undefined;
}

const ACTION_LABELS: Record<string, string> = { accept: 'قَبِل', reject: 'رفض', add: 'أضاف' };

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

export function renderArticle(view: PageView, { article, decisions, flash }: ArticleView): SafeHtml {
  const live = article.tags.filter((t) => t.status !== 'rejected');
  const rejected = article.tags.filter((t) => t.status === 'rejected');
  const tags = shownTags(live, (t) => t.tag);
  const labelOf = new Map(article.tags.map((t) => [t.id, t.tag]));
  const link = webLink(article.url);
  const editor = canEdit(view);
  const title = article.title.trim() || `مقالة ${article.id}`;

  const rejectedList = rejected.length
    ? html`<details class="rejected-list"><summary>وسوم مرفوضة (${rejected.length})</summary><ul class="tag-list">${rejected.map(
        (t) => html`<li><div class="tag-head">${tagChip({ id: t.id, tag: t.tag, type: t.type ?? null, status: t.status })}${
          editor
            ? html`<form class="decide" method="post" action="${articleHref(article.id)}/tags">${csrfField(view)}<input type="hidden" name="tag" value="${t.id}"><button type="submit" name="action" value="accept" class="accept" aria-label="قبول وسم ${t.tag}">قبول</button></form>`
            : ''
        }</div></li>`,
      )}</ul></details>`
    : raw('');

  const editing = editor
    ? html`<form method="post" action="${articleHref(article.id)}/tags" class="card">${csrfField(view)}
  <label for="add-tag">أضف وسمًا من المعجم</label>
  <div class="row"><div class="field"><input type="text" id="add-tag" name="add" list="vocab-options" data-vocab autocomplete="off" required placeholder="اكتب أول حروف الوسم"></div><button type="submit">أضف</button></div>
  <datalist id="vocab-options"></datalist>
</form>
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

  const content = html`<div class="crumbs"><a href="/">المقالات</a> › مقالة ${article.id}</div>
<div class="article-layout">
  <article class="article-text card" aria-labelledby="article-title">
    <h1 id="article-title">${article.title.trim() ? highlightLine(article.title, 'title', tags) : title}</h1>
    <div class="meta"><span>${formatDate(article.publishedAt ?? article.createdAt)}</span>${article.externalId ? html`<span>المعرّف <span class="ltr">${article.externalId}</span></span>` : ''}${link ? html`<a href="${link}" rel="noopener noreferrer nofollow" class="ltr">${link}</a>` : ''}</div>
    <p class="to-tags small"><a href="#tags-heading">إلى الوسوم (${live.length}) ↓</a></p>
    <div class="body">${highlightParagraphs(article.body, 'body', tags)}</div>
  </article>
  <aside aria-labelledby="tags-heading">
    <section class="card" id="tags">
      <h2 id="tags-heading" tabindex="-1">الوسوم (${live.length})</h2>
      ${tagPanel(tags, editor ? { decide: (t) => decideForm(view, article.id, t) } : {})}
      ${rejectedList}
    </section>
    ${editing}
    ${legend()}
    ${history}
  </aside>
</div>`;
  return page(view, { title, section: 'articles', content, flash });
}

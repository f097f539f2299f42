/** Tag a text: paste a title and body, see the tags and the highlighted text at once, optionally store it. */
import type { TagResult } from '../../core/index.js';
import { highlightLine, highlightParagraphs } from '../highlight.js';
import { html, raw, type SafeHtml } from '../html.js';
import { csrfField, page, type Flash, type PageView, canEdit } from '../layout.js';
import { legend } from './article.js';
import { shownTags, tagPanel } from './tags-panel.js';

export interface TagTextInput {
  title: string;
  body: string;
  url?: string | undefined;
  externalId?: string | undefined;
  /** The publication date (YYYY-MM-DD) to store the article with. */
  publishedAt?: string | undefined;
  save: boolean;
}

export interface TagTextView {
  input: TagTextInput;
  results?: TagResult[] | undefined;
  flash?: Flash | undefined;
}

export function renderTagText(view: PageView, { input, results, flash }: TagTextView): SafeHtml {
  const tags = results ? shownTags(results, (r) => r.tag) : [];
  const saveControls = canEdit(view)
    ? html`<fieldset><legend>الحفظ</legend>
  <label class="check"><input type="checkbox" name="save" value="1"${input.save ? raw(' checked') : ''}> احفظها مقالة بعد الوسم</label>
  <div class="row">
    <div class="field"><label for="url">الرابط <span class="hint">(اختياري)</span></label><input type="url" id="url" name="url" dir="ltr" value="${input.url ?? ''}"></div>
    <div class="field"><label for="externalId">المعرّف في نظام النشر <span class="hint">(اختياري)</span></label><input type="text" id="externalId" name="externalId" dir="ltr" value="${input.externalId ?? ''}"></div>
    <div class="field"><label for="publishedAt">تاريخ النشر <span class="hint">(اختياري؛ اليوم إن تُرك)</span></label><input type="date" id="publishedAt" name="publishedAt" value="${input.publishedAt ?? ''}"></div>
  </div>
</fieldset>`
    : html`<p class="small muted"><a href="/ui/login?next=/ui/tag">سجّل الدخول</a> لحفظ النص مقالة.</p>`;

  const result = results
    ? html`<section class="article-layout" aria-labelledby="result-heading">
  <div class="article-text card">
    <h2 id="result-heading" class="visually-hidden">النص موسومًا</h2>
    ${input.title.trim() ? html`<h1>${highlightLine(input.title, 'title', tags)}</h1>` : ''}
    <div class="body">${highlightParagraphs(input.body, 'body', tags)}</div>
  </div>
  <aside><section class="card"><h2>الوسوم (${tags.length})</h2>${tagPanel(tags)}</section>${legend()}</aside>
</section>`
    : raw('');

  const content = html`<h1>وسم نص</h1>
<form method="post" action="/ui/tag" class="card">${csrfField(view)}
  <div class="field"><label for="title">العنوان</label><input type="text" id="title" name="title" value="${input.title}"></div>
  <div class="field"><label for="body">النص</label><textarea id="body" name="body" rows="10">${input.body}</textarea></div>
  ${saveControls}
  <div class="actions"><button type="submit">ضع الوسوم</button></div>
</form>
${result}`;
  return page(view, { title: 'وسم نص', section: 'tag', content, flash });
}

/** The vocabulary: search, add, edit, merge, delete, import, and the tags never or too often used. */
import type { TagUsage, VocabularyRecord } from '../../storage/index.js';
import { entryHref, pager, tagChip, tagHref } from '../components.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatNumber, TYPE_LABELS, typeLabel } from '../labels.js';
import { csrfField, page, type Flash, type PageView, canEdit } from '../layout.js';

export type VocabularyTab = 'all' | 'unused' | 'overused';

export interface VocabularyView {
  tab: VocabularyTab;
  q?: string | undefined;
  type?: string | undefined;
  entries?: VocabularyRecord[];
  /** Labels of the entries' parents, by id. */
  parentLabels?: ReadonlyMap<string, string>;
  usage?: TagUsage[];
  total: number;
  page: number;
  perPage: number;
  /** Stored articles, and the share of them above which a tag counts as used too often. */
  articleTotal: number;
  overuseShare: number;
  version: number;
  flash?: Flash | undefined;
}

function typeOptions(selected: string | undefined, emptyLabel: string): SafeHtml {
  return html`<option value="">${emptyLabel}</option>${Object.entries(TYPE_LABELS).map(([value, label]) => html`<option value="${value}"${selected === value ? raw(' selected') : ''}>${label}</option>`)}`;
}

function entryCard(e: VocabularyRecord, editor: boolean, parentLabels: ReadonlyMap<string, string>): SafeHtml {
  return html`<li>
  <div class="entry-head"><h3><a href="${tagHref(e.id)}">${e.label}</a></h3><span class="badge">${typeLabel(e.type)}</span>${e.ambiguous ? html`<span class="badge warn">ملتبس</span>` : ''}<span class="small muted ltr">${e.id}</span>
  ${editor ? html`<a class="small" href="${entryHref(e.id)}" aria-label="تعديل ${e.label}">تعديل</a>` : ''}</div>
  ${e.aliases.length ? html`<div class="small">أسماء أخرى: ${e.aliases.join('، ')}</div>` : ''}
  ${e.nisba.length ? html`<div class="small muted">النسبة: ${e.nisba.join('، ')}</div>` : ''}
  ${e.parent ? html`<div class="small muted">يتبع: <a href="${tagHref(e.parent)}">${parentLabels.get(e.parent) ?? e.parent}</a></div>` : ''}
</li>`;
}

function usageCard(u: TagUsage, articleTotal: number): SafeHtml {
  const share = articleTotal ? Math.round((u.count / articleTotal) * 100) : 0;
  return html`<li><div class="entry-head">${tagChip({ id: u.id, label: u.label, type: u.type ?? null })}<span class="badge">${typeLabel(u.type)}</span>${u.count ? html`<span>${formatNumber(u.count)} مقالة (${formatNumber(share)}٪)</span>` : ''}</div></li>`;
}

/** The form fields of an entry, empty for a new one. */
export function entryFields(view: PageView, e: Partial<VocabularyRecord>, idPrefix: string): SafeHtml {
  return html`<div class="row">
  <div class="field"><label for="${idPrefix}-label">الاسم</label><input type="text" id="${idPrefix}-label" name="label" value="${e.label ?? ''}" required></div>
  <div class="field"><label for="${idPrefix}-type">النوع</label><select id="${idPrefix}-type" name="type">${typeOptions(e.type, 'بلا نوع')}</select></div>
</div>
<div class="field"><label for="${idPrefix}-aliases">أسماء أخرى <span class="hint">(واحد في كل سطر، أو بينها فاصلة)</span></label><textarea id="${idPrefix}-aliases" name="aliases" rows="3">${(e.aliases ?? []).join('\n')}</textarea></div>
<div class="field"><label for="${idPrefix}-nisba">صيغ النسبة <span class="hint">(للأماكن: مصري، المصرية…)</span></label><textarea id="${idPrefix}-nisba" name="nisba" rows="2">${(e.nisba ?? []).join('\n')}</textarea></div>
<div class="row">
  <div class="field"><label for="${idPrefix}-parent">يتبع <span class="hint">(معرّف الأصل أو اسمه)</span></label><input type="text" id="${idPrefix}-parent" name="parent" value="${e.parent ?? ''}" list="${idPrefix}-parents" data-vocab data-vocab-id autocomplete="off"><datalist id="${idPrefix}-parents"></datalist></div>
  <div class="field"><label class="check"><input type="checkbox" name="ambiguous" value="1"${e.ambiguous ? raw(' checked') : ''}> ملتبس (كلمة شائعة أيضًا)</label></div>
</div>
<div class="field"><label for="${idPrefix}-note">ملاحظة</label><input type="text" id="${idPrefix}-note" name="note" value="${e.note ?? ''}" dir="auto"></div>
${csrfField(view)}`;
}

function editorForms(view: PageView): SafeHtml {
  return html`<div class="card tools">
<details id="add">
  <summary>أضف وسمًا</summary>
  <form method="post" action="/ui/vocabulary">
    <div class="field"><label for="new-id">المعرّف <span class="hint">(اختياري؛ يُشتق من الاسم)</span></label><input type="text" id="new-id" name="id" dir="ltr"></div>
    ${entryFields(view, {}, 'new')}
    <label class="check"><input type="checkbox" name="retag" value="1" checked> أعد وسم المقالات التي فيها الاسم</label>
    <div class="actions"><button type="submit">أضف</button></div>
  </form>
</details>
<details id="merge">
  <summary>ادمج وسمين</summary>
  <form method="post" action="/ui/vocabulary/merge" data-confirm="دمج الوسمين؟ يصير الأول اسمًا آخر للثاني وتنتقل إليه مقالاته.">${csrfField(view)}
    <p class="small muted">يصير الوسم الأول اسمًا آخر للثاني، وتنتقل وسوم مقالاته إليه، ثم يُحذف.</p>
    <div class="field"><label for="merge-from">ادمج</label><input type="text" id="merge-from" name="from" list="merge-from-list" data-vocab data-vocab-id autocomplete="off" required dir="auto"><datalist id="merge-from-list"></datalist></div>
    <div class="field"><label for="merge-into">في</label><input type="text" id="merge-into" name="into" list="merge-into-list" data-vocab data-vocab-id autocomplete="off" required dir="auto"><datalist id="merge-into-list"></datalist></div>
    <div class="actions"><button type="submit">ادمج</button></div>
  </form>
</details>
<details id="import">
  <summary>استورد ملفًا</summary>
  <form method="post" action="/ui/vocabulary/import">${csrfField(view)}
    <div class="field"><label for="import-file">الملف <span class="hint">(txt أو csv أو jsonl)</span></label><input type="file" id="import-file" accept=".txt,.csv,.json,.jsonl,text/plain,text/csv,application/json" data-read-into="import-text" data-format="import-format"></div>
    <div class="field"><label for="import-text">محتوى الملف <span class="hint">(يُملأ عند اختيار ملف، أو الصقه هنا)</span></label><textarea id="import-text" name="text" rows="5" dir="auto" required></textarea></div>
    <div class="row">
      <div class="field"><label for="import-format">الصيغة</label><select id="import-format" name="format"><option value="txt">txt — اسم في كل سطر</option><option value="csv">csv</option><option value="jsonl">jsonl</option><option value="json">json</option></select></div>
      <div class="field"><label for="import-mode">الطريقة</label><select id="import-mode" name="mode"><option value="merge">أضف وحدّث</option><option value="replace">استبدل المعجم كله</option></select></div>
    </div>
    <div class="actions"><button type="submit">استورد</button></div>
  </form>
</details>
<details id="export">
  <summary>صدّر المعجم</summary>
  <p class="actions"><a class="button secondary" href="/ui/vocabulary/export?format=jsonl" download>jsonl</a><a class="button secondary" href="/ui/vocabulary/export?format=csv" download>csv</a><a class="button secondary" href="/ui/vocabulary/export?format=txt" download>txt</a></p>
</details>
</div>`;
}

export function renderVocabulary(view: PageView, v: VocabularyView): SafeHtml {
  const editor = canEdit(view);
  const tab = (id: VocabularyTab, label: string) => html`<li><a href="/ui/vocabulary${id === 'all' ? '' : `?view=${id}`}"${v.tab === id ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
  const params = { view: v.tab === 'all' ? undefined : v.tab, q: v.q, type: v.type };
  let list: SafeHtml;
  if (v.tab === 'all') {
    list = v.entries?.length ? html`<ol class="entries">${v.entries.map((e) => entryCard(e, editor, v.parentLabels ?? new Map()))}</ol>` : html`<p class="muted">لا مدخلات تطابق البحث.</p>`;
  } else {
    const explain =
      v.tab === 'unused'
        ? 'وسوم في المعجم لم تُوسم بها أي مقالة محفوظة: قد تكون زائدة أو مكتوبة بغير ما تكتبه الأخبار.'
        : `وسوم على أكثر من ${formatNumber(Math.round(v.overuseShare * 100))}٪ من المقالات (${formatNumber(v.articleTotal)} مقالة): قد تكون كلمات عامة لا تصلح وسمًا.`;
    list = html`<p class="small muted">${explain}</p>${v.usage?.length ? html`<ol class="entries">${v.usage.map((u) => usageCard(u, v.articleTotal))}</ol>` : html`<p class="muted">لا شيء هنا.</p>`}`;
  }
  const content = html`<h1>المعجم</h1>
<p class="muted small">${formatNumber(v.total)} ${v.tab === 'all' ? 'مدخلًا' : 'وسمًا'} · نسخة المعجم ${formatNumber(v.version)}</p>
<ul class="tabs" aria-label="العرض">${tab('all', 'كل المدخلات')}${tab('unused', 'لم تُستعمل قط')}${tab('overused', 'تُستعمل كثيرًا')}</ul>
${v.tab === 'all'
    ? html`<form class="card filters" method="get" action="/ui/vocabulary" role="search"><div class="row">
  <div class="field"><label for="vq">بحث</label><input type="search" id="vq" name="q" data-search value="${v.q ?? ''}" placeholder="اسم أو اسم آخر"></div>
  <div class="field"><label for="vtype">النوع</label><select id="vtype" name="type">${typeOptions(v.type, 'كل الأنواع')}</select></div>
  <button type="submit">ابحث</button>
</div></form>`
    : ''}
${editor ? editorForms(view) : html`<p class="small"><a href="/ui/login?next=/ui/vocabulary">سجّل الدخول</a> لتعديل المعجم.</p>`}
${list}
${pager('/ui/vocabulary', params, v.page, v.total, v.perPage)}`;
  return page(view, { title: 'المعجم', section: 'vocabulary', content, flash: v.flash });
}

export interface EntryView {
  entry: VocabularyRecord;
  count: number;
  flash?: Flash | undefined;
}

export function renderEntry(view: PageView, { entry, count, flash }: EntryView): SafeHtml {
  const action = entryHref(entry.id);
  const content = html`<div class="crumbs"><a href="/ui/vocabulary">المعجم</a> › ${entry.label}</div>
<h1>تعديل «${entry.label}»</h1>
<p class="muted small">المعرّف <span class="ltr">${entry.id}</span> · ${formatNumber(count)} مقالة · <a href="${tagHref(entry.id)}">صفحة الوسم</a></p>
<form method="post" action="${action}" class="card">
  ${entryFields(view, entry, 'edit')}
  <label class="check"><input type="checkbox" name="retag" value="1" checked> أعد وسم المقالات التي قد يغيّرها التعديل</label>
  <div class="actions"><button type="submit">احفظ</button></div>
</form>
<div class="grid-2">
  <form method="post" action="${action}/merge" class="card" data-confirm="دمج «${entry.label}» في وسم آخر؟">${csrfField(view)}
    <h2>ادمجه في وسم آخر</h2>
    <div class="field"><label for="into">الوسم</label><input type="text" id="into" name="into" list="into-list" data-vocab data-vocab-id autocomplete="off" required dir="auto"><datalist id="into-list"></datalist></div>
    <button type="submit">ادمج</button>
  </form>
  <form method="post" action="${action}/delete" class="card" data-confirm="حذف «${entry.label}» من المعجم ومن وسوم المقالات؟">${csrfField(view)}
    <h2>احذفه</h2>
    <p class="small muted">يُحذف من المعجم ومن وسوم المقالات.</p>
    <button type="submit" class="danger">احذف «${entry.label}»</button>
  </form>
</div>`;
  return page(view, { title: `تعديل ${entry.label}`, section: 'vocabulary', content, flash });
}

/**
 * «وسوم مقترحة»: the names the archive keeps naming that the vocabulary lacks (see
 * src/server/suggestions.ts), each with its examples; an editor accepts one as it is, edits it
 * first, or dismisses it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WasimError, type TagType } from '../../core/index.js';
import type { AppContext } from '../../server/context.js';
import type { AcceptEdits, StoredSuggestion, SuggestionState } from '../../server/suggestions.js';
import { entryHref } from '../components.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatDate, typeLabel, TYPES } from '../labels.js';
import { csrfField, page, type Flash, type PageView } from '../layout.js';
import type { Session } from '../session.js';

const MESSAGES: Record<string, Flash> = {
  dismissed: { kind: 'ok', text: 'أُهمل الاقتراح، ولن يُقترح ثانية.' },
  refreshing: { kind: 'info', text: 'يُعاد استخراج الاقتراحات من الأرشيف؛ حدّث الصفحة بعد قليل.' },
};

function exampleLine(e: StoredSuggestion['examples'][number]): SafeHtml {
  // The context is the field's text around the mention; the mention is marked in it.
  const at = e.context.indexOf(e.text);
  const body = at >= 0 ? html`${e.context.slice(0, at)}<mark>${e.text}</mark>${e.context.slice(at + e.text.length)}` : html`${e.context}`;
  const href = /^\d{1,12}$/.test(e.id) ? `/ui/articles/${e.id}` : undefined;
  return html`<li><q dir="rtl">${body}</q>${href ? html` <a class="small" href="${href}">المقالة</a>` : ''}</li>`;
}

function card(view: PageView, s: StoredSuggestion): SafeHtml {
  const editing = view.session !== undefined;
  const burst = s.burst >= 0.5 ? html` · <span class="badge">صاعد</span>` : '';
  const seen = s.firstSeen ? html` · من ${formatDate(s.firstSeen)} إلى ${formatDate(s.lastSeen)}` : '';
  const typeOptions = [html`<option value="">بلا نوع</option>`, ...TYPES.map((t) => html`<option value="${t}"${t === s.type ? raw(' selected') : ''}>${typeLabel(t)}</option>`)];
  return html`<article class="card suggestion" data-suggestion="${s.id}">
  <h2>${s.label} <span class="chip">${typeLabel(s.type)}</span></h2>
  <p class="meta small">${s.articles} مقالة · ${s.mentions} ذكرًا${seen}${burst}${s.parent ? html` · ضمن ${s.parent}` : ''}</p>
  ${s.variants.length > 0 ? html`<p class="small">صيغ أخرى: ${s.variants.slice(0, 8).join('، ')}</p>` : ''}
  <ul class="examples small">${s.examples.map(exampleLine)}</ul>
  ${
    editing
      ? html`<div class="actions">
    <form method="post" action="/ui/suggestions/${s.id}/accept">${csrfField(view)}<button type="submit" name="as" value="is">اقبله وسمًا</button></form>
    <form method="post" action="/ui/suggestions/${s.id}/dismiss">${csrfField(view)}<button type="submit" class="secondary">أهمله</button></form>
  </div>
  <details><summary>عدّله قبل القبول</summary>
    <form method="post" action="/ui/suggestions/${s.id}/accept" class="edit">${csrfField(view)}
      <div class="field"><label for="label-${s.id}">الاسم</label><input type="text" id="label-${s.id}" name="label" value="${s.label}" required dir="auto"></div>
      <div class="field"><label for="type-${s.id}">النوع</label><select id="type-${s.id}" name="type">${typeOptions}</select></div>
      <div class="field"><label for="aliases-${s.id}">صيغ بديلة (سطر لكل صيغة)</label><textarea id="aliases-${s.id}" name="aliases" rows="3" dir="auto">${s.variants.slice(0, 10).join('\n')}</textarea></div>
      <div class="field"><label for="parent-${s.id}">الأصل (لمكان)</label><input type="text" id="parent-${s.id}" name="parent" value="${s.parent ?? ''}" dir="auto"></div>
      <button type="submit">احفظ واقبل</button>
    </form>
  </details>`
      : ''
  }
</article>`;
}

export function renderSuggestions(view: PageView, state: SuggestionState, flash?: Flash): SafeHtml {
  const status = state.running
    ? html`<p class="muted">يُستخرج الآن من الأرشيف…</p>`
    : state.refreshedAt
      ? html`<p class="muted small">من ${state.articles} مقالة محفوظة، آخر تحديث ${formatDate(state.refreshedAt)}.</p>`
      : html`<p class="muted">لم تُستخرج الاقتراحات بعد.</p>`;
  const refresh = view.session ? html`<form method="post" action="/ui/suggestions/refresh">${csrfField(view)}<button type="submit" class="secondary">حدّث الآن</button></form>` : '';
  const list = state.suggestions.length > 0 ? state.suggestions.map((s) => card(view, s)) : [html`<p>لا اقتراحات الآن.</p>`];
  const content = html`<h1>وسوم مقترحة</h1>
<p>أسماء أشخاص ومؤسسات وأماكن تتكرر في المقالات المحفوظة وليست في المعجم.${view.session ? '' : html` <a href="/ui/login?next=/ui/suggestions">ادخل</a> لتقبلها أو تهملها.`}</p>
${status}${state.error ? html`<div class="flash error" role="alert">${state.error}</div>` : ''}
${refresh}
<section class="suggestions">${list}</section>`;
  return page(view, { title: 'وسوم مقترحة', section: 'suggestions', content, flash });
}

type Body = Record<string, unknown> | undefined;

function field(body: Body, name: string): string | undefined {
  const v = body?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

function editsOf(body: Body): AcceptEdits {
  if (field(body, 'as') === 'is' || field(body, 'label') === undefined) return {};
  const type = field(body, 'type')?.trim();
  if (type && !TYPES.includes(type as TagType)) throw WasimError.of('VALIDATION', 'unknownType', { type });
  return {
    label: (field(body, 'label') ?? '').trim(),
    type: type ? (type as TagType) : null,
    aliases: (field(body, 'aliases') ?? '')
      .split(/[\n\r،,]+/)
      .map((a) => a.trim())
      .filter(Boolean),
    parent: field(body, 'parent')?.trim() || null,
  };
}

interface Helpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  reader(req: FastifyRequest): Session | undefined;
  editor(req: FastifyRequest): Session;
}

function sendHtml(reply: FastifyReply, markup: SafeHtml): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup.value);
}

/** The page's routes under /ui. */
export async function suggestionUiRoutes(ui: FastifyInstance, ctx: AppContext, { viewOf, reader, editor }: Helpers): Promise<void> {
  const service = () => {
    if (!ctx.suggestions) throw WasimError.of('NOT_READY', 'noSuggestions', {});
    return ctx.suggestions;
  };
  ui.get('/suggestions', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const msg = (req.query as Record<string, unknown>)?.msg;
    return sendHtml(reply, renderSuggestions(viewOf(req), await service().list(), typeof msg === 'string' ? MESSAGES[msg] : undefined));
  });
  ui.post<{ Params: { id: string } }>('/suggestions/:id/accept', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const entry = await service().accept(req.params.id, editsOf(req.body as Body));
    return reply.code(303).redirect(`${entryHref(entry.id)}?msg=created`);
  });
  ui.post<{ Params: { id: string } }>('/suggestions/:id/dismiss', { schema: { hide: true } }, async (req, reply) => {
    const session = editor(req);
    await service().dismiss(req.params.id, session.editor);
    return reply.code(303).redirect('/ui/suggestions?msg=dismissed');
  });
  ui.post('/suggestions/refresh', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    void service().refresh();
    return reply.code(303).redirect('/ui/suggestions?msg=refreshing');
  });
}

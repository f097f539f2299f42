/**
 * Reviewing without reloads and the review queue. The article page's script posts decisions
 * (accept, reject, undo, accept all, add) as JSON here, with the session's CSRF token in a
 * header, and swaps in the tag panel rendered by the same code as the page; the page's forms
 * stay the no-JavaScript path. The queue lists articles by review state with counts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WasimError } from '../core/index.js';
import type { AppContext } from '../server/context.js';
import { REVIEW_STATES, type QueueFilter, type ReviewState } from '../storage/index.js';
import { articleHref } from './components.js';
import { html, raw, type SafeHtml } from './html.js';
import { countLabel, formatDate, TYPE_LABELS, TYPES } from './labels.js';
import { canEdit, csrfField, page, type PageView } from './layout.js';
import { renderArticleText, renderTagsSection } from './pages/article.js';
import type { Session } from './session.js';

export interface ReviewHelpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  reader(req: FastifyRequest): Session | undefined;
  editor(req: FastifyRequest): Session;
  sendHtml(reply: FastifyReply, markup: SafeHtml, status?: number): FastifyReply;
}

const STATE_LABELS: Record<ReviewState, string> = { unreviewed: 'لم تُراجع', partial: 'رُوجعت جزئيًا', reviewed: 'رُوجعت' };
const QUEUE_PAGE = 50;

export function queueState(raw: unknown): ReviewState {
  return typeof raw === 'string' && REVIEW_STATES.includes(raw as ReviewState) ? (raw as ReviewState) : 'unreviewed';
}

function isoDay(raw: unknown, end: boolean): string | undefined {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) return undefined;
  return end ? `${raw}T23:59:59.999Z` : `${raw}T00:00:00.000Z`;
}

function articleIdOf(raw: string): number {
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw WasimError.of('NOT_FOUND', 'article', { id: JSON.stringify(raw) });
  return id;
}

export interface QueueData {
  state: ReviewState;
  counts: Record<ReviewState, number>;
  items: { id: number; title: string; date: string; open: number; decided: number }[];
  from?: string;
  to?: string;
  source?: string;
  type?: string;
  sources: { host: string; count: number }[];
  /** After a bulk action: how many articles it changed. */
  bulk?: { n: number; action: string };
}

export function renderQueue(view: PageView, data: QueueData): SafeHtml {
  const params = new URLSearchParams();
  for (const k of ['from', 'to', 'source', 'type'] as const) if (data[k]) params.set(k, data[k]!);
  const rest = params.toString() ? `&${params.toString()}` : '';
  const tabs = REVIEW_STATES.map(
    (s) => html`<li><a href="/ui/queue?state=${s}${rest}"${s === data.state ? html` aria-current="page"` : ''}>${STATE_LABELS[s]} <span class="badge">${countLabel(data.counts[s], 'article')}</span></a></li>`,
  );
  const first = data.items[0];
  const editor = canEdit(view);
  const flash = data.bulk ? { kind: 'ok' as const, text: `${data.bulk.action === 'reject' ? 'رُفض' : 'قُبل'} الوسم في ${countLabel(data.bulk.n, 'article')}.` } : undefined;
  const list = html`<ol class="queue-list">${data.items.map(
    (a) => html`<li>${editor ? html`<input type="checkbox" name="ids" value="${a.id}" id="pick-${a.id}" form="bulk-form" aria-label="اختر: ${a.title.trim() || `مقالة ${a.id}`}"> ` : ''}<a href="${articleHref(a.id)}?queue=${data.state}">${a.title.trim() || `مقالة ${a.id}`}</a> <span class="small muted">${formatDate(a.date)} — ${countLabel(a.open, 'suggestion')} مفتوحة، ${countLabel(a.decided, 'decision')}</span></li>`,
  )}</ol>`;
  const content = html`<section class="card" aria-labelledby="queue-title">
  <h1 id="queue-title">طابور المراجعة</h1>
  <nav aria-label="حالة المراجعة"><ul class="tabs">${tabs}</ul></nav>
  <form method="get" action="/ui/queue" class="row filters">
    <input type="hidden" name="state" value="${data.state}">
    <div class="field"><label for="queue-from">من تاريخ</label><input type="date" id="queue-from" name="from" value="${data.from ?? ''}"></div>
    <div class="field"><label for="queue-to">إلى تاريخ</label><input type="date" id="queue-to" name="to" value="${data.to ?? ''}"></div>
    <div class="field"><label for="queue-source">المصدر</label><select id="queue-source" name="source"><option value="">كل المصادر</option>${data.sources.map((s) => html`<option value="${s.host}"${s.host === data.source ? html` selected` : ''}>${s.host} (${s.count})</option>`)}</select></div>
    <div class="field"><label for="queue-type">نوع الوسم</label><select id="queue-type" name="type"><option value="">كل الأنواع</option>${TYPES.map((t) => html`<option value="${t}"${t === data.type ? html` selected` : ''}>${TYPE_LABELS[t]}</option>`)}</select></div>
    <button type="submit" class="secondary">صفِّ</button>
  </form>
  ${first ? html`<p><a class="button" href="${articleHref(first.id)}?queue=${data.state}" data-queue-start data-key="n">ابدأ المراجعة: ${first.title.trim() || `مقالة ${first.id}`}</a></p>` : html`<p class="muted">لا مقالات في هذه الحالة.</p>`}
  ${list}
  ${editor && data.items.length ? html`<form method="post" action="/ui/queue/bulk" id="bulk-form" class="row bulk">${csrfField(view)}
    <input type="hidden" name="back" value="/ui/queue?state=${data.state}${rest}">
    <div class="field"><label for="bulk-tag">وسم واحد للمقالات المختارة</label><input type="text" id="bulk-tag" name="tag" list="bulk-options" data-vocab autocomplete="off" required><datalist id="bulk-options"></datalist></div>
    <button type="submit" name="action" value="accept">اقبله فيها</button>
    <button type="submit" name="action" value="reject" class="danger">ارفضه فيها</button>
  </form>` : raw('')}
</section>`;
  return page(view, { title: 'طابور المراجعة', section: 'queue', content, flash });
}

const TYPE_NAMES = ['place', 'person', 'organisation', 'topic', 'event'];

/** A new vocabulary entry from the inline form: label, type and parent; the tagger recompiles in the background. */
async function createEntry(ctx: AppContext, body: Record<string, unknown>) {
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const label = text('label').slice(0, 200);
  if (!label) throw WasimError.of('VALIDATION', 'newTagNeedsLabel', {});
  const type = text('type');
  if (type && !TYPE_NAMES.includes(type)) throw WasimError.of('VALIDATION', 'unknownType', { type });
  const parentRef = text('parent');
  let parent: string | null = null;
  if (parentRef) {
    const found = await ctx.repo.resolveVocabulary(parentRef);
    if (!found) throw WasimError.of('NOT_FOUND', 'parentEntry', { ref: parentRef });
    parent = found.id;
  }
  const known = await ctx.repo.resolveVocabulary(label);
  if (known) return known;
  return ctx.service.addEntry({ label, aliases: [], nisba: [], type: (type || null) as never, parent, ambiguous: false, note: null }, false);
}

export async function reviewRoutes(ui: FastifyInstance, ctx: AppContext, h: ReviewHelpers): Promise<void> {
  ui.get('/queue', { schema: { hide: true } }, async (req, reply) => {
    h.reader(req);
    const q = (req.query ?? {}) as Record<string, unknown>;
    const state = queueState(q.state);
    const from = isoDay(q.from, false);
    const to = isoDay(q.to, true);
    const source = typeof q.source === 'string' && /^[\w.:-]{1,200}$/u.test(q.source) ? q.source : undefined;
    const type = typeof q.type === 'string' && TYPE_NAMES.includes(q.type) ? q.type : undefined;
    const filter: QueueFilter = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(source ? { source } : {}), ...(type ? { type } : {}) };
    const [counts, items, sources] = await Promise.all([ctx.repo.review.counts(filter), ctx.repo.review.list({ ...filter, state }, { limit: QUEUE_PAGE }), ctx.repo.review.sources()]);
    const n = typeof q.n === 'string' && /^\d{1,6}$/.test(q.n) ? Number(q.n) : undefined;
    const bulk = q.msg === 'bulk' && n !== undefined ? { n, action: q.action === 'reject' ? 'reject' : 'accept' } : undefined;
    return h.sendHtml(
      reply,
      renderQueue(h.viewOf(req), { state, counts, items, sources, ...(from ? { from: String(q.from) } : {}), ...(to ? { to: String(q.to) } : {}), ...(source ? { source } : {}), ...(type ? { type } : {}), ...(bulk ? { bulk } : {}) }),
    );
  });

  // One tag accepted (added where missing) or rejected (where present) across the chosen articles.
  ui.post('/queue/bulk', { schema: { hide: true } }, async (req, reply) => {
    const session = h.editor(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const rawIds = Array.isArray(body.ids) ? body.ids : body.ids !== undefined ? [body.ids] : [];
    const ids = [...new Set(rawIds.filter((v): v is string => typeof v === 'string' && /^\d{1,12}$/.test(v)).map(Number))].slice(0, 500);
    const action = body.action === 'reject' ? 'reject' : 'accept';
    const ref = typeof body.tag === 'string' ? body.tag.trim().slice(0, 500) : '';
    if (!ref) throw WasimError.of('VALIDATION', 'sayWhichTag', {});
    if (!ids.length) throw WasimError.of('VALIDATION', 'chooseArticle', {});
    const entry = await ctx.repo.resolveVocabulary(ref);
    if (!entry) throw WasimError.of('NOT_FOUND', 'tagInVocabulary', { ref });
    let n = 0;
    for (const id of ids) {
      const article = await ctx.repo.getArticle(id);
      if (!article) continue;
      const tag = article.tags.find((t) => t.id === entry.id);
      if (action === 'reject') {
        if (!tag || tag.status === 'rejected') continue;
        await ctx.service.decide(id, { reject: [entry.id] }, session.editor);
      } else {
        if (tag && (tag.status === 'accepted' || tag.status === 'added')) continue;
        await ctx.service.decide(id, tag ? { accept: [entry.id] } : { add: [entry.id] }, session.editor);
      }
      n++;
    }
    const back = typeof body.back === 'string' && body.back.startsWith('/ui/queue') && !/[\r\n]/.test(body.back) ? body.back : '/ui/queue';
    return reply.code(303).redirect(`${back}${back.includes('?') ? '&' : '?'}msg=bulk&n=${n}&action=${action}`);
  });

  // Without JavaScript: the same creation from the article page's form, then back to the article.
  ui.post<{ Params: { id: string } }>('/articles/:id/tags/create', { schema: { hide: true } }, async (req, reply) => {
    const session = h.editor(req);
    const id = articleIdOf(req.params.id);
    await ctx.service.getArticle(id);
    const entry = await createEntry(ctx, (req.body ?? {}) as Record<string, unknown>);
    await ctx.service.decide(id, { add: [entry.id] }, session.editor);
    return reply.code(303).redirect(`/ui/articles/${id}?msg=added#tags`);
  });

  ui.post<{ Params: { id: string }; Body: { action?: unknown; tag?: unknown; add?: unknown } }>('/api/articles/:id/review', { schema: { hide: true } }, async (req) => {
    const session = h.editor(req);
    const id = articleIdOf(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown> & { action?: unknown; tag?: unknown; add?: unknown };
    const tag = typeof body.tag === 'string' ? body.tag.trim().slice(0, 500) : '';
    let changed: string[] = [];
    switch (body.action) {
      case 'accept':
      case 'reject':
        if (!tag) throw WasimError.of('VALIDATION', 'sayWhichTag', {});
        await ctx.service.decide(id, body.action === 'accept' ? { accept: [tag] } : { reject: [tag] }, session.editor);
        changed = [tag];
        break;
      case 'accept-all': {
        const open = (await ctx.service.getArticle(id)).tags.filter((t) => t.status === 'suggested').map((t) => t.id);
        if (open.length) await ctx.service.decide(id, { accept: open }, session.editor);
        changed = open;
        break;
      }
      case 'undo':
        if (!tag) throw WasimError.of('VALIDATION', 'sayWhichTag', {});
        await ctx.service.getArticle(id);
        await ctx.repo.review.undo(id, tag, session.editor);
        ctx.adaptation?.noteDecisions(1);
        changed = [tag];
        break;
      case 'add': {
        const add = typeof body.add === 'string' ? body.add.trim().slice(0, 500) : '';
        if (!add) throw WasimError.of('VALIDATION', 'sayWhichTagToAdd', {});
        const before = new Set((await ctx.service.getArticle(id)).tags.filter((t) => t.status !== 'rejected').map((t) => t.id));
        const after = await ctx.service.decide(id, { add: [add] }, session.editor);
        changed = after.tags.filter((t) => t.status !== 'rejected' && !before.has(t.id)).map((t) => t.id);
        break;
      }
      case 'create': {
        const entry = await createEntry(ctx, body);
        await ctx.service.decide(id, { add: [entry.id] }, session.editor);
        changed = [entry.id];
        break;
      }
      default:
        throw WasimError.of('VALIDATION', 'reviewAction', {});
    }
    const article = await ctx.service.getArticle(id);
    const view = h.viewOf(req, session);
    const text = renderArticleText(article);
    return {
      html: renderTagsSection(view, article).value,
      title: text.title.value,
      body: text.body.value,
      changed,
      open: article.tags.filter((t) => t.status === 'suggested').length,
      statuses: Object.fromEntries(article.tags.map((t) => [t.id, t.status])),
    };
  });
}

export { STATE_LABELS };

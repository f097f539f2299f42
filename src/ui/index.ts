/**
 * The newsroom UI: server-rendered Arabic pages at `/` and `/ui/*`, plugged into the service by
 * buildApp's `ui` option. Pages call the same WasimService and repository as the /v1 API, so an
 * editor's decision here is the decision the API reports. Reading follows the service's read
 * policy; editing needs the API's write token, given once at /ui/login and kept in a cookie.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { choices, formatMessage, WasimError, type TagResult, type TagType, type VocabFormat } from '../core/index.js';
import type { UiPlugin } from '../server/app.js';
import type { AppContext } from '../server/context.js';
import { mapError } from '../server/http-errors.js';
import type { VocabularyInput } from '../server/service.js';
import type { ArticleFilter, VocabularyRecord } from '../storage/index.js';
import { CLIENT_JS } from './assets/client.js';
import { CSS, ICON_SVG } from './assets/styles.js';
import { entryHref, pageNumber } from './components.js';
import type { SafeHtml } from './html.js';
import { typeLabel, TYPES } from './labels.js';
import type { Flash, PageView } from './layout.js';
import { renderArticle } from './pages/article.js';
import { renderArticles } from './pages/articles.js';
import { JOB_STATUS_LABELS, renderError, renderJob, renderLogin } from './pages/misc.js';
import { renderTag } from './pages/tag.js';
import { renderTagText, type TagTextInput } from './pages/tag-text.js';
import { renderEntry, renderVocabulary, type VocabularyTab } from './pages/vocabulary.js';
import { checkCsrf, checkSameOrigin, endSession, loadSession, readSession, safeNext, startSession, type Session } from './session.js';
import { accountRoutes, loginRoutes } from './accounts.js';
import { queueState, reviewRoutes } from './review.js';
import { exportRoutes } from './export.js';
import { dashboardRoutes } from './dashboard.js';
import { sourcesRoutes } from './pages/sources.js';
import { suggestionUiRoutes } from './pages/suggestions.js';
import { learningUiRoutes } from './pages/learning.js';

const ARTICLES_PER_PAGE = 20;
const ENTRIES_PER_PAGE = 50;
/** A tag on more than this share of the stored articles is listed as used too often. */
const OVERUSE_SHARE = 0.3;
/** Re-tagging after a vocabulary edit names the affected articles up to this many; beyond, all are re-tagged. */
const RETAG_ID_LIMIT = 10_000;

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

const ASSET_VERSION = createHash('sha256').update(CSS).update(CLIENT_JS).digest('hex').slice(0, 12);

const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-naskh-arabic')), 'files');
const FONT_NAME = /^noto-naskh-arabic-[a-z-]+-[1-9]00-normal\.woff2$/;
const fontCache = new Map<string, Buffer>();

/** Fixed messages shown after a redirect (?msg=…): never text from the request. */
const MESSAGES: Record<string, Flash> = {
  accepted: { kind: 'ok', text: 'قُبل الوسم.' },
  rejected: { kind: 'ok', text: 'رُفض الوسم، ولن يعود مع إعادة الوسم.' },
  added: { kind: 'ok', text: 'أُضيف الوسم.' },
  stored: { kind: 'ok', text: 'حُفظت المقالة ووُسمت.' },
  known: { kind: 'info', text: 'هذه المقالة محفوظة من قبل (المعرّف أو الرابط نفسه)، وهذه نسختها المحفوظة.' },
  retagged: { kind: 'ok', text: 'أُعيد الوسم بالمعجم الحالي.' },
  deleted: { kind: 'ok', text: 'حُذف.' },
  saved: { kind: 'ok', text: 'حُفظ التعديل.' },
  created: { kind: 'ok', text: 'أُضيف المدخل إلى المعجم.' },
  merged: { kind: 'ok', text: 'دُمج الوسمان.' },
  welcome: { kind: 'ok', text: 'دخلت بصفة محرر.' },
  bye: { kind: 'info', text: 'خرجت.' },
  revoked: { kind: 'ok', text: 'أُبطل الرمز: لم يعد يعمل.' },
};

type Body = Record<string, unknown> | undefined;

function field(body: Body, name: string): string | undefined {
  const v = body?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

function listField(body: Body, name: string): string[] {
  return (field(body, name) ?? '')
    .split(/[\n\r،,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query as Record<string, unknown>;
  return Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined]));
}

function flashOf(req: FastifyRequest): Flash | undefined {
  const q = queryOf(req);
  if (q.msg === 'imported') {
    const n = (k: string) => (/^\d{1,9}$/.test(q[k] ?? '') ? q[k] : '0');
    return { kind: 'ok', text: `استُورد المعجم: أُضيف ${n('added')}، وحُدّث ${n('updated')}، وحُذف ${n('removed')}.` };
  }
  return q.msg ? MESSAGES[q.msg] : undefined;
}

function articleId(raw: string): number {
  const id = /^\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw WasimError.of('NOT_FOUND', 'article', { id: JSON.stringify(raw) });
  return id;
}

function sendHtml(reply: FastifyReply, markup: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup.value);
}

function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).redirect(location);
}

/** A form's fields as the service's vocabulary input. */
function entryInput(body: Body): VocabularyInput {
  const type = field(body, 'type')?.trim();
  if (type && !TYPES.includes(type as TagType)) throw WasimError.of('VALIDATION', 'unknownType', { type });
  return {
    label: (field(body, 'label') ?? '').trim(),
    aliases: listField(body, 'aliases'),
    nisba: listField(body, 'nisba'),
    type: type ? (type as TagType) : null,
    parent: field(body, 'parent')?.trim() || null,
    ambiguous: field(body, 'ambiguous') === '1',
    note: field(body, 'note')?.trim() || null,
  };
}

export const uiPlugin: UiPlugin = async (app: FastifyInstance, { context: ctx }: { context: AppContext }) => {
  await app.register(cookie);
  await app.register(formbody);
  app.addHook('onRequest', async (req) => {
    await loadSession(req, ctx);
  });

  const viewOf = (req: FastifyRequest, session = readSession(req, ctx)): PageView => ({ session, path: req.url, assetVersion: ASSET_VERSION, docs: ctx.config.docs });

  /** Reading pages follow the service's read policy: with readTokenRequired, log in first. */
  const reader = (req: FastifyRequest): Session | undefined => {
    const session = readSession(req, ctx);
    if (ctx.config.readTokenRequired && !session) throw WasimError.of('UNAUTHORIZED', 'logInToRead', {});
    return session;
  };

  /** Editing: a session, a post from our own origin, and the session's CSRF token. */
  const editor = (req: FastifyRequest): Session => {
    checkSameOrigin(req);
    const session = readSession(req, ctx);
    if (!session) throw WasimError.of('UNAUTHORIZED', 'logInToEdit', {});
    checkCsrf(req, session);
    if (session.role === 'viewer') throw WasimError.of('NOT_ALLOWED', 'viewer', {});
    return session;
  };

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const mapped = mapError(err, ctx.config);
    if (mapped.unexpected) req.log.error({ err }, 'unexpected error in the newsroom UI');
    if (req.url.startsWith('/ui/api/')) return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
    // A reader who must log in is sent to the login page and back.
    if (mapped.status === 401 && req.method === 'GET' && !readSession(req, ctx)) return reply.redirect(`/ui/login?next=${encodeURIComponent(req.url)}`);
    return sendHtml(reply, renderError(viewOf(req), { status: mapped.status, code: mapped.body.error.code, message: mapped.body.error.message, messageAr: mapped.messageAr }), mapped.status);
  });

  // ---- the articles (front page)
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const q = queryOf(req);
    const page = pageNumber(q.page);
    const filter: ArticleFilter = {};
    const text = q.q?.trim().slice(0, 500);
    if (text) filter.q = text;
    const tagInput = q.tag?.trim().slice(0, 500);
    let tag: { id: string; label: string } | undefined;
    if (tagInput) {
      const entry = await ctx.repo.resolveVocabulary(tagInput);
      if (entry) tag = { id: entry.id, label: entry.label };
      filter.tags = [entry?.id ?? tagInput];
    }
    const result = await ctx.repo.listArticles(filter, { limit: ARTICLES_PER_PAGE, offset: (page - 1) * ARTICLES_PER_PAGE });
    return sendHtml(reply, renderArticles(viewOf(req), { items: result.items, total: result.total, page, perPage: ARTICLES_PER_PAGE, q: text, tag, tagInput: tag ? undefined : tagInput, flash: flashOf(req) }));
  });

  await app.register(async (ui) => uiRoutes(ui, ctx, { viewOf, reader, editor }), { prefix: '/ui' });
  await app.register(async (ui) => sourcesRoutes(ui, ctx, { viewOf, reader, editor }), { prefix: '/ui' });
};

interface Helpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  reader(req: FastifyRequest): Session | undefined;
  editor(req: FastifyRequest): Session;
}

async function uiRoutes(ui: FastifyInstance, ctx: AppContext, { viewOf, reader, editor }: Helpers): Promise<void> {
  ui.setNotFoundHandler((req, reply) => {
    const view = viewOf(req);
    const path = req.url.split('?')[0]!;
    if (req.url.startsWith('/ui/api/')) return reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: formatMessage('ROUTE_NOT_FOUND', 'route', { method: req.method, path }).en } });
    const page = formatMessage('ROUTE_NOT_FOUND', 'page', { path });
    return sendHtml(reply, renderError(view, { status: 404, code: 'ROUTE_NOT_FOUND', message: page.en, messageAr: page.ar }), 404);
  });

  ui.get('', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/'));
  await suggestionUiRoutes(ui, ctx, { viewOf, reader, editor });
  await learningUiRoutes(ui, ctx, { viewOf, reader, editor });
  ui.get('/tags', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/vocabulary'));

  // ---- assets
  ui.get('/assets/ui.css', { schema: { hide: true } }, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(CSS));
  ui.get('/assets/ui.js', { schema: { hide: true } }, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(CLIENT_JS));
  ui.get('/assets/icon.svg', { schema: { hide: true } }, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(ICON_SVG));
  ui.get<{ Params: { file: string } }>('/assets/fonts/:file', { schema: { hide: true } }, async (req, reply) => {
    const name = req.params.file;
    if (!FONT_NAME.test(name)) throw WasimError.of('NOT_FOUND', 'font', { name });
    let data = fontCache.get(name);
    if (!data) {
      try {
        data = readFileSync(join(FONT_DIR, name));
      } catch {
        throw WasimError.of('NOT_FOUND', 'font', { name });
      }
      fontCache.set(name, data);
    }
    return reply.type('font/woff2').header('cache-control', 'public, max-age=31536000, immutable').send(data);
  });

  // ---- login, logout, the account page (ui/accounts.ts)
  await loginRoutes(ui, ctx, { viewOf, sendHtml, seeOther, flashOf, field: (b, n) => field(b as Body, n) });
  await accountRoutes(ui, ctx, { viewOf, sendHtml, seeOther, flashOf, field: (b, n) => field(b as Body, n) });
  // ---- the review queue and reviewing without reloads (ui/review.ts)
  await reviewRoutes(ui, ctx, { viewOf, reader, editor, sendHtml });
  // ---- export of article–tag assignments (ui/export.ts)
  await exportRoutes(ui, ctx, { reader });
  // ---- the dashboard (ui/dashboard.ts)
  await dashboardRoutes(ui, ctx, { reader, viewOf, sendHtml });

  // ---- one article
  ui.get<{ Params: { id: string } }>('/articles/:id', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const id = articleId(req.params.id);
    const article = await ctx.service.getArticle(id);
    const { items: decisions } = await ctx.repo.listDecisions({ articleId: id }, { limit: 50 });
    const state = queueState(queryOf(req).queue);
    const queue = { state, ...(await ctx.repo.review.neighbours(id, { state })) };
    return sendHtml(reply, renderArticle(viewOf(req), { article, decisions, flash: flashOf(req), queue }));
  });

  ui.post<{ Params: { id: string } }>('/articles/:id/tags', { schema: { hide: true } }, async (req, reply) => {
    const session = editor(req);
    const id = articleId(req.params.id);
    const body = req.body as Body;
    const add = field(body, 'add')?.trim();
    const tag = field(body, 'tag')?.trim();
    const action = field(body, 'action');
    if (add) {
      try {
        await ctx.service.decide(id, { add: [add] }, session.editor);
      } catch (e) {
        if (!(e instanceof WasimError) || e.code !== 'NOT_FOUND') throw e;
        const article = await ctx.service.getArticle(id);
        const { items: decisions } = await ctx.repo.listDecisions({ articleId: id }, { limit: 50 });
        return sendHtml(reply, renderArticle(viewOf(req, session), { article, decisions, flash: { kind: 'error', text: `لا يوجد في المعجم وسم «${add}». اختر من القائمة أو أضفه إلى المعجم أولًا.` } }), 404);
      }
      return seeOther(reply, `/ui/articles/${id}?msg=added#tags`);
    }
    if (action === 'accept-all') {
      const open = (await ctx.service.getArticle(id)).tags.filter((t) => t.status === 'suggested').map((t) => t.id);
      if (open.length) await ctx.service.decide(id, { accept: open }, session.editor);
      return seeOther(reply, `/ui/articles/${id}?msg=accepted#tags`);
    }
    if (!tag || (action !== 'accept' && action !== 'reject')) throw WasimError.of('VALIDATION', 'sayAcceptOrReject', {});
    await ctx.service.decide(id, action === 'accept' ? { accept: [tag] } : { reject: [tag] }, session.editor);
    return seeOther(reply, `/ui/articles/${id}?msg=${action === 'accept' ? 'accepted' : 'rejected'}#tags`);
  });

  ui.post<{ Params: { id: string } }>('/articles/:id/retag', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const id = articleId(req.params.id);
    await ctx.service.getArticle(id);
    const job = await ctx.service.startRetag({ ids: [id] });
    return seeOther(reply, `/ui/jobs/${job.id}?then=${encodeURIComponent(`/ui/articles/${id}?msg=retagged`)}`);
  });

  ui.post<{ Params: { id: string } }>('/articles/:id/delete', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const id = articleId(req.params.id);
    if (!(await ctx.repo.deleteArticle(id))) throw WasimError.of('NOT_FOUND', 'article', { id });
    return seeOther(reply, '/?msg=deleted');
  });

  // ---- tag a text
  ui.get('/tag', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    return sendHtml(reply, renderTagText(viewOf(req), { input: { title: '', body: '', save: false } }));
  });

  ui.post('/tag', { schema: { hide: true } }, async (req, reply) => {
    checkSameOrigin(req);
    const body = req.body as Body;
    const input: TagTextInput = {
      title: field(body, 'title') ?? '',
      body: field(body, 'body') ?? '',
      url: field(body, 'url')?.trim() || undefined,
      externalId: field(body, 'externalId')?.trim() || undefined,
      publishedAt: /^\d{4}-\d{2}-\d{2}$/.test(field(body, 'publishedAt')?.trim() ?? '') ? field(body, 'publishedAt')!.trim() : undefined,
      save: field(body, 'save') === '1',
    };
    if (input.save) {
      editor(req);
      const [stored] = await ctx.service.store([{ title: input.title, body: input.body, ...(input.url ? { url: input.url } : {}), ...(input.externalId ? { externalId: input.externalId } : {}), ...(input.publishedAt ? { publishedAt: input.publishedAt } : {}) }]);
      return seeOther(reply, `/ui/articles/${stored!.article.id}?msg=${stored!.created ? 'stored' : 'known'}`);
    }
    const session = reader(req);
    const cut = { explain: true, ...(ctx.config.tagTop !== undefined ? { top: ctx.config.tagTop } : {}), ...(ctx.config.tagMinScore !== undefined ? { minScore: ctx.config.tagMinScore } : {}) };
    let results: TagResult[];
    try {
      results = (await ctx.service.tag({ title: input.title, body: input.body }, cut)).tags as unknown as TagResult[];
    } catch (e) {
      if (!(e instanceof WasimError)) throw e;
      const text = e.code === 'EMPTY_INPUT' ? 'الصق عنوانًا أو نصًا أولًا.' : e.code === 'INPUT_TOO_LARGE' ? 'النص أطول من الحد المسموح.' : e.messageAr;
      return sendHtml(reply, renderTagText(viewOf(req, session), { input, flash: { kind: 'error', text } }), e.status);
    }
    return sendHtml(reply, renderTagText(viewOf(req, session), { input, results }));
  });

  // ---- one tag
  ui.get<{ Params: { id: string } }>('/tags/:id', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const tag = await ctx.repo.getTag(req.params.id);
    if (!tag) throw WasimError.of('NOT_FOUND', 'tag', { id: req.params.id });
    const ancestors: VocabularyRecord[] = [];
    const seen = new Set([tag.id]);
    for (let parent = tag.parent; parent && ancestors.length < 8; ) {
      const entry = await ctx.repo.resolveVocabulary(parent);
      if (!entry || seen.has(entry.id)) break;
      seen.add(entry.id);
      ancestors.push(entry);
      parent = entry.parent;
    }
    const page = pageNumber(queryOf(req).page);
    const articles = await ctx.repo.listArticles({ tags: [tag.id] }, { limit: ARTICLES_PER_PAGE, offset: (page - 1) * ARTICLES_PER_PAGE });
    return sendHtml(reply, renderTag(viewOf(req), { tag, ancestors, articles: articles.items, total: articles.total, page, perPage: ARTICLES_PER_PAGE }));
  });

  // ---- vocabulary
  ui.get('/vocabulary', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const q = queryOf(req);
    const tab: VocabularyTab = q.view === 'unused' || q.view === 'overused' ? q.view : 'all';
    const page = pageNumber(q.page);
    const offset = (page - 1) * ENTRIES_PER_PAGE;
    const [articleTotal, version] = await Promise.all([ctx.repo.countArticles({}), ctx.repo.vocabularyVersion()]);
    const common = { tab, page, perPage: ENTRIES_PER_PAGE, articleTotal, overuseShare: OVERUSE_SHARE, version, flash: flashOf(req) };
    if (tab === 'all') {
      const text = q.q?.trim().slice(0, 200) || undefined;
      const type = q.type && TYPES.includes(q.type as TagType) ? (q.type as TagType) : undefined;
      const { items, total } = await ctx.repo.listVocabulary({ ...(text ? { q: text } : {}), ...(type ? { type } : {}) }, { limit: ENTRIES_PER_PAGE, offset });
      // Results come in label order; the entry named exactly what was searched for leads the first page.
      if (text && page === 1) {
        const exact = await ctx.repo.resolveVocabulary(text);
        if (exact && (!type || exact.type === type)) {
          const at = items.findIndex((e) => e.id === exact.id);
          if (at >= 0) items.splice(at, 1);
          else if (items.length >= ENTRIES_PER_PAGE) items.pop();
          items.unshift(exact);
        }
      }
      const parents = [...new Set(items.map((e) => e.parent).filter((p): p is string => !!p))];
      const found = await Promise.all(parents.map((p) => ctx.repo.getVocabulary(p)));
      const parentLabels = new Map(found.filter((e): e is VocabularyRecord => !!e).map((e) => [e.id, e.label]));
      return sendHtml(reply, renderVocabulary(viewOf(req), { ...common, q: text, type, entries: items, parentLabels, total }));
    }
    // listTags orders by count, most used first, unused last (by label).
    const used = (await ctx.repo.listTags({}, { limit: 1 })).total;
    if (tab === 'unused') {
      const all = (await ctx.repo.listTags({ includeUnused: true }, { limit: 1 })).total;
      const { items } = await ctx.repo.listTags({ includeUnused: true }, { limit: ENTRIES_PER_PAGE, offset: used + offset });
      return sendHtml(reply, renderVocabulary(viewOf(req), { ...common, usage: items.filter((u) => u.count === 0), total: all - used }));
    }
    const threshold = articleTotal * OVERUSE_SHARE;
    const over = [];
    for (let at = 0; at < used; at += 200) {
      const { items } = await ctx.repo.listTags({}, { limit: 200, offset: at });
      const above = items.filter((u) => u.count > threshold);
      over.push(...above);
      if (above.length < items.length) break;
    }
    return sendHtml(reply, renderVocabulary(viewOf(req), { ...common, usage: over.slice(offset, offset + ENTRIES_PER_PAGE), total: over.length }));
  });

  ui.get('/vocabulary/export', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const format = queryOf(req).format;
    if (format !== 'txt' && format !== 'csv' && format !== 'jsonl') throw WasimError.of('BAD_VOCAB_FORMAT', 'exportAs', { choices: choices(['txt', 'csv', 'jsonl']) });
    const type = { txt: 'text/plain', csv: 'text/csv', jsonl: 'application/x-ndjson' }[format];
    return reply.type(`${type}; charset=utf-8`).header('content-disposition', `attachment; filename="wasim-vocabulary.${format}"`).send(await ctx.service.exportText(format));
  });

  /** Starts re-tagging the articles an entry's change may affect and answers with its progress page. */
  const retagFor = async (reply: FastifyReply, forms: Iterable<string>, tagIds: string[], then: string) => {
    const ids = new Set<number>();
    let tooMany = false;
    const filters: ArticleFilter[] = [...tagIds.map((id) => ({ tags: [id] })), ...[...new Set(forms)].filter((f) => f.trim()).map((q) => ({ q }))];
    for (const filter of filters) {
      for (let before: number | undefined; !tooMany; ) {
        const page = await ctx.repo.listArticles(filter, { limit: 500, ...(before !== undefined ? { before } : {}) });
        for (const a of page.items) ids.add(a.id);
        if (ids.size > RETAG_ID_LIMIT) tooMany = true;
        if (page.nextBefore === null) break;
        before = page.nextBefore;
      }
    }
    if (!tooMany && ids.size === 0) return seeOther(reply, then);
    const job = await ctx.service.startRetag(tooMany ? {} : { ids: [...ids] });
    return seeOther(reply, `/ui/jobs/${job.id}?then=${encodeURIComponent(then)}`);
  };
  const formsOf = (e: Pick<VocabularyRecord, 'label' | 'aliases' | 'nisba'>) => [e.label, ...e.aliases, ...e.nisba];

  ui.post('/vocabulary', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const body = req.body as Body;
    const id = field(body, 'id')?.trim();
    const entry = await ctx.service.addEntry({ ...entryInput(body), ...(id ? { id } : {}) }, false);
    if (field(body, 'retag') === '1') return retagFor(reply, formsOf(entry), [], `${entryHref(entry.id)}?msg=created`);
    return seeOther(reply, `${entryHref(entry.id)}?msg=created`);
  });

  ui.get<{ Params: { id: string } }>('/vocabulary/entries/:id', { schema: { hide: true } }, async (req, reply) => {
    const session = reader(req);
    if (!session) throw WasimError.of('UNAUTHORIZED', 'logInForVocabulary', {});
    const entry = await ctx.service.getEntry(req.params.id);
    const count = await ctx.repo.countArticles({ tags: [entry.id] });
    return sendHtml(reply, renderEntry(viewOf(req, session), { entry, count, flash: flashOf(req) }));
  });

  ui.post<{ Params: { id: string } }>('/vocabulary/entries/:id', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const before = await ctx.service.getEntry(req.params.id);
    const body = req.body as Body;
    const entry = await ctx.service.updateEntry(before.id, entryInput(body), false);
    const then = `${entryHref(entry.id)}?msg=saved`;
    if (field(body, 'retag') === '1') return retagFor(reply, [...formsOf(before), ...formsOf(entry)], [entry.id], then);
    return seeOther(reply, then);
  });

  ui.post<{ Params: { id: string } }>('/vocabulary/entries/:id/delete', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    await ctx.service.deleteEntry(req.params.id, false);
    return seeOther(reply, '/ui/vocabulary?msg=deleted');
  });

  const merge = async (req: FastifyRequest, reply: FastifyReply, from: string | undefined) => {
    editor(req);
    const body = req.body as Body;
    const into = field(body, 'into')?.trim();
    if (!from || !into) throw WasimError.of('VALIDATION', 'sayMerge', {});
    const [a, b] = await Promise.all([ctx.repo.resolveVocabulary(from), ctx.repo.resolveVocabulary(into)]);
    if (!a) throw WasimError.of('NOT_FOUND', 'entryRef', { ref: from });
    if (!b) throw WasimError.of('NOT_FOUND', 'entryRef', { ref: into });
    const merged = await ctx.service.mergeEntries(a.id, b.id, false);
    return seeOther(reply, `${entryHref(merged.id)}?msg=merged`);
  };
  ui.post<{ Params: { id: string } }>('/vocabulary/entries/:id/merge', { schema: { hide: true } }, async (req, reply) => merge(req, reply, req.params.id));
  ui.post('/vocabulary/merge', { schema: { hide: true } }, async (req, reply) => merge(req, reply, field(req.body as Body, 'from')?.trim()));

  ui.post('/vocabulary/import', { schema: { hide: true }, bodyLimit: ctx.config.bodyLimit * 16 }, async (req, reply) => {
    editor(req);
    const body = req.body as Body;
    const format = field(body, 'format') as VocabFormat | undefined;
    if (!format || !['txt', 'csv', 'json', 'jsonl'].includes(format)) throw WasimError.of('BAD_VOCAB_FORMAT', 'importAs', { choices: choices(['txt', 'csv', 'json', 'jsonl']) });
    const mode = field(body, 'mode') === 'replace' ? 'replace' : 'merge';
    const summary = await ctx.service.importText(field(body, 'text') ?? '', format, mode, false);
    return seeOther(reply, `/ui/vocabulary?msg=imported&added=${summary.added}&updated=${summary.updated}&removed=${summary.removed}`);
  });

  // ---- jobs
  ui.get<{ Params: { id: string } }>('/jobs/:id', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const job = await ctx.service.getJob(articleId(req.params.id));
    return sendHtml(reply, renderJob(viewOf(req), { job, then: safeNext(queryOf(req).then) }));
  });

  // ---- JSON for the page scripts (same read policy as the pages, cookie instead of bearer)
  ui.get<{ Params: { id: string } }>('/api/jobs/:id', { schema: { hide: true } }, async (req) => {
    reader(req);
    const job = await ctx.service.getJob(articleId(req.params.id));
    return { id: job.id, status: job.status, statusLabel: JOB_STATUS_LABELS[job.status] ?? job.status, done: job.done, total: job.total };
  });

  ui.get('/api/vocabulary', { schema: { hide: true } }, async (req) => {
    reader(req);
    const q = queryOf(req).q?.trim().slice(0, 200);
    if (!q) return { items: [] };
    const { items } = await ctx.repo.listVocabulary({ q }, { limit: 20 });
    return { items: items.map((e) => ({ id: e.id, label: e.label, type: e.type ?? null, typeLabel: e.type ? typeLabel(e.type) : '' })) };
  });
}

export default uiPlugin;

/** «المصادر»: the feeds the service polls — add, pause, resume, poll now, remove — and their health. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WasimError } from '../../core/index.js';
import type { AppContext } from '../../server/context.js';
import type { FeedRecord } from '../../server/feeds.js';
import { feedsOf } from '../../server/routes/ingest.js';
import { html, type SafeHtml } from '../html.js';
import { formatNumber } from '../labels.js';
import { csrfField, page, type Flash, type PageView } from '../layout.js';
import type { Session } from '../session.js';

const MESSAGES: Record<string, Flash> = {
  'feed-added': { kind: 'ok', text: 'أُضيف المصدر، وستُقرأ أخباره في الدورة القادمة.' },
  'feed-paused': { kind: 'info', text: 'أوقف المصدر مؤقتًا.' },
  'feed-resumed': { kind: 'ok', text: 'استُؤنف المصدر.' },
  'feed-removed': { kind: 'info', text: 'حُذف المصدر؛ الأخبار المخزنة منه باقية.' },
  'feed-polled': { kind: 'ok', text: 'قُرئ المصدر الآن.' },
};

function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function health(f: FeedRecord): SafeHtml {
  if (f.paused) return html`<span class="muted">موقوف</span>`;
  if (f.lastError) return html`<span class="flash error" role="status">خطأ: <span lang="en" dir="ltr">${f.lastError.message}</span> <code>${f.lastError.code}</code></span>`;
  if (f.lastSuccessAt) return html`<span>سليم</span>`;
  return html`<span class="muted">لم يُقرأ بعد</span>`;
}

export function renderSources(view: PageView, { feeds, flash }: { feeds: FeedRecord[]; flash?: Flash | undefined }): SafeHtml {
  const action = (f: FeedRecord, path: string, label: string) =>
    html`<form method="post" action="/ui/sources/${f.id}/${path}" class="inline">${csrfField(view)}<button type="submit">${label}</button></form>`;
  const rows = feeds.map(
    (f) => html`<tr>
  <td><strong>${f.title || '—'}</strong><br><a href="${f.url}" dir="ltr" lang="en">${f.url}</a></td>
  <td>${health(f)}</td>
  <td>${when(f.lastSuccessAt)}</td>
  <td>${formatNumber(f.itemsSeen)} / ${formatNumber(f.articlesStored)}</td>
  <td>${f.paused ? '—' : when(f.nextPollAt)}</td>
  <td>${view.session ? [action(f, 'poll', 'اقرأ الآن'), f.paused ? action(f, 'resume', 'استئناف') : action(f, 'pause', 'إيقاف'), action(f, 'delete', 'حذف')] : ''}</td>
</tr>`,
  );
  const content = html`<section class="card" aria-labelledby="sources-title">
  <h1 id="sources-title">المصادر</h1>
  <p class="muted">خلاصات RSS وAtom وJSON Feed تقرؤها الخدمة بانتظام؛ تُخزَّن الأخبار الجديدة وتوسَم، ويُخزَّن الخبر المكرر في أكثر من مصدر مرة واحدة.</p>
  ${
    feeds.length
      ? html`<table>
  <thead><tr><th scope="col">المصدر</th><th scope="col">الحالة</th><th scope="col">آخر قراءة ناجحة</th><th scope="col">عناصر مقروءة / أخبار جديدة</th><th scope="col">القراءة القادمة</th><th scope="col">إجراءات</th></tr></thead>
  <tbody>${rows}</tbody>
</table>`
      : html`<p>لا مصادر بعد.</p>`
  }
  ${
    view.session
      ? html`<form method="post" action="/ui/sources">
    ${csrfField(view)}
    <div class="field"><label for="feed-url">رابط الخلاصة</label><input type="url" id="feed-url" name="url" dir="ltr" required placeholder="https://example.com/feed/"></div>
    <div class="field"><label for="feed-interval">كل كم دقيقة</label><input type="number" id="feed-interval" name="interval" min="1" max="1440" value="15"></div>
    <div class="actions"><button type="submit">أضف المصدر</button></div>
  </form>`
      : html`<p><a href="/ui/login?next=/ui/sources">ادخل</a> لإضافة المصادر وإدارتها.</p>`
  }
</section>`;
  return page(view, { title: 'المصادر', section: 'sources', content, flash });
}

export interface SourcesHelpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  reader(req: FastifyRequest): Session | undefined;
  editor(req: FastifyRequest): Session;
}

function send(reply: FastifyReply, markup: SafeHtml): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup.value);
}

function feedId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw WasimError.of('NOT_FOUND', 'feed', { id: JSON.stringify(raw) });
  return Number(raw);
}

/** Registered under /ui. */
export async function sourcesRoutes(ui: FastifyInstance, ctx: AppContext, { viewOf, reader, editor }: SourcesHelpers): Promise<void> {
  const feeds = feedsOf(ctx);
  ui.get('/sources', { schema: { hide: true } }, async (req, reply) => {
    const session = reader(req);
    const msg = (req.query as Record<string, unknown> | undefined)?.msg;
    return send(reply, renderSources(viewOf(req, session), { feeds: await feeds.list(), flash: typeof msg === 'string' ? MESSAGES[msg] : undefined }));
  });
  ui.post('/sources', { schema: { hide: true } }, async (req, reply) => {
    editor(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const interval = Number(body.interval ?? 15);
    await feeds.add(String(body.url ?? ''), Number.isInteger(interval) ? interval : 15);
    return reply.code(303).redirect('/ui/sources?msg=feed-added');
  });
  for (const [path, msg] of [['pause', 'feed-paused'], ['resume', 'feed-resumed'], ['delete', 'feed-removed'], ['poll', 'feed-polled']] as const) {
    ui.post<{ Params: { id: string } }>(`/sources/:id/${path}`, { schema: { hide: true } }, async (req, reply) => {
      editor(req);
      const id = feedId(req.params.id);
      if (path === 'pause' || path === 'resume') await feeds.setPaused(id, path === 'pause');
      else if (path === 'delete') await feeds.remove(id);
      else await feeds.poll(id);
      return reply.code(303).redirect(`/ui/sources?msg=${msg}`);
    });
  }
}

/**
 * «ما تعلّمه واسم»: what the service learned from this newsroom's decisions (src/server/adaptation.ts)
 * — the tags it now suggests more and less often and why, the refitted weights and cut, the
 * "always also tag" pairs editors add together — and, for an admin, the controls: switch the
 * adaptation off or on, refit now, reset any learned item, accept or dismiss a pair.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WasimError, type LearnedTag } from '../../core/index.js';
import type { AdaptationService, AdaptationSummary, PairView, ResetItem } from '../../server/adaptation.js';
import type { AppContext } from '../../server/context.js';
import { html, type SafeHtml } from '../html.js';
import { FEATURE_LABELS, FEATURE_LABELS_EN, formatDate, timesLabel } from '../labels.js';
import { csrfField, page, type Flash, type PageView } from '../layout.js';
import type { Session } from '../session.js';

const MESSAGES: Record<string, Flash> = {
  on: { kind: 'ok', text: 'شُغّل التكيّف: تُطبَّق قرارات المحررين على الوسوم المقترحة.' },
  off: { kind: 'info', text: 'أُوقف التكيّف: الوسوم المقترحة من النموذج العام وحده، والتعلّم مستمر.' },
  refitted: { kind: 'ok', text: 'أُعيد التعلّم من القرارات الجديدة.' },
  reset: { kind: 'ok', text: 'نُسي ما تعلّمه واسم عن هذا البند، ولن يعود من القرارات السابقة.' },
  accepted: { kind: 'ok', text: 'قُبل الاقتراح: صار الوسم الثاني أصلًا للأول في المعجم.' },
  dismissed: { kind: 'ok', text: 'أُهمل الاقتراح، ولن يُقترح ثانية.' },
};

function isAdmin(view: PageView): boolean {
  return view.session?.role === 'admin';
}

function resetButton(view: PageView, fields: Record<string, string>, label: string): SafeHtml {
  if (!isAdmin(view)) return html``;
  return html`<form method="post" action="/ui/learning/reset" class="inline">${csrfField(view)}${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="secondary small">${label}</button></form>`;
}

function verdict(t: Pick<LearnedTag, 'accepted' | 'rejected'>): string {
  const n = t.accepted + t.rejected;
  return t.rejected > t.accepted ? `رفضه المحررون ${timesLabel(t.rejected)} من ${n}` : `قبله المحررون ${timesLabel(t.accepted)} من ${n}`;
}

function tagRows(view: PageView, tags: readonly LearnedTag[]): SafeHtml {
  return html`<table class="table learned"><thead><tr><th scope="col">الوسم</th><th scope="col">قرارات المحررين</th><th scope="col">الدرجة المعتادة</th><th scope="col">الصيغ</th>${isAdmin(view) ? html`<th scope="col"><span class="visually-hidden">إجراء</span></th>` : ''}</tr></thead>
<tbody>${tags.map(
    (t) => html`<tr data-learned-tag="${t.id}"><th scope="row"><a href="/ui/tags/${encodeURIComponent(t.id)}">${t.label}</a></th><td>${verdict(t)}</td><td dir="ltr">${t.from.toFixed(2)} → ${t.to.toFixed(2)}</td>
<td class="small"><ul class="forms">${t.forms.map((f) => html`<li>«${f.text}»: ${verdict(f)} ${resetButton(view, { tag: t.id, form: f.key }, 'انسَ هذه الصيغة')}</li>`)}</ul></td>${isAdmin(view) ? html`<td>${resetButton(view, { tag: t.id }, 'انسَ هذا الوسم')}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

function pairRows(view: PageView, pairs: readonly PairView[]): SafeHtml {
  if (pairs.length === 0) return html`<p class="muted">لا اقتراحات بعد: تظهر هنا الوسوم التي يضيفها المحررون معًا باستمرار (مدينة ودولتها).</p>`;
  return html`<ul class="pairs">${pairs.map(
    (p) => html`<li data-pair="${p.id}">كلما أبقى المحررون «${p.fromLabel}» أضافوا «${p.toLabel}» (${p.together} من ${p.of})${p.kind === 'parent' ? ' — يُقترح أصلًا له في المعجم' : ''}${
      isAdmin(view)
        ? html` <span class="actions"><form method="post" action="/ui/learning/pairs/${p.id}/accept" class="inline">${csrfField(view)}<button type="submit" class="small">اجعل «${p.toLabel}» أصلًا لـ«${p.fromLabel}»</button></form><form method="post" action="/ui/learning/pairs/${p.id}/dismiss" class="inline">${csrfField(view)}<button type="submit" class="secondary small">أهمله</button></form></span>`
        : ''
    }</li>`,
  )}</ul>`;
}

export function renderLearning(view: PageView, s: AdaptationSummary, flash?: Flash): SafeHtml {
  const admin = isAdmin(view);
  const state = s.version === null ? html`<p>لم يتعلّم واسم شيئًا بعد: يبدأ بعد ${s.every > 0 ? `${s.every} قرارًا` : 'أول طلب لإعادة التعلّم'}.</p>` : html`<p>تعلّم واسم من قرارات المحررين في <strong>${s.decisions}</strong> مقالة (الإصدار ${s.version}، ${formatDate(s.fittedAt)}). ${s.pending > 0 ? html`<span class="muted">${s.pending} قرارًا جديدًا لم يُتعلّم منها بعد.</span>` : ''}</p>`;
  const switchForm = admin
    ? html`<div class="actions"><form method="post" action="/ui/learning/enabled" class="inline">${csrfField(view)}<input type="hidden" name="enabled" value="${s.enabled ? 'false' : 'true'}"><button type="submit"${s.enabled ? html` class="secondary"` : ''}>${s.enabled ? 'أوقف التكيّف' : 'شغّل التكيّف'}</button></form>
<form method="post" action="/ui/learning/refit" class="inline">${csrfField(view)}<button type="submit" class="secondary">تعلّم الآن</button></form>
${resetButton(view, { all: '1' }, 'انسَ كل ما تعلّمه')}</div>`
    : view.session
      ? html`<p class="muted small">يغيّر المسؤولون ما تعلّمه واسم أو يوقفونه.</p>`
      : html`<p class="muted small"><a href="/ui/login?next=/ui/learning">ادخل</a> بحساب مسؤول لتغيير ما تعلّمه واسم.</p>`;
  const global = s.weights.length > 0 || s.cut.now !== s.cut.shipped
    ? html`<section class="card"><h2>ضبط عام</h2>
${s.cut.now !== s.cut.shipped ? html`<p>حد الدرجة للاقتراح: <span dir="ltr">${s.cut.shipped} → ${s.cut.now}</span> ${resetButton(view, { cut: '1' }, 'أعد الحد الأصلي')}</p>` : ''}
${s.weights.length > 0 ? html`<table class="table"><thead><tr><th scope="col">السمة</th><th scope="col">الوزن الأصلي</th><th scope="col">الوزن الآن</th></tr></thead><tbody>${s.weights.map((w) => html`<tr><th scope="row">${FEATURE_LABELS[w.feature]} <code dir="ltr" lang="en" title="${FEATURE_LABELS_EN[w.feature]}">${w.feature}</code></th><td dir="ltr">${w.shipped.toFixed(2)}</td><td dir="ltr">${w.now.toFixed(2)}</td></tr>`)}</tbody></table>${resetButton(view, { weights: '1' }, 'أعد الأوزان الأصلية')}` : ''}
</section>`
    : html``;
  const content = html`<h1>ما تعلّمه واسم</h1>
<p>كل قبول أو رفض أو إضافة من المحررين يعلّم واسم ما تريده غرفة الأخبار هذه، فيقترح ما يقبله المحررون أكثر وما يرفضونه أقل. قرار واحد لا يُسقط وسمًا قويًا، وعشرة قرارات تفعل.</p>
<p class="status-line">التكيّف: <strong class="${s.enabled ? 'badge accepted' : 'badge rejected'}">${s.enabled ? 'يعمل' : 'متوقف'}</strong>${s.running ? html` <span class="muted">— يتعلّم الآن…</span>` : ''}</p>
${state}${s.error ? html`<div class="flash error" role="alert">${s.error}</div>` : ''}
${switchForm}
<section class="card"><h2>وسوم يقترحها أكثر</h2>${s.boosted.length > 0 ? tagRows(view, s.boosted) : html`<p class="muted">لا شيء بعد.</p>`}</section>
<section class="card"><h2>وسوم يقترحها أقل</h2>${s.demoted.length > 0 ? tagRows(view, s.demoted) : html`<p class="muted">لا شيء بعد.</p>`}</section>
${global}
<section class="card"><h2>تُضاف معًا دائمًا</h2>${pairRows(view, s.pairs)}</section>`;
  return page(view, { title: 'ما تعلّمه واسم', section: 'learning', content, flash });
}

type Body = Record<string, unknown> | undefined;

function field(body: Body, name: string): string | undefined {
  const v = body?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

interface Helpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  reader(req: FastifyRequest): Session | undefined;
  editor(req: FastifyRequest): Session;
}

function sendHtml(reply: FastifyReply, markup: SafeHtml): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup.value);
}

export async function learningUiRoutes(ui: FastifyInstance, ctx: AppContext, { viewOf, reader, editor }: Helpers): Promise<void> {
  const service = (): AdaptationService => {
    if (!ctx.adaptation) throw WasimError.of('NOT_READY', 'noLearning', {});
    return ctx.adaptation;
  };
  const admin = (req: FastifyRequest): Session => {
    const session = editor(req);
    if (session.role !== 'admin') throw WasimError.of('NOT_ALLOWED', 'adminOnly', {});
    return session;
  };
  const back = (reply: FastifyReply, msg: string) => reply.code(303).redirect(`/ui/learning?msg=${msg}`);

  ui.get('/learning', { schema: { hide: true } }, async (req, reply) => {
    reader(req);
    const msg = (req.query as Record<string, unknown>)?.msg;
    return sendHtml(reply, renderLearning(viewOf(req), await service().summary(), typeof msg === 'string' ? MESSAGES[msg] : undefined));
  });
  ui.post('/learning/enabled', { schema: { hide: true } }, async (req, reply) => {
    admin(req);
    const on = field(req.body as Body, 'enabled') === 'true';
    await service().setEnabled(on);
    return back(reply, on ? 'on' : 'off');
  });
  ui.post('/learning/refit', { schema: { hide: true } }, async (req, reply) => {
    admin(req);
    await service().refit();
    return back(reply, 'refitted');
  });
  ui.post('/learning/reset', { schema: { hide: true } }, async (req, reply) => {
    admin(req);
    const body = req.body as Body;
    const tag = field(body, 'tag');
    const form = field(body, 'form');
    const item: ResetItem | undefined = tag ? (form ? { tag, form } : { tag }) : field(body, 'weights') ? { weights: true } : field(body, 'cut') ? { cut: true } : field(body, 'all') ? { all: true } : undefined;
    if (!item) throw WasimError.of('VALIDATION', 'resetWhatShort', {});
    await service().reset(item);
    return back(reply, 'reset');
  });
  for (const action of ['accept', 'dismiss'] as const) {
    ui.post<{ Params: { id: string } }>(`/learning/pairs/:id/${action}`, { schema: { hide: true } }, async (req, reply) => {
      const session = admin(req);
      await service().decidePair(req.params.id, action, session.editor, async (tagId, parent) => {
        await ctx.service.updateEntry(tagId, { parent }, false);
      });
      return back(reply, action === 'accept' ? 'accepted' : 'dismissed');
    });
  }
}

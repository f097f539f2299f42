/**
 * The dashboard: rising tags over the last day, week and month against the archive, articles
 * per day, and the tags editors reject most (where the vocabulary or the tagger needs work).
 * Charts are SVG drawn on the server: no chart library, nothing for the CSP to allow.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.js';
import type { Dashboard, RisingTag, TagCount } from '../storage/index.js';
import { tagHref } from './components.js';
import { html, raw, type SafeHtml } from './html.js';
import { countLabel, formatDate, formatNumber } from './labels.js';
import { page, type PageView } from './layout.js';
import type { Session } from './session.js';

const WINDOW_LABELS = { day: 'آخر يوم', week: 'آخر أسبوع', month: 'آخر شهر' } as const;

/** Articles per day as vertical bars; the day's count in each bar's title (and in the table below for screen readers). */
export function perDayChart(days: { day: string; count: number }[]): SafeHtml {
  if (!days.length) return html`<p class="muted">لا مقالات في الأيام الثلاثين الأخيرة.</p>`;
  const w = 600;
  const h = 140;
  const max = Math.max(...days.map((d) => d.count));
  const bar = w / days.length;
  const bars = days.map((d, i) => {
    const bh = Math.max(2, Math.round((d.count / max) * (h - 20)));
    // Right to left: the newest day at the left edge reads last in Arabic order, so draw oldest at the right.
    const x = w - (i + 1) * bar;
    return html`<rect x="${(x + 1).toFixed(1)}" y="${h - bh}" width="${Math.max(1, bar - 2).toFixed(1)}" height="${bh}" class="bar"><title>${formatDate(d.day)}: ${countLabel(d.count, 'article')}</title></rect>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="عدد المقالات في كل يوم، أعلاه ${countLabel(max, 'article')}" preserveAspectRatio="none">${bars}</svg>`;
}

function barRow(label: SafeHtml, value: number, max: number, text: string): SafeHtml {
  const pct = max > 0 ? Math.max(2, Math.round((value / max) * 100)) : 0;
  return html`<tr><th scope="row">${label}</th><td class="bar-cell"><svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect x="${100 - pct}" y="0" width="${pct}" height="10"></rect></svg></td><td>${text}</td></tr>`;
}

function risingTable(tags: RisingTag[]): SafeHtml {
  if (!tags.length) return html`<p class="muted">لا وسوم في هذه المدة.</p>`;
  const max = Math.max(...tags.map((t) => t.lift));
  return html`<table class="table dash"><thead><tr><th scope="col">الوسم</th><th scope="col"><span class="visually-hidden">المقارنة</span></th><th scope="col">في المدة / في الأرشيف</th></tr></thead><tbody>${tags.map((t) =>
    barRow(html`<a href="${tagHref(t.id)}">${t.label}</a>`, t.lift, max, `${countLabel(t.count, 'article')} / ${formatNumber(t.archive)} — ×${t.lift.toFixed(1)}`),
  )}</tbody></table>`;
}

function rejectedTable(tags: TagCount[]): SafeHtml {
  if (!tags.length) return html`<p class="muted">لم يُرفض وسم بعد.</p>`;
  const max = Math.max(...tags.map((t) => t.count));
  return html`<table class="table dash"><thead><tr><th scope="col">الوسم</th><th scope="col"><span class="visually-hidden">المقارنة</span></th><th scope="col">رُفض في</th></tr></thead><tbody>${tags.map((t) =>
    barRow(html`<a href="${tagHref(t.id)}">${t.label}</a>`, t.count, max, countLabel(t.count, 'article')),
  )}</tbody></table>`;
}

export function renderDashboard(view: PageView, d: Dashboard): SafeHtml {
  const content = html`<h1>لوحة المتابعة</h1>
<p class="muted">${countLabel(d.articles, 'article')} في الأرشيف${d.latest ? html`، أحدثها في ${formatDate(d.latest)} (المدد تنتهي عندها)` : ''}.</p>
<section class="card" aria-labelledby="rising-title"><h2 id="rising-title">وسوم صاعدة</h2>
<p class="small muted">نصيب الوسم من مقالات المدة مقسومًا على نصيبه من الأرشيف كله: أكبر من 1 يعني أنه يتكرر الآن أكثر من المعتاد.</p>
<div class="dash-grid">${(['day', 'week', 'month'] as const).map((k) => html`<div><h3>${WINDOW_LABELS[k]} <span class="small muted">(${countLabel(d.rising[k].articles, 'article')})</span></h3>${risingTable(d.rising[k].tags)}</div>`)}</div>
</section>
<section class="card" aria-labelledby="per-day-title"><h2 id="per-day-title">المقالات في اليوم (آخر ثلاثين يومًا)</h2>${perDayChart(d.perDay)}
${d.perDay.length ? html`<details class="small"><summary>الأرقام</summary><table class="table"><tbody>${d.perDay.map((p) => html`<tr><th scope="row">${formatDate(p.day)}</th><td>${countLabel(p.count, 'article')}</td></tr>`)}</tbody></table></details>` : raw('')}
</section>
<section class="card" aria-labelledby="rejected-title"><h2 id="rejected-title">الوسوم الأكثر رفضًا</h2>
<p class="small muted">هنا يحتاج المعجم أو الواسم إلى عناية: اسم ملتبس، أو اسم آخر ناقص، أو وسم لا يناسب.</p>
${rejectedTable(d.rejected)}</section>`;
  return page(view, { title: 'لوحة المتابعة', section: 'dashboard', content });
}

export async function dashboardRoutes(
  ui: FastifyInstance,
  ctx: AppContext,
  h: { reader(req: FastifyRequest): Session | undefined; viewOf(req: FastifyRequest): PageView; sendHtml(reply: FastifyReply, markup: SafeHtml, status?: number): FastifyReply },
): Promise<void> {
  ui.get('/dashboard', { schema: { hide: true } }, async (req, reply) => {
    h.reader(req);
    return h.sendHtml(reply, renderDashboard(h.viewOf(req), await ctx.repo.review.dashboard()));
  });
}

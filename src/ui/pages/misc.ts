/** Login, job progress and error pages. */
import { arabicMessage } from '../../core/index.js';
import type { Job } from '../../storage/index.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatNumber } from '../labels.js';
import { page, type Flash, type PageView } from '../layout.js';

export function renderLogin(view: PageView, { next, flash, username }: { next: string; flash?: Flash | undefined; username?: string }): SafeHtml {
  const content = html`<section class="card" aria-labelledby="login-title">
  <h1 id="login-title">دخول المحررين</h1>
  <p class="muted">ادخل باسم المستخدم وكلمة المرور اللذين أنشأهما لك المسؤول (<code dir="ltr">wasim user add</code>). يُسجَّل اسمك مع كل قرار.</p>
  <form method="post" action="/ui/login">
    <input type="hidden" name="next" value="${next}">
    <div class="field"><label for="username">اسم المستخدم</label><input type="text" id="username" name="username" value="${username ?? ''}" dir="auto" autocomplete="username" required></div>
    <div class="field"><label for="password">كلمة المرور</label><input type="password" id="password" name="password" dir="ltr" autocomplete="current-password" required></div>
    <div class="actions"><button type="submit">ادخل</button></div>
  </form>
</section>`;
  return page(view, { title: 'دخول', section: 'login', content, flash });
}

export const JOB_STATUS_LABELS: Record<string, string> = { queued: 'في الانتظار', running: 'جارٍ', done: 'اكتمل', failed: 'فشل', cancelled: 'أُلغي' };

export function renderJob(view: PageView, { job, then }: { job: Job; then: string }): SafeHtml {
  const finished = job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
  const content = html`<section class="card" aria-labelledby="job-title"${finished ? '' : html` data-job-id="${job.id}"`} data-then="${then}">
  <h1 id="job-title">إعادة الوسم</h1>
  <progress class="progress" max="${Math.max(1, job.total)}" value="${job.done}"></progress>
  <p data-job-text aria-live="polite">${JOB_STATUS_LABELS[job.status] ?? job.status} — ${formatNumber(job.done)} / ${formatNumber(job.total)}</p>
  ${job.status === 'failed' ? html`<p class="flash error" role="alert">فشلت المهمة: <span lang="en" dir="ltr">${job.error ?? ''}</span></p>` : ''}
  ${finished ? html`<p><a class="button" href="${then}">متابعة</a></p>` : html`<p class="small muted">تُحدَّث هذه الصفحة وحدها حتى تنتهي المهمة.</p>`}
</section>`;
  const head = finished ? undefined : html`<meta http-equiv="refresh" content="2">`;
  return page(view, { title: 'إعادة الوسم', section: 'none', content, ...(head ? { head } : {}) });
}

const ERROR_TITLES: Record<number, string> = {
  400: 'طلب غير صالح',
  401: 'يلزم الدخول',
  403: 'غير مسموح',
  404: 'غير موجود',
  409: 'تعارض',
  413: 'أكبر من الحد المسموح',
  429: 'طلبات كثيرة',
  503: 'الخدمة غير جاهزة بعد',
};

/** An error page: the Arabic message (filled from its template when it has one), the English folded under the details. */
export function renderError(view: PageView, { status, code, message, messageAr }: { status: number; code: string; message: string; messageAr?: string }): SafeHtml {
  const title = ERROR_TITLES[status] ?? 'خطأ';
  const content = html`<section class="card" aria-labelledby="error-title">
  <h1 id="error-title">${title}</h1>
  <p class="flash error" role="alert">${messageAr ?? arabicMessage(code) ?? 'حدث خطأ.'} <code>${code}</code></p>
  <details class="small"><summary>التفاصيل التقنية</summary><p><span lang="en" dir="ltr">${message}</span></p></details>
  ${status === 401 && !view.session ? html`<p><a class="button" href="/ui/login?next=${encodeURIComponent(view.path)}">دخول المحررين</a></p>` : raw('')}
  <p><a href="/">العودة إلى المقالات</a></p>
</section>`;
  return page(view, { title, section: 'none', content });
}

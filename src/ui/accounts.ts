/**
 * Signing in and out, and the account page where a user makes and revokes personal API tokens.
 * Logins are checked against the scrypt hash, rate-limited per account and per address, and
 * start a server-side session (session.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WasimError } from '../core/index.js';
import { dummyPasswordHash, issueToken, LoginLimiter, verifyPassword } from '../server/accounts.js';
import type { AppContext } from '../server/context.js';
import type { ApiTokenRecord } from '../storage/index.js';
import { html, raw, type SafeHtml } from './html.js';
import { formatDate, ROLE_LABELS } from './labels.js';
import { csrfField, page, type Flash, type PageView } from './layout.js';
import { renderLogin } from './pages/misc.js';
import { checkCsrf, checkSameOrigin, endSession, readSession, safeNext, startSession, type Session } from './session.js';

export interface RouteHelpers {
  viewOf(req: FastifyRequest, session?: Session): PageView;
  sendHtml(reply: FastifyReply, markup: SafeHtml, status?: number): FastifyReply;
  seeOther(reply: FastifyReply, location: string): FastifyReply;
  flashOf(req: FastifyRequest): Flash | undefined;
  field(body: unknown, name: string): string | undefined;
}

const USERNAME_MAX = 64;

export async function loginRoutes(ui: FastifyInstance, ctx: AppContext, h: RouteHelpers): Promise<void> {
  const limiter = new LoginLimiter(ctx.config.loginLimits);

  ui.get('/login', { schema: { hide: true } }, async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>)?.next);
    return h.sendHtml(reply, renderLogin(h.viewOf(req), { next, flash: h.flashOf(req) }));
  });

  ui.post('/login', { schema: { hide: true } }, async (req, reply) => {
    checkSameOrigin(req);
    const body = req.body;
    const username = (h.field(body, 'username') ?? '').trim().normalize('NFC').slice(0, USERNAME_MAX);
    const password = h.field(body, 'password') ?? '';
    const next = safeNext(h.field(body, 'next'));
    const refuse = (status: number, text: string) => h.sendHtml(reply, renderLogin(h.viewOf(req, undefined), { next, username, flash: { kind: 'error', text } }), status);
    const wait = limiter.retryAfter(username, req.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return refuse(429, `محاولات دخول خاطئة كثيرة. أعد المحاولة بعد ${Math.ceil(wait / 60)} دقيقة أو اطلب من المسؤول إعادة تعيين كلمة المرور.`);
    }
    const user = username ? await ctx.repo.accounts.findUser(username) : undefined;
    // An unknown name costs as much as a wrong password: the answer time does not tell which.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok) {
      limiter.fail(username, req.ip);
      return refuse(401, 'اسم المستخدم أو كلمة المرور غير صحيح.');
    }
    limiter.succeed(username);
    const { passwordHash: _, ...plain } = user;
    await startSession(req, reply, ctx, plain);
    // Expired sessions are swept at sign-in: no timer, and the table stays small.
    await ctx.repo.accounts.deleteExpiredSessions().catch((err: unknown) => req.log.warn({ err }, 'could not delete expired sessions'));
    return h.seeOther(reply, next + (next.includes('?') ? '&' : '?') + 'msg=welcome');
  });

  ui.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    checkSameOrigin(req);
    const session = readSession(req);
    if (session) checkCsrf(req, session);
    await endSession(req, reply, ctx);
    return h.seeOther(reply, '/?msg=bye');
  });
}

function tokenRow(view: PageView, t: ApiTokenRecord): SafeHtml {
  return html`<tr><td>${t.name}</td><td><code dir="ltr">${t.prefix}…</code></td><td>${formatDate(t.createdAt)}</td><td>${t.lastUsedAt ? formatDate(t.lastUsedAt) : '—'}</td>
<td>${
    t.revokedAt
      ? html`<span class="badge rejected">أُبطل ${formatDate(t.revokedAt)}</span>`
      : html`<form method="post" action="/ui/account/tokens/${t.id}/revoke">${csrfField(view)}<button type="submit" class="danger" aria-label="أبطل الرمز ${t.name}">أبطل</button></form>`
  }</td></tr>`;
}

export function renderAccount(view: PageView, { tokens, created, flash }: { tokens: ApiTokenRecord[]; created?: { name: string; token: string }; flash?: Flash | undefined }): SafeHtml {
  const s = view.session!;
  const content = html`<section class="card" aria-labelledby="account-title">
  <h1 id="account-title">حسابي</h1>
  <p>اسم المستخدم: <strong dir="auto">${s.user.username}</strong> — الاسم: <span dir="auto">${s.user.displayName}</span> — الدور: <span class="badge">${ROLE_LABELS[s.role]}</span></p>
</section>
${created ? html`<section class="card new-token" aria-labelledby="new-token-title"><h2 id="new-token-title">رمز جديد: «${created.name}»</h2>
<p class="flash ok" role="status">انسخ الرمز الآن: لن يُعرض مرة أخرى (لا نحفظ إلا بصمته).</p>
<p><code dir="ltr" class="token" data-new-token>${created.token}</code></p>
<p class="small muted">أرسله في الترويسة <code dir="ltr">Authorization: Bearer …</code>. يعمل بصلاحيات دورك، وتُسجَّل القرارات باسمك.</p></section>` : raw('')}
<section class="card" aria-labelledby="tokens-title">
  <h2 id="tokens-title">رموز واجهة البرمجة الشخصية</h2>
  ${tokens.length ? html`<table class="table"><thead><tr><th scope="col">الاسم</th><th scope="col">البداية</th><th scope="col">أُنشئ</th><th scope="col">آخر استعمال</th><th scope="col">الحالة</th></tr></thead><tbody>${tokens.map((t) => tokenRow(view, t))}</tbody></table>` : html`<p class="muted">لا رموز بعد.</p>`}
  <form method="post" action="/ui/account/tokens" class="row">${csrfField(view)}
    <div class="field"><label for="token-name">اسم الرمز الجديد</label><input type="text" id="token-name" name="name" maxlength="100" required placeholder="مثلًا: نظام إدارة المحتوى"></div>
    <button type="submit">أنشئ رمزًا</button>
  </form>
</section>`;
  return page(view, { title: 'حسابي', section: 'none', content, flash });
}

export async function accountRoutes(ui: FastifyInstance, ctx: AppContext, h: RouteHelpers): Promise<void> {
  const signedIn = (req: FastifyRequest): Session => {
    const session = readSession(req);
    if (!session) throw WasimError.of('UNAUTHORIZED', 'logInForAccount', {});
    return session;
  };
  const posted = (req: FastifyRequest): Session => {
    checkSameOrigin(req);
    const session = signedIn(req);
    checkCsrf(req, session);
    return session;
  };

  ui.get('/account', { schema: { hide: true } }, async (req, reply) => {
    const session = signedIn(req);
    const tokens = await ctx.repo.accounts.listTokens(session.user.id);
    return h.sendHtml(reply, renderAccount(h.viewOf(req, session), { tokens, flash: h.flashOf(req) }));
  });

  ui.post('/account/tokens', { schema: { hide: true } }, async (req, reply) => {
    const session = posted(req);
    const name = (h.field(req.body, 'name') ?? '').trim().slice(0, 100) || 'رمز';
    const { token } = await issueToken(ctx, session.user.id, name);
    const tokens = await ctx.repo.accounts.listTokens(session.user.id);
    // Shown in this answer only (no redirect that would carry it in a URL); never cached.
    return h.sendHtml(reply, renderAccount(h.viewOf(req, session), { tokens, created: { name, token } }), 201);
  });

  ui.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', { schema: { hide: true } }, async (req, reply) => {
    const session = posted(req);
    const id = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    if (!Number.isSafeInteger(id) || !(await ctx.repo.accounts.revokeToken(session.user.id, id))) throw WasimError.of('NOT_FOUND', 'token', { id: req.params.id });
    return h.seeOther(reply, '/ui/account?msg=revoked');
  });
}

/**
 * The newsroom's login: the API's write token, kept in an HttpOnly, SameSite=Strict cookie next
 * to a random session id. Forms carry a CSRF token derived from both (HMAC, so the server keeps
 * no session table and a page's CSRF token reveals nothing about the API token), and posts from
 * another origin are refused before the token is even looked at.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WasimError } from '../core/index.js';
import type { AppContext } from '../server/context.js';

export const SESSION_COOKIE = 'wasim_session';
export const EDITOR_COOKIE = 'wasim_editor';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Sessions last a working week; logging in again renews them. */
const MAX_AGE_SECONDS = 7 * 24 * 3600;

export interface Session {
  sid: string;
  token: string;
  editor: string;
  csrf: string;
}

export function csrfToken(sid: string, token: string): string {
  return createHmac('sha256', token).update(`wasim-ui-csrf:${sid}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session of a request whose cookie holds a token that is (still) valid. */
export function readSession(req: FastifyRequest, ctx: AppContext): Session | undefined {
  const value = req.cookies[SESSION_COOKIE];
  if (!value) return undefined;
  const dot = value.indexOf('.');
  if (dot <= 0) return undefined;
  const sid = value.slice(0, dot);
  const token = value.slice(dot + 1);
  if (!ctx.auth.verify(token)) return undefined;
  const editor = (req.cookies[EDITOR_COOKIE] ?? '').trim().slice(0, 200) || 'محرر';
  return { sid, token, editor, csrf: csrfToken(sid, token) };
}

function cookieOptions(req: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https', maxAge: MAX_AGE_SECONDS };
}

export function startSession(req: FastifyRequest, reply: FastifyReply, token: string, editor: string): void {
  const sid = randomBytes(18).toString('base64url');
  reply.setCookie(SESSION_COOKIE, `${sid}.${token}`, cookieOptions(req));
  reply.setCookie(EDITOR_COOKIE, editor.trim().slice(0, 200), cookieOptions(req));
}

export function endSession(req: FastifyRequest, reply: FastifyReply): void {
  const { maxAge: _, ...options } = cookieOptions(req);
  reply.clearCookie(SESSION_COOKIE, options);
  reply.clearCookie(EDITOR_COOKIE, options);
}

/**
 * A state-changing request must come from our own pages: its Origin (or, failing that, its
 * Referer) must be this server. Browsers send Origin with every form post and fetch.
 */
export function checkSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin ?? (typeof req.headers.referer === 'string' ? safeOrigin(req.headers.referer) : undefined);
  if (origin === undefined) return;
  const own = `${req.protocol}://${req.host}`;
  if (origin !== own) throw new WasimError('FORBIDDEN', `Cross-origin form post refused: ${origin} is not ${own}.`);
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

/** The CSRF token a form (field `_csrf`) or a script (header X-CSRF-Token) sent must be the session's. */
export function checkCsrf(req: FastifyRequest, session: Session): void {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' && typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
  const fromHeader = typeof req.headers[CSRF_HEADER] === 'string' ? (req.headers[CSRF_HEADER] as string) : undefined;
  const presented = fromBody ?? fromHeader;
  if (!presented || !sameText(presented, session.csrf)) throw new WasimError('FORBIDDEN', 'The form has expired or did not come from this site: reload the page and try again.');
}

/** Where to go after logging in: a path of this site only, never another host. */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return fallback;
  return next;
}

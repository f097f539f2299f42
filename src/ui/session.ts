/**
 * The newsroom's sessions: server-side records (storage/accounts.ts) with an expiry. The cookie
 * carries only a random session id, HttpOnly, SameSite=Strict and Secure over HTTPS; the
 * database keeps its SHA-256, the user and a random CSRF token, and logging out deletes the
 * record, so a copied cookie is worthless afterwards. Forms carry the CSRF token, and posts
 * from another origin are refused before the session is even looked at.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WasimError } from '../core/index.js';
import type { AppContext } from '../server/context.js';
import type { Role, User } from '../storage/index.js';

export const SESSION_COOKIE = 'wasim_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Sessions last a working week; logging in again starts a new one. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

export interface Session {
  user: User;
  /** The name the decision log records: the username. */
  editor: string;
  role: Role;
  csrf: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

function idHash(sid: string): string {
  return createHash('sha256').update(`wasim-session:${sid}`).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const loaded = new WeakMap<FastifyRequest, Session | undefined>();

/** Looks the request's session up once (an onRequest hook of the UI); readSession then answers from memory. */
export async function loadSession(req: FastifyRequest, ctx: AppContext): Promise<Session | undefined> {
  if (loaded.has(req)) return loaded.get(req);
  const sid = req.cookies?.[SESSION_COOKIE];
  let session: Session | undefined;
  if (sid && SESSION_ID.test(sid)) {
    const record = await ctx.repo.accounts.getSession(idHash(sid));
    if (record) session = { user: record.user, editor: record.user.username, role: record.user.role, csrf: record.csrf };
  }
  loaded.set(req, session);
  return session;
}

/** The request's session, as loadSession found it. */
export function readSession(req: FastifyRequest, _ctx?: AppContext): Session | undefined {
  return loaded.get(req);
}

function cookieOptions(req: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https', maxAge: SESSION_TTL_SECONDS };
}

export async function startSession(req: FastifyRequest, reply: FastifyReply, ctx: AppContext, user: User): Promise<Session> {
  const sid = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await ctx.repo.accounts.createSession(idHash(sid), user.id, csrf, SESSION_TTL_SECONDS * 1000);
  reply.setCookie(SESSION_COOKIE, sid, cookieOptions(req));
  const session = { user, editor: user.username, role: user.role, csrf };
  loaded.set(req, session);
  return session;
}

export async function endSession(req: FastifyRequest, reply: FastifyReply, ctx: AppContext): Promise<void> {
  const sid = req.cookies?.[SESSION_COOKIE];
  if (sid && SESSION_ID.test(sid)) await ctx.repo.accounts.deleteSession(idHash(sid));
  loaded.set(req, undefined);
  const { maxAge: _, ...options } = cookieOptions(req);
  reply.clearCookie(SESSION_COOKIE, options);
}

/**
 * A state-changing request must come from our own pages: its Origin (or, failing that, its
 * Referer) must be this server. Browsers send Origin with every form post and fetch.
 */
export function checkSameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin ?? (typeof req.headers.referer === 'string' ? safeOrigin(req.headers.referer) : undefined);
  if (origin === undefined) return;
  const own = `${req.protocol}://${req.host}`;
  if (origin !== own) throw WasimError.of('FORBIDDEN', 'crossOrigin', { origin, own });
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
  if (!presented || !sameText(presented, session.csrf)) throw WasimError.of('FORBIDDEN', 'staleForm', {});
}

/** Where to go after logging in: a path of this site only, never another host. */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return fallback;
  return next;
}

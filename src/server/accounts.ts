/**
 * Who is calling: password hashing (scrypt, from OpenSSL through node:crypto), personal API
 * tokens, the identity behind a bearer token, and the login rate limit.
 *
 * The old single write token (WASIM_TOKEN, or the one generated on first start) stays valid as
 * a service token: it acts with the admin role under the name "service" (or the editor name the
 * caller sends, as before), so existing CMS integrations keep working unchanged.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { WasimError } from '../core/index.js';
import type { Role, User } from '../storage/index.js';
import { hashToken } from './auth.js';
import type { AppContext } from './context.js';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** OWASP's scrypt setting (N=2^17, r=8, p=1: 128 MiB and ≈ 0.25 s per hash on a small VM). */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 1024;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) throw WasimError.of('VALIDATION', 'passwordTooShort', { min: MIN_PASSWORD });
  if (password.length > MAX_PASSWORD) throw WasimError.of('VALIDATION', 'passwordTooLong', { max: MAX_PASSWORD });
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 2 ** 20 || password.length > MAX_PASSWORD) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await scrypt(password.normalize('NFC'), Buffer.from(parts[4]!, 'base64url'), expected.length, { N, r, p, maxmem: 256 * N * r });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Compared against when the username is unknown, so that a miss takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummyHash;
}

/** A new password to hand to a user (when none is given): 20 characters of base64url. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export const PERSONAL_TOKEN_PREFIX = 'wsmu_';

export function generatePersonalToken(): string {
  return PERSONAL_TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

/** The identity a request acts as. */
export type Identity = { kind: 'service'; role: 'admin'; name: string } | { kind: 'user'; role: Role; name: string; user: User };

export const WRITE_ROLES: readonly Role[] = ['admin', 'editor'];

export function canWrite(identity: { role: Role }): boolean {
  return WRITE_ROLES.includes(identity.role);
}

/** The service token, else a live personal token; undefined when the token is neither. */
export async function identifyToken(ctx: Pick<AppContext, 'auth' | 'repo'>, token: string): Promise<Identity | undefined> {
  if (ctx.auth.verify(token)) return { kind: 'service', role: 'admin', name: 'service' };
  if (!token.startsWith(PERSONAL_TOKEN_PREFIX)) return undefined;
  const user = await ctx.repo.accounts.userOfToken(hashToken(token));
  return user ? { kind: 'user', role: user.role, name: user.username, user } : undefined;
}

/** Issues a personal token for the user: the token is returned once; only its hash is stored. */
export async function issueToken(ctx: Pick<AppContext, 'repo'>, userId: number, name: string): Promise<{ token: string; id: number }> {
  const token = generatePersonalToken();
  const record = await ctx.repo.accounts.createToken(userId, name, hashToken(token), token.slice(0, PERSONAL_TOKEN_PREFIX.length + 4));
  return { token, id: record.id };
}

export interface LoginLimits {
  /** Failed logins per account in the window before the account's logins are refused. */
  perAccount: number;
  /** Failed logins per client address in the window. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };
/** Keys kept at most; the oldest are forgotten first (bounded memory under a spray of usernames). */
const MAX_KEYS = 50_000;

/**
 * Failed-login counters per account and per address, in memory (per instance, as the global
 * rate limit is). A login is refused before its password is even hashed once either is over
 * its limit, so guessing costs the attacker a window per handful of tries.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  private recent(key: string, at: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => at - t < this.limits.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait when the account or address is over its limit; 0 when a try is allowed. */
  retryAfter(account: string, address: string, at = Date.now()): number {
    const checks: [string, number][] = [
      [`u:${account.toLowerCase()}`, this.limits.perAccount],
      [`a:${address}`, this.limits.perAddress],
    ];
    let wait = 0;
    for (const [key, max] of checks) {
      const list = this.recent(key, at);
      if (list.length >= max) wait = Math.max(wait, Math.ceil((list[list.length - max]! + this.limits.windowMs - at) / 1000));
    }
    return wait;
  }

  fail(account: string, address: string, at = Date.now()): void {
    for (const key of [`u:${account.toLowerCase()}`, `a:${address}`]) {
      const list = this.recent(key, at);
      list.push(at);
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful login clears the account's failures (not the address's). */
  succeed(account: string): void {
    this.failures.delete(`u:${account.toLowerCase()}`);
  }
}

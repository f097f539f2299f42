/**
 * The bearer token. Only its SHA-256 is kept (in the settings table, shared by every instance on
 * the same database), so a leaked database does not leak the token; the token itself is shown
 * once, when it is generated.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Repository } from '../storage/index.js';

export const TOKEN_SETTING = 'api_token_sha256';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return 'wsm_' + randomBytes(24).toString('base64url');
}

export class TokenCheck {
  private readonly hash: Buffer;
  constructor(tokenHashHex: string) {
    this.hash = Buffer.from(tokenHashHex, 'hex');
  }

  /** Constant-time comparison of hashes: equal lengths whatever the token. */
  verify(token: string | undefined): boolean {
    if (!token) return false;
    return timingSafeEqual(this.hash, Buffer.from(hashToken(token), 'hex'));
  }

  /** The token of an `Authorization: Bearer …` header, if any. */
  static fromHeader(header: string | undefined): string | undefined {
    const m = header ? /^\s*Bearer\s+(\S+)\s*$/i.exec(header) : null;
    return m?.[1];
  }
}

export interface TokenSetup {
  check: TokenCheck;
  /** Set when this start generated the token: print it, once. */
  generated?: string;
  source: 'config' | 'database' | 'generated';
}

/**
 * The configured token wins. Otherwise the stored hash is used; on first start a token is
 * generated and stored — unless another instance stored one first, whose token then applies.
 */
export async function setupToken(repo: Repository, configured: string | undefined, options: { rotate?: boolean } = {}): Promise<TokenSetup> {
  if (configured) return { check: new TokenCheck(hashToken(configured)), source: 'config' };
  if (options.rotate) {
    const token = generateToken();
    await repo.setSetting(TOKEN_SETTING, hashToken(token));
    return { check: new TokenCheck(hashToken(token)), generated: token, source: 'generated' };
  }
  const stored = await repo.getSetting(TOKEN_SETTING);
  if (stored) return { check: new TokenCheck(stored), source: 'database' };
  const token = generateToken();
  if (await repo.setSettingIfAbsent(TOKEN_SETTING, hashToken(token))) return { check: new TokenCheck(hashToken(token)), generated: token, source: 'generated' };
  return { check: new TokenCheck((await repo.getSetting(TOKEN_SETTING))!), source: 'database' };
}

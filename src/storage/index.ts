/** Opens the repository a DATABASE_URL names: `sqlite:PATH` (or a bare path) or `postgres://…`. */
import { WasimError } from '../core/index.js';
import { openPostgres, type PostgresOptions } from './postgres.js';
import { openSqlite } from './sqlite.js';
import type { Repository } from './types.js';

export * from './types.js';
export { entryId, StaleImportError } from './kysely-repository.js';
export { AccountStore, ROLES, checkRole, checkUsername, type Role, type User, type ApiTokenRecord, type SessionRecord } from './accounts.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/wasim.db';

export function describeDatabaseUrl(url: string): string {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  }
  return url;
}

export function openRepository(url: string = DEFAULT_DATABASE_URL, options: PostgresOptions = {}): Repository {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw WasimError.of('USAGE', 'sqlitePath', {});
    return openSqlite(path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw WasimError.of('USAGE', 'databaseUrl', { url: describeDatabaseUrl(url) });
  return openSqlite(url);
}
export { REVIEW_STATES, ReviewStore, type Dashboard, type QueueFilter, type QueueItem, type ReviewState, type RisingTag, type TagCount } from './review.js';
export { AdaptationStore, DEFAULT_VOCABULARY_NAME, type ArticleDecisions, type StoredModel } from './adaptation.js';

/**
 * Editor accounts: users with roles, server-side sessions and personal API tokens. Only hashes
 * are stored — the scrypt hash of a password (hashed by the caller, see server/passwords.ts), the
 * SHA-256 of a session id or token — so a leaked database leaks no credential. Its own tables
 * and migration, over the same kysely database as the repository.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { WasimError } from '../core/index.js';
import type { DialectKind } from './migrations.js';

export type Role = 'admin' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

export interface UsersTable {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's session id. */
  id_hash: string;
  user_id: number;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: number;
  user_id: number;
  name: string;
  token_hash: string;
  /** The first characters of the token, to tell tokens apart in a list. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface AccountTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  createdAt: string;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

export interface SessionRecord {
  user: User;
  csrf: string;
  expiresAt: string;
}

export interface ApiTokenRecord {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function accountsMigration(kind: DialectKind): Migration {
  const serial = kind === 'postgres' ? ('serial' as const) : ('integer' as const);
  const id = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', serial, id)
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'editor', 'viewer')`))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', serial, id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['api_tokens', 'sessions', 'users']) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}

const now = (): string => new Date().toISOString();

function userFromRow(r: UsersTable): User {
  return { id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role, createdAt: r.created_at };
}

function tokenFromRow(r: ApiTokensTable): ApiTokenRecord {
  return { id: Number(r.id), userId: Number(r.user_id), name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

/** A username: letters (any script), digits, dot, dash, underscore, at; 1–64 characters. */
export function checkUsername(name: string): string {
  const u = name.trim().normalize('NFC');
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(u)) throw WasimError.of('VALIDATION', 'username', { value: JSON.stringify(name) });
  return u;
}

export function checkRole(role: string): Role {
  if (!ROLES.includes(role as Role)) throw WasimError.of('VALIDATION', 'role', { value: JSON.stringify(role) });
  return role as Role;
}

export class AccountStore {
  private readonly db: Kysely<AccountTables>;
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<AccountTables>;
  }

  // ---- users

  async createUser(input: { username: string; displayName?: string; role: Role; passwordHash: string }): Promise<User> {
    const username = checkUsername(input.username);
    const at = now();
    const rows = await this.db
      .insertInto('users')
      .values({ username, display_name: (input.displayName ?? '').trim().slice(0, 200) || username, role: checkRole(input.role), password_hash: input.passwordHash, created_at: at, updated_at: at } as any)
      .onConflict((oc) => oc.column('username').doNothing())
      .returningAll()
      .execute();
    if (!rows[0]) throw WasimError.of('CONFLICT', 'userExists', { username });
    return userFromRow(rows[0]);
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('username').execute()).map(userFromRow);
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findUser(username: string): Promise<UserWithHash | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username.trim().normalize('NFC')).executeTakeFirst();
    return row ? { ...userFromRow(row), passwordHash: row.password_hash } : undefined;
  }

  async getUser(id: number): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? userFromRow(row) : undefined;
  }

  /** Sets a new password hash and ends the user's sessions. */
  async setPassword(username: string, passwordHash: string): Promise<boolean> {
    const user = await this.findUser(username);
    if (!user) return false;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now() }).where('id', '=', user.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    });
    return true;
  }

  async setRole(username: string, role: Role): Promise<boolean> {
    const r = await this.db.updateTable('users').set({ role: checkRole(role), updated_at: now() }).where('username', '=', username.trim().normalize('NFC')).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Removes the user, their sessions and their tokens (the decision log keeps their name). */
  async removeUser(username: string): Promise<boolean> {
    const user = await this.findUser(username);
    if (!user) return false;
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      await trx.deleteFrom('api_tokens').where('user_id', '=', user.id).execute();
      await trx.deleteFrom('users').where('id', '=', user.id).execute();
    });
    return true;
  }

  // ---- sessions

  async createSession(idHash: string, userId: number, csrf: string, ttlMs: number): Promise<void> {
    const at = new Date();
    await this.db.insertInto('sessions').values({ id_hash: idHash, user_id: userId, csrf, created_at: at.toISOString(), expires_at: new Date(at.getTime() + ttlMs).toISOString() }).execute();
  }

  /** The live session with this id hash; an expired one is deleted and not returned. */
  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf', 'sessions.expires_at'])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at <= now()) {
      await this.deleteSession(idHash);
      return undefined;
    }
    return { user: userFromRow(row as unknown as UsersTable), csrf: row.csrf, expiresAt: row.expires_at };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpiredSessions(): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', now()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- personal API tokens

  async createToken(userId: number, name: string, tokenHash: string, prefix: string): Promise<ApiTokenRecord> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({ user_id: userId, name: name.trim().slice(0, 100) || 'token', token_hash: tokenHash, prefix, created_at: now(), last_used_at: null, revoked_at: null } as any)
      .returningAll()
      .executeTakeFirstOrThrow();
    return tokenFromRow(row);
  }

  async listTokens(userId: number): Promise<ApiTokenRecord[]> {
    return (await this.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').execute()).map(tokenFromRow);
  }

  /** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
  async revokeToken(userId: number, tokenId: number): Promise<boolean> {
    const r = await this.db.updateTable('api_tokens').set({ revoked_at: now() }).where('id', '=', tokenId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The user a live token belongs to (and marks it used). */
  async userOfToken(tokenHash: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', tokenHash)
      .where('api_tokens.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    // Marked at most once a minute: a busy integration should not write on every call.
    const at = now();
    if (!row.last_used_at || Date.parse(at) - Date.parse(row.last_used_at) > 60_000) {
      await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', Number(row.token_id)).execute();
    }
    return userFromRow(row as unknown as UsersTable);
  }
}

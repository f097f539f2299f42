/**
 * The shared backend: PostgreSQL through a `pg` pool. Several service instances may point at the
 * same database (the scale-out path): migrations take an advisory lock, article writes are
 * idempotent under concurrency, and the vocabulary version lives in the database.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { WasimError } from '../core/index.js';
import { KyselyRepository } from './kysely-repository.js';
import type { Database } from './schema.js';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresOptions {
  /** Pool size per instance. */
  poolSize?: number;
}

/**
 * `postgres://user@host:port/db` — optionally `?schema=name` to keep wasim's tables in their own
 * schema (created when missing), e.g. to share a database with the CMS or to isolate test runs.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): KyselyRepository {
  const parsed = new URL(url);
  // One schema, named in full: tables and kysely's migration bookkeeping must live together, and
  // kysely would take another schema's migration table for ours if it went by name alone.
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  if (!SCHEMA_NAME.test(schema)) throw WasimError.of('USAGE', 'schemaName', { schema });
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    options: `-c search_path=${schema}`,
  });
  // A client losing its server (restart, network) must not crash the process: idle ones are
  // the pool's; one checked out (between the statements of a transaction) would otherwise
  // raise an unhandled 'error' event. Its next query fails instead, and the caller retries.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyRepository('postgres', db, {
    migrationTableSchema: schema,
    beforeMigrate: async () => {
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (e) {
        // Two instances starting together race on "if not exists"; the loser finds it made.
        const found = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${schema}`.execute(db);
        if (found.rows[0]?.n !== 1) throw e;
      }
    },
  });
}

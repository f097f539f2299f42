/** The embedded backend: one SQLite file (better-sqlite3), the zero-configuration default. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyRepository } from './kysely-repository.js';
import type { Database } from './schema.js';

export function openSqlite(path: string): KyselyRepository {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  // WAL: readers never block the writer, and a killed process loses no committed transaction.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  return new KyselyRepository('sqlite', db);
}

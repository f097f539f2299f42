/**
 * Test support: a fresh database per test run. SQLite by default (a file in a temp folder);
 * PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is a postgres:// URL — then a schema of its
 * own, dropped afterwards, so runs never see each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  /** A temp folder the test may use for other files; removed by cleanup. */
  dir: string;
  cleanup(): Promise<void>;
}

export function postgresTestUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

export async function createTestDatabase(label = 'wasim'): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const pgUrl = postgresTestUrl();
  if (!pgUrl) {
    return { kind: 'sqlite', url: `sqlite:${join(dir, 'db', 'wasim.db')}`, dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `wasim_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const u = new URL(pgUrl);
  u.searchParams.set('schema', schema);
  return {
    kind: 'postgres',
    url: u.toString(),
    dir,
    async cleanup() {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
        // The job queue's tables (pg-boss) live beside wasim's.
        await client.query(`drop schema if exists "${schema}_pgboss" cascade`);
      } finally {
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Versioned schema migrations, kept in code (no migration files to ship or find at run time).
 * Names sort in the order they apply; a migration, once released, is never edited — add a new one.
 * The few type differences between SQLite and PostgreSQL (auto-increment keys, floats) are
 * resolved by the dialect passed in.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { accountsMigration } from './accounts.js';
import { adaptationMigration } from './adaptation.js';
import { jobsMigration } from './jobs.js';

export type DialectKind = 'sqlite' | 'postgres';

function types(kind: DialectKind) {
  return {
    serial: kind === 'postgres' ? ('serial' as const) : ('integer' as const),
    float: kind === 'postgres' ? ('double precision' as const) : ('real' as const),
  };
}

function initial(kind: DialectKind): Migration {
  const t = types(kind);
  return {
    async up(db: Kysely<any>) {
      const id = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
      await db.schema
        .createTable('articles')
        .addColumn('id', t.serial, id)
        .addColumn('external_id', 'text', (c) => c.unique())
        .addColumn('url', 'text', (c) => c.unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addColumn('search_text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('tagged_version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('articles_published_at').on('articles').column('published_at').execute();

      await db.schema
        .createTable('vocabulary')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('aliases', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('nisba', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('type', 'text')
        .addColumn('parent', 'text')
        .addColumn('ambiguous', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text')
        .addColumn('search_key', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('article_tags')
        .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
        .addColumn('tag_id', 'text', (c) => c.notNull().references('vocabulary.id').onDelete('cascade').onUpdate('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('score', t.float)
        .addColumn('type', 'text')
        .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('evidence', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('suggested', 'accepted', 'rejected', 'added')`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('article_tags_pk', ['article_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('article_tags_tag_status').on('article_tags').columns(['tag_id', 'status']).execute();

      // Append-only and without foreign keys: decisions outlive the articles and tags they were about.
      await db.schema
        .createTable('tag_decisions')
        .addColumn('id', t.serial, id)
        .addColumn('article_id', 'integer', (c) => c.notNull())
        .addColumn('tag_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('editor', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tag_decisions_article').on('tag_decisions').column('article_id').execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', t.serial, id)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['article_tags', 'tag_decisions', 'jobs', 'settings', 'articles', 'vocabulary']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

export function migrationProvider(kind: DialectKind): MigrationProvider {
  return {
    async getMigrations() {
      return { '0001_initial': initial(kind), '0002_accounts': accountsMigration(kind), '0003_adaptation': adaptationMigration(kind), '0004_job_chunks': jobsMigration(kind) };
    },
  };
}

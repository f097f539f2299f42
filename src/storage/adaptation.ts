/**
 * What the service keeps of learning from its editors (src/core/learn.ts): one observation per
 * decided article (keyed by its decision id, replaced when the article is decided again) and
 * the adaptation models fitted from them, versioned, stored with the vocabulary they adapt.
 * The decisions themselves are the tag_decisions log.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from './migrations.js';
import type { Database, TagStatus } from './schema.js';

interface AdaptationModelsTable {
  version: Generated<number>;
  /** The vocabulary the model adapts: one vocabulary per database today. */
  vocabulary: string;
  model: string;
  decisions: number;
  created_at: string;
}

interface AdaptationObservationsTable {
  decision_id: string;
  article_id: number;
  /** The article's latest tag_decisions id when it was observed: resets forget up to such a stamp. */
  seq: number;
  observation: string;
  updated_at: string;
}

interface AdaptationTables extends Database {
  adaptation_models: AdaptationModelsTable;
  adaptation_observations: AdaptationObservationsTable;
}

export const DEFAULT_VOCABULARY_NAME = 'default';
/** Model versions kept besides the newest (older ones are pruned at each save). */
const KEEP_VERSIONS = 20;

export function adaptationMigration(kind: DialectKind): Migration {
  const serial = kind === 'postgres' ? ('serial' as const) : ('integer' as const);
  const id = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('adaptation_models')
        .addColumn('version', serial, id)
        .addColumn('vocabulary', 'text', (c) => c.notNull().defaultTo(DEFAULT_VOCABULARY_NAME))
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('decisions', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('adaptation_models_vocabulary').on('adaptation_models').columns(['vocabulary', 'version']).execute();
      await db.schema
        .createTable('adaptation_observations')
        .addColumn('decision_id', 'text', (c) => c.primaryKey())
        .addColumn('article_id', 'integer', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('observation', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('adaptation_observations_article').on('adaptation_observations').column('article_id').execute();
      // Decisions are read by id order from a watermark on.
      await db.schema.createIndex('tag_decisions_id_article').on('tag_decisions').columns(['id', 'article_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('tag_decisions_id_article').ifExists().execute();
      for (const table of ['adaptation_observations', 'adaptation_models']) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}

export interface StoredModel {
  version: number;
  vocabulary: string;
  /** The model's JSON text, as fitted. */
  model: string;
  decisions: number;
  createdAt: string;
}

/** An article's decisions as they stand: its tags by status (a decision undone is gone). */
export interface ArticleDecisions {
  articleId: number;
  externalId: string | null;
  title: string;
  body: string;
  /** tag ids by status */
  accepted: string[];
  rejected: string[];
  added: string[];
}

const now = (): string => new Date().toISOString();

export class AdaptationStore {
  private readonly db: Kysely<AdaptationTables>;
  constructor(db: Kysely<Database>) {
    this.db = db as Kysely<AdaptationTables>;
  }

  /** The newest decision's id (0 when there is none). */
  async lastDecisionId(): Promise<number> {
    const row = await this.db.selectFrom('tag_decisions').select(sql<number | null>`max(id)`.as('m')).executeTakeFirst();
    return Number(row?.m ?? 0);
  }

  async decisionsAfter(id: number): Promise<number> {
    const row = await this.db.selectFrom('tag_decisions').select((eb) => eb.fn.countAll().as('n')).where('id', '>', id).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Articles with decisions logged after `after`, with their latest decision id, oldest first. */
  async decidedArticlesAfter(after: number, limit: number): Promise<{ articleId: number; seq: number }[]> {
    const rows = await this.db
      .selectFrom('tag_decisions')
      .select(['article_id', sql<number>`max(id)`.as('seq')])
      .where('id', '>', after)
      .groupBy('article_id')
      .orderBy(sql`max(id)`)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ articleId: Number(r.article_id), seq: Number(r.seq) }));
  }

  async articleDecisions(articleId: number): Promise<ArticleDecisions | undefined> {
    const a = await this.db.selectFrom('articles').select(['id', 'external_id', 'title', 'body']).where('id', '=', articleId).executeTakeFirst();
    if (!a) return undefined;
    const tags = await this.db.selectFrom('article_tags').select(['tag_id', 'status']).where('article_id', '=', articleId).orderBy('tag_id').execute();
    const of = (s: TagStatus) => tags.filter((t) => t.status === s).map((t) => t.tag_id);
    return { articleId, externalId: a.external_id, title: a.title, body: a.body, accepted: of('accepted'), rejected: of('rejected'), added: of('added') };
  }

  async putObservation(decisionId: string, articleId: number, seq: number, observation: string): Promise<void> {
    const at = now();
    await this.db
      .insertInto('adaptation_observations')
      .values({ decision_id: decisionId, article_id: articleId, seq, observation, updated_at: at })
      .onConflict((oc) => oc.column('decision_id').doUpdateSet({ article_id: articleId, seq, observation, updated_at: at }))
      .execute();
  }

  async deleteObservation(decisionId: string): Promise<void> {
    await this.db.deleteFrom('adaptation_observations').where('decision_id', '=', decisionId).execute();
  }

  /** Every observation, in decision-id order, read in pages. */
  async *observations(page = 500): AsyncGenerator<{ decisionId: string; seq: number; observation: string }> {
    let after: string | undefined;
    for (;;) {
      let q = this.db.selectFrom('adaptation_observations').select(['decision_id', 'seq', 'observation']).orderBy('decision_id').limit(page);
      if (after !== undefined) q = q.where('decision_id', '>', after);
      const rows = await q.execute();
      for (const r of rows) yield { decisionId: r.decision_id, seq: Number(r.seq), observation: r.observation };
      if (rows.length < page) return;
      after = rows[rows.length - 1]!.decision_id;
    }
  }

  async countObservations(): Promise<number> {
    const row = await this.db.selectFrom('adaptation_observations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async saveModel(model: string, decisions: number, vocabulary = DEFAULT_VOCABULARY_NAME): Promise<StoredModel> {
    const createdAt = now();
    const row = await this.db.insertInto('adaptation_models').values({ vocabulary, model, decisions, created_at: createdAt }).returning('version').executeTakeFirstOrThrow();
    const version = Number(row.version);
    await this.db.deleteFrom('adaptation_models').where('vocabulary', '=', vocabulary).where('version', '<=', version - KEEP_VERSIONS).execute();
    return { version, vocabulary, model, decisions, createdAt };
  }

  async latestModel(vocabulary = DEFAULT_VOCABULARY_NAME): Promise<StoredModel | undefined> {
    const r = await this.db.selectFrom('adaptation_models').selectAll().where('vocabulary', '=', vocabulary).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r ? { version: Number(r.version), vocabulary: r.vocabulary, model: r.model, decisions: Number(r.decisions), createdAt: r.created_at } : undefined;
  }

  async listModels(limit = 20, vocabulary = DEFAULT_VOCABULARY_NAME): Promise<Omit<StoredModel, 'model'>[]> {
    const rows = await this.db.selectFrom('adaptation_models').select(['version', 'vocabulary', 'decisions', 'created_at']).where('vocabulary', '=', vocabulary).orderBy('version', 'desc').limit(limit).execute();
    return rows.map((r) => ({ version: Number(r.version), vocabulary: r.vocabulary, decisions: Number(r.decisions), createdAt: r.created_at }));
  }
}

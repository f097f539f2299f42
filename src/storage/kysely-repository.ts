/**
 * The repository over kysely. SQLite and PostgreSQL share this code: the schema uses portable
 * types (see schema.ts) and the queries stay within what both dialects accept (ON CONFLICT DO
 * NOTHING, RETURNING, LIKE … ESCAPE, substr, coalesce). Every write that touches more than one
 * row runs in one transaction.
 */
import { Migrator, sql, type Kysely, type Transaction } from 'kysely';
import { DECISION_WORDS, foldKey, WasimError, type Evidence, type Mention, type TagType, type VocabEntry } from '../core/index.js';
import { AccountStore } from './accounts.js';
import { ReviewStore } from './review.js';
import { AdaptationStore } from './adaptation.js';
import { JobStore, type ChunkPlan, type Job, type NewJob } from './jobs.js';
import { migrationProvider, type DialectKind } from './migrations.js';
import type { Database, TagStatus } from './schema.js';
import type {
  ArticleFilter,
  ArticlePage,
  ArticleInput,
  ArticleSummary,
  DecisionFilter,
  DecisionInput,
  DecisionRecord,
  ImportSummary,
  VocabularyImportPlan,
  KeyedEntry,
  NewTag,
  PageRequest,
  Repository,
  StoredArticle,
  StoredTag,
  StoreResult,
  TagDetail,
  TagUsage,
  VocabularyFilter,
  VocabularyRecord,
} from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

const VOCAB_VERSION_KEY = 'vocabulary_version';
const VOCAB_SEED_KEY = 'vocabulary_seed';
const EXCERPT_CHARS = 280;
// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const INSERT_CHUNK = 400;

const now = (): string => new Date().toISOString();

/** The id an entry gets when its source gives none: its folded label, as the compiler does. */
export function entryId(entry: VocabEntry): string {
  return entry.id ?? foldKey(entry.label);
}

function likePattern(text: string): string {
  return '%' + text.replace(/[!%_]/g, '!$&') + '%';
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function chunks<T>(list: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const STATUS_RANK: Record<TagStatus, number> = { added: 0, accepted: 1, suggested: 2, rejected: 3 };

function byRelevance(a: { score: number | null; status: TagStatus }, b: { score: number | null; status: TagStatus }): number {
  return (b.score ?? -Infinity) - (a.score ?? -Infinity) || STATUS_RANK[a.status] - STATUS_RANK[b.status];
}

function tagFromRow(row: Database['article_tags'] extends infer R ? { [K in keyof R]: any } : never): StoredTag {
  const tag: StoredTag = {
    id: row.tag_id,
    tag: row.label,
    score: row.score === null ? null : Number(row.score),
    status: row.status,
    mentions: parseJson<Mention[]>(row.mentions, []),
  };
  if (row.type) tag.type = row.type;
  const evidence = parseJson<Evidence | null>(row.evidence, null);
  if (evidence) tag.evidence = evidence;
  return tag;
}

function vocabFromRow(row: { [K in keyof Database['vocabulary']]: any }): VocabularyRecord {
  const record: VocabularyRecord = {
    id: row.id,
    label: row.label,
    aliases: parseJson<string[]>(row.aliases, []),
    nisba: parseJson<string[]>(row.nisba, []),
    ambiguous: Number(row.ambiguous) === 1,
    updatedAt: row.updated_at,
  };
  if (row.type) record.type = row.type as TagType;
  if (row.parent) record.parent = row.parent;
  if (row.note) record.note = row.note;
  return record;
}

function vocabRow(entry: KeyedEntry, at: string): Database['vocabulary'] {
  const aliases = entry.aliases ?? [];
  return {
    id: entry.id,
    label: entry.label,
    aliases: JSON.stringify(aliases),
    nisba: JSON.stringify(entry.nisba ?? []),
    type: entry.type ?? null,
    parent: entry.parent ?? null,
    ambiguous: entry.ambiguous ? 1 : 0,
    note: entry.note ?? null,
    search_key: [entry.label, ...aliases].map(foldKey).join(' | '),
    updated_at: at,
  };
}

function recordToEntry(r: VocabularyRecord): KeyedEntry {
  const e: KeyedEntry = { id: r.id, label: r.label };
  if (r.aliases.length) e.aliases = r.aliases;
  if (r.nisba.length) e.nisba = r.nisba;
  if (r.type) e.type = r.type;
  if (r.parent) e.parent = r.parent;
  if (r.ambiguous) e.ambiguous = true;
  if (r.note) e.note = r.note;
  return e;
}

/** Folded forms of a list, first spelling kept, duplicates (after folding) and `exclude` dropped. */
function uniqueForms(forms: readonly string[], exclude: readonly string[] = []): string[] {
  const seen = new Set(exclude.map(foldKey));
  const out: string[] = [];
  for (const f of forms) {
    const k = foldKey(f);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}

type ImportStep = { insert: Database['vocabulary'][] } | { update: { id: string; row: Database['vocabulary']; relabel: boolean }[] } | { delete: string[] };

/** A prepared import met a vocabulary changed since: it must be prepared again. */
export class StaleImportError extends Error {
  constructor(planned: number, found: number) {
    super(`The vocabulary changed while the import was being prepared (version ${planned}, now ${found}); it is prepared again.`);
  }
}

/**
 * What an import changes, worked out from the entries stored now — pure, so that a worker thread
 * can do it: the writes in order, in batches, and the summary.
 */
function planImport(current: readonly VocabularyRecord[], entries: readonly VocabEntry[], mode: 'merge' | 'replace', at: string): { steps: ImportStep[]; summary: ImportSummary } {
  const byId = new Map(current.map((r) => [r.id, r]));
  const byLabel = new Map<string, string>();
  for (const r of current) if (!byLabel.has(foldKey(r.label))) byLabel.set(foldKey(r.label), r.id);
  // Entries of the list, settled on an id: a bare label matches an entry whose label folds alike.
  const wanted = new Map<string, KeyedEntry>();
  for (const e of entries) {
    const id = e.id ?? byLabel.get(foldKey(e.label)) ?? entryId(e);
    const prev = wanted.get(id);
    if (prev) {
      // The same tag listed twice (two txt lines folding alike): one entry, forms pooled.
      prev.aliases = uniqueForms([...(prev.aliases ?? []), e.label, ...(e.aliases ?? [])], [prev.label]);
      continue;
    }
    wanted.set(id, { ...e, id });
  }
  const inserts: Database['vocabulary'][] = [];
  const updates: { id: string; row: Database['vocabulary']; relabel: boolean }[] = [];
  for (const [id, e] of wanted) {
    const old = byId.get(id);
    if (!old) {
      inserts.push(vocabRow(e, at));
      continue;
    }
    // Fields the list gives win; fields it leaves out (a txt list has only labels) are kept.
    const merged: KeyedEntry = { ...recordToEntry(old), label: e.label };
    for (const k of ['aliases', 'nisba', 'type', 'parent', 'ambiguous', 'note'] as const) if (e[k] !== undefined) (merged as any)[k] = e[k];
    const row = vocabRow(merged, at);
    const oldRow = vocabRow(recordToEntry(old), at);
    if (JSON.stringify(row) === JSON.stringify(oldRow)) continue;
    updates.push({ id, row, relabel: old.label !== merged.label || old.type !== merged.type });
  }
  const gone = mode === 'replace' ? [...byId.keys()].filter((id) => !wanted.has(id)) : [];
  const steps: ImportStep[] = [
    ...chunks(updates, 100).map((update) => ({ update })),
    ...chunks(inserts).map((insert) => ({ insert })),
    ...chunks(gone).map((ids) => ({ delete: ids })),
  ];
  return { steps, summary: { added: inserts.length, updated: updates.length, removed: gone.length } };
}

export class KyselyRepository implements Repository {
  readonly accounts: AccountStore;
  readonly review: ReviewStore;
  readonly adaptation: AdaptationStore;
  readonly jobs: JobStore;
  constructor(
    readonly kind: DialectKind,
    private readonly db: Kysely<Database>,
    private readonly options: { migrationTableSchema?: string; beforeMigrate?: () => Promise<void> } = {},
  ) {
    this.accounts = new AccountStore(db);
    this.review = new ReviewStore(db);
    this.adaptation = new AdaptationStore(db);
    this.jobs = new JobStore(db, kind);
  }

  async migrate(): Promise<string[]> {
    await this.options.beforeMigrate?.();
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider(this.kind),
      ...(this.options.migrationTableSchema ? { migrationTableSchema: this.options.migrationTableSchema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    await this.db
      .insertInto('settings')
      .values({ key: VOCAB_VERSION_KEY, value: '0', updated_at: now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- settings

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value, updated_at: now() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now() }))
      .execute();
  }

  async setSettingIfAbsent(key: string, value: string): Promise<boolean> {
    return this.insertSettingIfAbsent(this.db, key, value);
  }

  private async insertSettingIfAbsent(db: Db, key: string, value: string): Promise<boolean> {
    const rows = await db
      .insertInto('settings')
      .values({ key, value, updated_at: now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .execute();
    return rows.length === 1;
  }

  // ---- articles

  private async loadArticle(db: Db, id: number): Promise<StoredArticle | undefined> {
    const row = await db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const tagRows = await db.selectFrom('article_tags').selectAll().where('article_id', '=', id).execute();
    return {
      id: Number(row.id),
      externalId: row.external_id,
      url: row.url,
      title: row.title,
      body: row.body,
      publishedAt: row.published_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      taggedVersion: Number(row.tagged_version),
      tags: tagRows.map(tagFromRow).sort(byRelevance),
    };
  }

  private async findArticleId(db: Db, key: { externalId?: string; url?: string }): Promise<number | undefined> {
    if (key.externalId !== undefined) {
      const row = await db.selectFrom('articles').select('id').where('external_id', '=', key.externalId).executeTakeFirst();
      if (row) return Number(row.id);
    }
    if (key.url !== undefined) {
      const row = await db.selectFrom('articles').select('id').where('url', '=', key.url).executeTakeFirst();
      if (row) return Number(row.id);
    }
    return undefined;
  }

  /** Tags whose vocabulary entry still exists: the tagger may have been compiled before a deletion. */
  private async knownTags(db: Db, tags: readonly NewTag[]): Promise<NewTag[]> {
    if (tags.length === 0) return [];
    const ids = [...new Set(tags.map((t) => t.tagId))];
    const rows = await db.selectFrom('vocabulary').select('id').where('id', 'in', ids).execute();
    const known = new Set(rows.map((r) => r.id));
    const seen = new Set<string>();
    return tags.filter((t) => known.has(t.tagId) && !seen.has(t.tagId) && seen.add(t.tagId));
  }

  private tagRow(articleId: number, t: NewTag, status: TagStatus, at: string): Database['article_tags'] {
    return {
      article_id: articleId,
      tag_id: t.tagId,
      label: t.label,
      score: t.score,
      type: t.type ?? null,
      mentions: JSON.stringify(t.mentions),
      evidence: t.evidence ? JSON.stringify(t.evidence) : null,
      status,
      created_at: at,
      updated_at: at,
    };
  }

  async storeArticles(items: { input: ArticleInput; tags: NewTag[] }[], vocabularyVersion: number): Promise<StoreResult[]> {
    return this.db.transaction().execute(async (trx) => {
      const results: StoreResult[] = [];
      for (const { input, tags } of items) {
        const existing = await this.findArticleId(trx, input);
        if (existing !== undefined) {
          results.push({ article: (await this.loadArticle(trx, existing))!, created: false });
          continue;
        }
        const at = now();
        const inserted = await trx
          .insertInto('articles')
          .values({
            external_id: input.externalId ?? null,
            url: input.url ?? null,
            title: input.title,
            body: input.body,
            published_at: input.publishedAt ?? null,
            search_text: foldKey(input.title + '\n' + input.body),
            created_at: at,
            updated_at: at,
            tagged_version: vocabularyVersion,
          })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) {
          // Another writer stored the same external id or URL between our lookup and insert.
          const id = await this.findArticleId(trx, input);
          if (id === undefined) throw WasimError.of('CONFLICT', 'articleConflict', {});
          results.push({ article: (await this.loadArticle(trx, id))!, created: false });
          continue;
        }
        const id = Number(inserted.id);
        const known = await this.knownTags(trx, tags);
        if (known.length) await trx.insertInto('article_tags').values(known.map((t) => this.tagRow(id, t, 'suggested', at))).execute();
        results.push({ article: (await this.loadArticle(trx, id))!, created: true });
      }
      return results;
    });
  }

  async findArticle(key: { externalId?: string; url?: string }): Promise<StoredArticle | undefined> {
    const id = await this.findArticleId(this.db, key);
    return id === undefined ? undefined : this.loadArticle(this.db, id);
  }

  async getArticle(id: number): Promise<StoredArticle | undefined> {
    return this.loadArticle(this.db, id);
  }

  private filtered(filter: ArticleFilter) {
    let q = this.db.selectFrom('articles');
    for (const tagId of filter.tags ?? []) {
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('article_tags')
            .select('article_tags.article_id')
            .whereRef('article_tags.article_id', '=', 'articles.id')
            .where('article_tags.tag_id', '=', tagId)
            .where('article_tags.status', '<>', 'rejected'),
        ),
      );
    }
    if (filter.q !== undefined) {
      const folded = foldKey(filter.q);
      if (folded) q = q.where(sql<boolean>`search_text like ${likePattern(folded)} escape '!'`);
    }
    const date = sql<string>`coalesce(published_at, created_at)`;
    if (filter.from !== undefined) q = q.where(date, '>=', filter.from);
    if (filter.to !== undefined) q = q.where(date, '<=', filter.to);
    if (filter.externalId !== undefined) q = q.where('external_id', '=', filter.externalId);
    if (filter.url !== undefined) q = q.where('url', '=', filter.url);
    if (filter.ids !== undefined) q = q.where('id', 'in', filter.ids.length ? filter.ids : [-1]);
    return q;
  }

  async countArticles(filter: ArticleFilter): Promise<number> {
    const row = await this.filtered(filter).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listArticles(filter: ArticleFilter, page: PageRequest): Promise<ArticlePage> {
    let q = this.filtered(filter)
      .select(['id', 'external_id', 'url', 'title', 'published_at', 'created_at', 'updated_at', sql<string>`substr(body, 1, ${EXCERPT_CHARS})`.as('excerpt')])
      .orderBy('id', 'desc')
      .limit(page.limit);
    if (page.before !== undefined) q = q.where('id', '<', page.before);
    else if (page.offset) q = q.offset(page.offset);
    const [rows, total] = await Promise.all([q.execute(), this.countArticles(filter)]);
    const ids = rows.map((r) => Number(r.id));
    const tagRows = ids.length
      ? await this.db
          .selectFrom('article_tags')
          .select(['article_id', 'tag_id', 'label', 'score', 'type', 'status'])
          .where('article_id', 'in', ids)
          .where('status', '<>', 'rejected')
          .execute()
      : [];
    const tagsOf = new Map<number, ArticleSummary['tags']>();
    for (const t of tagRows) {
      const list = tagsOf.get(Number(t.article_id)) ?? [];
      list.push({ id: t.tag_id, tag: t.label, score: t.score === null ? null : Number(t.score), status: t.status, ...(t.type ? { type: t.type } : {}) });
      tagsOf.set(Number(t.article_id), list);
    }
    const items: ArticleSummary[] = rows.map((r) => ({
      id: Number(r.id),
      externalId: r.external_id,
      url: r.url,
      title: r.title,
      excerpt: r.excerpt,
      publishedAt: r.published_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      tags: (tagsOf.get(Number(r.id)) ?? []).sort(byRelevance),
    }));
    const last = items[items.length - 1];
    return { items, total, nextBefore: items.length === page.limit && last ? last.id : null };
  }

  async articlesAfter(filter: ArticleFilter, afterId: number, limit: number): Promise<{ id: number; title: string; body: string }[]> {
    const rows = await this.filtered(filter).select(['id', 'title', 'body']).where('id', '>', afterId).orderBy('id', 'asc').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), title: r.title, body: r.body }));
  }

  async deleteArticle(id: number): Promise<boolean> {
    // Tags go with the article (ON DELETE CASCADE); the decision log stays.
    const res = await this.db.deleteFrom('articles').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async retagArticle(id: number, tags: NewTag[], vocabularyVersion: number, jobId?: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Locked: two runs of one chunk (a worker taken for dead that was only slow) write in turn.
      let select = trx.selectFrom('articles').select(['id', 'tagged_job']).where('id', '=', id);
      if (this.kind === 'postgres') select = select.forUpdate();
      const article = await select.executeTakeFirst();
      if (!article) return false;
      if (jobId !== undefined && article.tagged_job !== null && Number(article.tagged_job) === jobId) return false;
      const at = now();
      const known = await this.knownTags(trx, tags);
      const existing = await trx.selectFrom('article_tags').select(['tag_id', 'status']).where('article_id', '=', id).execute();
      const statusOf = new Map(existing.map((r) => [r.tag_id, r.status]));
      const fresh = new Set(known.map((t) => t.tagId));
      const stale = existing.filter((r) => r.status === 'suggested' && !fresh.has(r.tag_id)).map((r) => r.tag_id);
      if (stale.length) await trx.deleteFrom('article_tags').where('article_id', '=', id).where('tag_id', 'in', stale).execute();
      const inserts = known.filter((t) => !statusOf.has(t.tagId)).map((t) => this.tagRow(id, t, 'suggested', at));
      if (inserts.length) await trx.insertInto('article_tags').values(inserts).execute();
      for (const t of known.filter((t) => statusOf.has(t.tagId))) {
        await trx
          .updateTable('article_tags')
          .set({ label: t.label, score: t.score, type: t.type ?? null, mentions: JSON.stringify(t.mentions), evidence: t.evidence ? JSON.stringify(t.evidence) : null, updated_at: at })
          .where('article_id', '=', id)
          .where('tag_id', '=', t.tagId)
          .execute();
      }
      await trx.updateTable('articles').set({ tagged_version: vocabularyVersion, tagged_job: jobId ?? null }).where('id', '=', id).execute();
      return true;
    });
  }

  async planArticleRanges(filter: ArticleFilter, size: number): Promise<ChunkPlan[]> {
    const ranges: ChunkPlan[] = [];
    let after = 0;
    let current: ChunkPlan | undefined;
    for (;;) {
      const rows = await this.filtered(filter).select('id').where('id', '>', after).orderBy('id', 'asc').limit(10_000).execute();
      for (const r of rows) {
        const id = Number(r.id);
        if (!current) current = { firstId: id, lastId: id, total: 0 };
        current.lastId = id;
        current.total++;
        if (current.total === size) {
          ranges.push(current);
          current = undefined;
        }
      }
      if (rows.length < 10_000) break;
      after = Number(rows[rows.length - 1]!.id);
    }
    if (current) ranges.push(current);
    return ranges;
  }

  private toRetag(filter: ArticleFilter, range: { firstId: number; lastId: number }, jobId: number) {
    return this.filtered(filter)
      .where('id', '>=', range.firstId)
      .where('id', '<=', range.lastId)
      .where((eb) => eb.or([eb('tagged_job', 'is', null), eb('tagged_job', '<>', jobId)]));
  }

  async articlesToRetag(filter: ArticleFilter, range: { firstId: number; lastId: number }, jobId: number, limit: number): Promise<{ id: number; title: string; body: string }[]> {
    const rows = await this.toRetag(filter, range, jobId).select(['id', 'title', 'body']).orderBy('id', 'asc').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), title: r.title, body: r.body }));
  }

  async countArticlesToRetag(filter: ArticleFilter, range: { firstId: number; lastId: number }, jobId: number): Promise<number> {
    const row = await this.toRetag(filter, range, jobId).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- editor decisions

  async decideTags(articleId: number, decisions: DecisionInput[], editor: string): Promise<StoredArticle> {
    return this.db.transaction().execute(async (trx) => {
      const article = await trx.selectFrom('articles').select('id').where('id', '=', articleId).executeTakeFirst();
      if (!article) throw WasimError.of('NOT_FOUND', 'article', { id: articleId });
      const at = now();
      for (const d of decisions) {
        const row = await trx.selectFrom('article_tags').select(['status']).where('article_id', '=', articleId).where('tag_id', '=', d.tagId).executeTakeFirst();
        let to: TagStatus;
        if (d.action === 'add') {
          if (row) {
            to = row.status === 'added' || row.status === 'accepted' ? row.status : 'accepted';
            await trx.updateTable('article_tags').set({ status: to, updated_at: at }).where('article_id', '=', articleId).where('tag_id', '=', d.tagId).execute();
          } else {
            const entry = await trx.selectFrom('vocabulary').select(['label', 'type']).where('id', '=', d.tagId).executeTakeFirst();
            if (!entry) throw WasimError.of('NOT_FOUND', 'tagInVocabularyById', { id: d.tagId });
            to = 'added';
            const found = d.found ?? { score: null, mentions: [] };
            await trx
              .insertInto('article_tags')
              .values(this.tagRow(articleId, { tagId: d.tagId, label: entry.label, ...found, type: entry.type ?? undefined }, to, at))
              .execute();
          }
        } else {
          if (!row) throw WasimError.of('NOT_FOUND', 'articleTag', { article: articleId, ref: d.tagId, action: DECISION_WORDS[d.action].to });
          to = d.action === 'accept' ? 'accepted' : 'rejected';
          await trx.updateTable('article_tags').set({ status: to, updated_at: at }).where('article_id', '=', articleId).where('tag_id', '=', d.tagId).execute();
        }
        await trx
          .insertInto('tag_decisions')
          .values({ article_id: articleId, tag_id: d.tagId, action: d.action, editor, at, from_status: row?.status ?? null, to_status: to })
          .execute();
      }
      await trx.updateTable('articles').set({ updated_at: at }).where('id', '=', articleId).execute();
      return (await this.loadArticle(trx, articleId))!;
    });
  }

  async listDecisions(filter: DecisionFilter, page: PageRequest): Promise<{ items: DecisionRecord[]; total: number }> {
    let q = this.db.selectFrom('tag_decisions');
    if (filter.articleId !== undefined) q = q.where('article_id', '=', filter.articleId);
    if (filter.tagId !== undefined) q = q.where('tag_id', '=', filter.tagId);
    if (filter.editor !== undefined) q = q.where('editor', '=', filter.editor);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.offset ?? 0).execute(),
      q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        articleId: Number(r.article_id),
        tagId: r.tag_id,
        action: r.action,
        editor: r.editor,
        at: r.at,
        fromStatus: r.from_status,
        toStatus: r.to_status,
      })),
      total: Number(count.n),
    };
  }

  // ---- tags

  async listTags(options: { q?: string; includeUnused?: boolean }, page: PageRequest): Promise<{ items: TagUsage[]; total: number }> {
    const counts = this.db
      .selectFrom('article_tags')
      .select(['tag_id', (eb) => eb.fn.countAll().as('n')])
      .where('status', '<>', 'rejected')
      .groupBy('tag_id');
    let q = this.db.selectFrom('vocabulary as v').leftJoin(counts.as('c'), 'c.tag_id', 'v.id');
    if (!options.includeUnused) q = q.where('c.n', 'is not', null);
    if (options.q !== undefined) {
      const folded = foldKey(options.q);
      if (folded) q = q.where(sql<boolean>`v.search_key like ${likePattern(folded)} escape '!'`);
    }
    const count = sql<number>`coalesce(c.n, 0)`;
    const [rows, total] = await Promise.all([
      q
        .select(['v.id', 'v.label', 'v.type', 'v.parent', count.as('count')])
        .orderBy(count, 'desc')
        .orderBy('v.label')
        .orderBy('v.id')
        .limit(page.limit)
        .offset(page.offset ?? 0)
        .execute(),
      q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({ id: r.id, label: r.label, count: Number(r.count), ...(r.type ? { type: r.type as TagType } : {}), ...(r.parent ? { parent: r.parent } : {}) })),
      total: Number(total.n),
    };
  }

  async getTag(id: string): Promise<TagDetail | undefined> {
    const entry = await this.getVocabulary(id);
    if (!entry) return undefined;
    const month = sql<string>`substr(coalesce(a.published_at, a.created_at), 1, 7)`;
    const months = await this.db
      .selectFrom('article_tags as t')
      .innerJoin('articles as a', 'a.id', 't.article_id')
      .select([month.as('month'), (eb) => eb.fn.countAll().as('n')])
      .where('t.tag_id', '=', id)
      .where('t.status', '<>', 'rejected')
      .groupBy(month)
      .orderBy(month)
      .execute();
    const monthly = months.map((m) => ({ month: m.month, count: Number(m.n) }));
    return { ...entry, count: monthly.reduce((s, m) => s + m.count, 0), months: monthly };
  }

  // ---- vocabulary

  private async bumpVocabularyVersion(trx: Db): Promise<void> {
    // One statement, so concurrent instances sharing PostgreSQL never hand out the same version.
    await trx
      .updateTable('settings')
      .set({ value: sql<string>`cast(cast(value as integer) + 1 as text)`, updated_at: now() })
      .where('key', '=', VOCAB_VERSION_KEY)
      .execute();
  }

  async vocabularyVersion(): Promise<number> {
    return Number((await this.getSetting(VOCAB_VERSION_KEY)) ?? 0);
  }

  async vocabularySize(): Promise<number> {
    const row = await this.db.selectFrom('vocabulary').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listVocabulary(filter: VocabularyFilter, page: PageRequest): Promise<{ items: VocabularyRecord[]; total: number }> {
    let q = this.db.selectFrom('vocabulary');
    if (filter.q !== undefined) {
      const folded = foldKey(filter.q);
      if (folded) q = q.where(sql<boolean>`search_key like ${likePattern(folded)} escape '!'`);
    }
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('label').orderBy('id').limit(page.limit).offset(page.offset ?? 0).execute(),
      q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(vocabFromRow), total: Number(total.n) };
  }

  async allVocabulary(): Promise<KeyedEntry[]> {
    const rows = await this.db.selectFrom('vocabulary').selectAll().orderBy('id').execute();
    return rows.map((r) => recordToEntry(vocabFromRow(r)));
  }

  private async vocabularyIn(db: Db, id: string): Promise<VocabularyRecord | undefined> {
    const row = await db.selectFrom('vocabulary').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? vocabFromRow(row) : undefined;
  }

  async getVocabulary(id: string): Promise<VocabularyRecord | undefined> {
    return this.vocabularyIn(this.db, id);
  }

  async resolveVocabulary(idOrLabel: string): Promise<VocabularyRecord | undefined> {
    const byId = await this.getVocabulary(idOrLabel);
    if (byId) return byId;
    const key = foldKey(idOrLabel);
    if (!key) return undefined;
    // search_key starts with the folded label; the exact label comparison is done here.
    const prefix = key.replace(/[!%_]/g, '!$&') + '%';
    const rows = await this.db.selectFrom('vocabulary').selectAll().where(sql<boolean>`search_key like ${prefix} escape '!'`).execute();
    return rows.map(vocabFromRow).find((r) => foldKey(r.label) === key);
  }

  async addVocabulary(entry: KeyedEntry): Promise<VocabularyRecord> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('vocabulary').values(vocabRow(entry, now())).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
      if (inserted.length === 0) throw WasimError.of('CONFLICT', 'entryExists', { id: entry.id });
      await this.bumpVocabularyVersion(trx);
      return (await this.vocabularyIn(trx, entry.id))!;
    });
  }

  async updateVocabulary(id: string, entry: KeyedEntry): Promise<VocabularyRecord> {
    return this.db.transaction().execute(async (trx) => {
      const old = await this.vocabularyIn(trx, id);
      if (!old) throw WasimError.of('NOT_FOUND', 'entry', { id });
      const row = vocabRow({ ...entry, id }, now());
      await trx.updateTable('vocabulary').set(row).where('id', '=', id).execute();
      if (old.label !== entry.label || old.type !== entry.type) {
        await trx.updateTable('article_tags').set({ label: entry.label, type: entry.type ?? null }).where('tag_id', '=', id).execute();
      }
      await this.bumpVocabularyVersion(trx);
      return (await this.vocabularyIn(trx, id))!;
    });
  }

  async deleteVocabulary(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx.deleteFrom('vocabulary').where('id', '=', id).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return false;
      await this.bumpVocabularyVersion(trx);
      return true;
    });
  }

  async mergeVocabulary(fromId: string, intoId: string): Promise<VocabularyRecord> {
    if (fromId === intoId) throw WasimError.of('CONFLICT', 'mergeIntoItself', {});
    return this.db.transaction().execute(async (trx) => {
      const from = await this.vocabularyIn(trx, fromId);
      const into = await this.vocabularyIn(trx, intoId);
      if (!from) throw WasimError.of('NOT_FOUND', 'entry', { id: fromId });
      if (!into) throw WasimError.of('NOT_FOUND', 'entry', { id: intoId });
      const at = now();
      const merged: KeyedEntry = {
        ...recordToEntry(into),
        aliases: uniqueForms([...into.aliases, from.label, ...from.aliases], [into.label]),
        nisba: uniqueForms([...into.nisba, ...from.nisba]),
        ambiguous: into.ambiguous,
      };
      if (!merged.nisba?.length) delete merged.nisba;
      await trx.updateTable('vocabulary').set(vocabRow(merged, at)).where('id', '=', intoId).execute();

      // Articles tagged with both keep the `into` row; an editor's decision on the `from` row wins over a mere suggestion.
      const both = await trx
        .selectFrom('article_tags as f')
        .innerJoin('article_tags as i', (j) => j.onRef('i.article_id', '=', 'f.article_id').on('i.tag_id', '=', intoId))
        .select(['f.article_id', 'f.status as fromStatus', 'i.status as intoStatus'])
        .where('f.tag_id', '=', fromId)
        .execute();
      for (const b of both) {
        if (b.intoStatus === 'suggested' && b.fromStatus !== 'suggested') {
          await trx.updateTable('article_tags').set({ status: b.fromStatus, updated_at: at }).where('article_id', '=', b.article_id).where('tag_id', '=', intoId).execute();
        }
      }
      if (both.length) {
        await trx
          .deleteFrom('article_tags')
          .where('tag_id', '=', fromId)
          .where(
            'article_id',
            'in',
            both.map((b) => b.article_id),
          )
          .execute();
      }
      await trx.updateTable('article_tags').set({ tag_id: intoId, label: into.label, type: into.type ?? null, updated_at: at }).where('tag_id', '=', fromId).execute();
      await trx.updateTable('vocabulary').set({ parent: intoId }).where('parent', 'in', [fromId, from.label]).execute();
      await trx.deleteFrom('vocabulary').where('id', '=', fromId).execute();
      await this.bumpVocabularyVersion(trx);
      return (await this.vocabularyIn(trx, intoId))!;
    });
  }

  async importVocabulary(entries: VocabEntry[], mode: 'merge' | 'replace'): Promise<ImportSummary> {
    return this.db.transaction().execute(async (trx) => {
      const summary = await this.importInto(trx, entries, mode);
      if (summary.added || summary.updated || summary.removed) await this.bumpVocabularyVersion(trx);
      return summary;
    });
  }

  private async importInto(trx: Db, entries: VocabEntry[], mode: 'merge' | 'replace'): Promise<ImportSummary> {
    const rows = await trx.selectFrom('vocabulary').selectAll().execute();
    const plan = planImport(rows.map(vocabFromRow), entries, mode, now());
    for (const step of plan.steps) await this.applyImportStep(trx, step);
    return plan.summary;
  }

  private async applyImportStep(trx: Db, step: ImportStep): Promise<void> {
    if ('insert' in step) await trx.insertInto('vocabulary').values(step.insert).execute();
    else if ('update' in step) {
      for (const { id, row, relabel } of step.update) {
        await trx.updateTable('vocabulary').set(row).where('id', '=', id).execute();
        if (relabel) await trx.updateTable('article_tags').set({ label: row.label, type: row.type }).where('tag_id', '=', id).execute();
      }
    } else await trx.deleteFrom('vocabulary').where('id', 'in', step.delete).execute();
  }

  async planVocabularyImport(entries: VocabEntry[], mode: 'merge' | 'replace'): Promise<VocabularyImportPlan> {
    // Version first: a change after it makes the plan stale, and applying it is refused.
    const version = await this.vocabularyVersion();
    const rows = await this.db.selectFrom('vocabulary').selectAll().execute();
    const plan = planImport(rows.map(vocabFromRow), entries, mode, now());
    return { version, summary: plan.summary, steps: plan.steps.map((s) => JSON.stringify(s)) };
  }

  async applyVocabularyImport(plan: VocabularyImportPlan, afterStep?: (done: number, total: number) => Promise<void>): Promise<ImportSummary> {
    return this.db.transaction().execute(async (trx) => {
      let current = trx.selectFrom('settings').select('value').where('key', '=', VOCAB_VERSION_KEY);
      // Locked: edits through other instances wait for the import instead of slipping under it.
      if (this.kind === 'postgres') current = current.forUpdate();
      const version = Number((await current.executeTakeFirst())?.value ?? 0);
      if (version !== plan.version) throw new StaleImportError(plan.version, version);
      for (let i = 0; i < plan.steps.length; i++) {
        await this.applyImportStep(trx, JSON.parse(plan.steps[i]!) as ImportStep);
        await afterStep?.(i + 1, plan.steps.length);
      }
      const { added, updated, removed } = plan.summary;
      if (added || updated || removed) await this.bumpVocabularyVersion(trx);
      return plan.summary;
    });
  }

  async seedVocabulary(entries: () => VocabEntry[], seed: string, options: { replaceIfChanged: boolean }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx.selectFrom('settings').select('value').where('key', '=', VOCAB_SEED_KEY).executeTakeFirst();
      if (previous && (previous.value === seed || !options.replaceIfChanged)) return false;
      if (previous) await trx.updateTable('settings').set({ value: seed, updated_at: now() }).where('key', '=', VOCAB_SEED_KEY).execute();
      // Two instances starting together: the second waits on this key and then finds it taken.
      else if (!(await this.insertSettingIfAbsent(trx, VOCAB_SEED_KEY, seed))) return false;
      await this.importInto(trx, entries(), previous ? 'replace' : 'merge');
      await this.bumpVocabularyVersion(trx);
      return true;
    });
  }

  // ---- jobs

  createJob(kind: string, params: Record<string, unknown>, options: Omit<NewJob, 'kind' | 'params'> = {}): Promise<Job> {
    return this.jobs.create({ kind, params, ...options });
  }

  updateJob(id: number, patch: Partial<Pick<Job, 'status' | 'total' | 'done' | 'error'>>): Promise<void> {
    return this.jobs.update(id, patch);
  }

  getJob(id: number): Promise<Job | undefined> {
    return this.jobs.get(id);
  }
}

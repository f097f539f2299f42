/**
 * The review queue: articles by how far editors got with them — unreviewed (no decision yet),
 * partly reviewed (decisions and open suggestions), reviewed (no suggestion left open) — and
 * undoing a decision. Over the repository's kysely database, in SQL both backends accept.
 */
import { sql, type Kysely } from 'kysely';
import { WasimError } from '../core/index.js';
import type { Database, TagStatus } from './schema.js';

export type ReviewState = 'unreviewed' | 'partial' | 'reviewed';
export const REVIEW_STATES: readonly ReviewState[] = ['unreviewed', 'partial', 'reviewed'];

export interface QueueFilter {
  state?: ReviewState;
  /** The host of the article's URL (its source site). */
  source?: string;
  /** Articles with a tag of this type not yet rejected. */
  type?: string;
  /** published_at (or created_at) ≥ from, ≤ to (ISO strings). */
  from?: string;
  to?: string;
}

export interface QueueItem {
  id: number;
  title: string;
  date: string;
  open: number;
  decided: number;
  state: ReviewState;
}

const now = (): string => new Date().toISOString();

function stateOf(open: number, decided: number): ReviewState {
  return decided === 0 ? 'unreviewed' : open > 0 ? 'partial' : 'reviewed';
}

export interface TagCount {
  id: string;
  label: string;
  count: number;
}

export interface RisingTag extends TagCount {
  /** Articles in the whole archive with the tag. */
  archive: number;
  /** Share of the window's articles over share of the archive's: > 1 is rising. */
  lift: number;
}

export interface Dashboard {
  /** The newest article's date: windows end there (an archive may be old). */
  latest: string | null;
  articles: number;
  rising: Record<'day' | 'week' | 'month', { since: string; articles: number; tags: RisingTag[] }>;
  perDay: { day: string; count: number }[];
  rejected: TagCount[];
}

const DAY_MS = 86_400_000;

export class ReviewStore {
  constructor(private readonly db: Kysely<Database>) {}

  private progress(filter: QueueFilter) {
    let q = this.db
      .selectFrom('articles as a')
      .leftJoin('article_tags as t', 't.article_id', 'a.id')
      .select([
        'a.id',
        'a.title',
        sql<string>`coalesce(a.published_at, a.created_at)`.as('date'),
        sql<number>`sum(case when t.status = 'suggested' then 1 else 0 end)`.as('open'),
        sql<number>`sum(case when t.status is not null and t.status <> 'suggested' then 1 else 0 end)`.as('decided'),
      ])
      .groupBy(['a.id', 'a.title', 'a.published_at', 'a.created_at']);
    if (filter.from) q = q.where(sql<string>`coalesce(a.published_at, a.created_at)`, '>=', filter.from);
    if (filter.to) q = q.where(sql<string>`coalesce(a.published_at, a.created_at)`, '<=', filter.to);
    if (filter.source) {
      const host = filter.source.replace(/[!%_]/g, '!$&');
      q = q.where((eb) => eb.or([sql<boolean>`a.url like ${`http://${host}/%`} escape '!'`, sql<boolean>`a.url like ${`https://${host}/%`} escape '!'`, sql<boolean>`a.url = ${`https://${filter.source}`}`]));
    }
    if (filter.type) {
      const type = filter.type;
      q = q.where(({ exists, selectFrom }) => exists(selectFrom('article_tags as tt').select('tt.tag_id').whereRef('tt.article_id', '=', 'a.id').where('tt.type', '=', type).where('tt.status', '<>', 'rejected')));
    }
    return q;
  }

  private withState(filter: QueueFilter) {
    const q = this.progress(filter);
    if (filter.state === 'unreviewed') return q.having(sql`sum(case when t.status is not null and t.status <> 'suggested' then 1 else 0 end)`, '=', 0);
    if (filter.state === 'partial') return q.having(sql`sum(case when t.status is not null and t.status <> 'suggested' then 1 else 0 end)`, '>', 0).having(sql`sum(case when t.status = 'suggested' then 1 else 0 end)`, '>', 0);
    if (filter.state === 'reviewed') return q.having(sql`sum(case when t.status is not null and t.status <> 'suggested' then 1 else 0 end)`, '>', 0).having(sql`sum(case when t.status = 'suggested' then 1 else 0 end)`, '=', 0);
    return q;
  }

  /** How many articles are in each state (the other filters applied). */
  async counts(filter: Omit<QueueFilter, 'state'> = {}): Promise<Record<ReviewState, number>> {
    const rows = await this.progress(filter).execute();
    const counts: Record<ReviewState, number> = { unreviewed: 0, partial: 0, reviewed: 0 };
    for (const r of rows) counts[stateOf(Number(r.open), Number(r.decided))]++;
    return counts;
  }

  /** Newest first. */
  async list(filter: QueueFilter, page: { limit: number; offset?: number }): Promise<QueueItem[]> {
    const rows = await this.withState(filter).orderBy('a.id', 'desc').limit(page.limit).offset(page.offset ?? 0).execute();
    return rows.map((r) => ({ id: Number(r.id), title: r.title, date: r.date, open: Number(r.open), decided: Number(r.decided), state: stateOf(Number(r.open), Number(r.decided)) }));
  }

  private async tagCounts(since?: string): Promise<{ counts: TagCount[]; articles: number }> {
    let q = this.db
      .selectFrom('article_tags as t')
      .innerJoin('articles as a', 'a.id', 't.article_id')
      .select(['t.tag_id', 't.label', (eb) => eb.fn.countAll().as('n')])
      .where('t.status', '<>', 'rejected')
      .groupBy(['t.tag_id', 't.label']);
    let n = this.db.selectFrom('articles as a').select((eb) => eb.fn.countAll().as('n'));
    if (since) {
      q = q.where(sql<string>`coalesce(a.published_at, a.created_at)`, '>=', since);
      n = n.where(sql<string>`coalesce(a.published_at, a.created_at)`, '>=', since);
    }
    const [rows, total] = await Promise.all([q.execute(), n.executeTakeFirstOrThrow()]);
    return { counts: rows.map((r) => ({ id: r.tag_id, label: r.label, count: Number(r.n) })), articles: Number(total.n) };
  }

  /** Rising tags over the last day, week and month against the archive; articles per day; the tags most often rejected. */
  async dashboard(options: { top?: number; days?: number } = {}): Promise<Dashboard> {
    const top = options.top ?? 10;
    const latestRow = await this.db.selectFrom('articles as a').select(sql<string | null>`max(coalesce(a.published_at, a.created_at))`.as('latest')).executeTakeFirst();
    const latest = latestRow?.latest ?? null;
    const end = latest ? Date.parse(latest) : Date.now();
    const archive = await this.tagCounts();
    const archiveOf = new Map(archive.counts.map((c) => [c.id, c.count]));
    const windows = { day: 1, week: 7, month: 30 } as const;
    const rising = {} as Dashboard['rising'];
    for (const [name, days] of Object.entries(windows) as [keyof typeof windows, number][]) {
      const since = new Date(end - days * DAY_MS).toISOString();
      const w = await this.tagCounts(since);
      const tags = w.counts
        .map((c) => {
          const all = archiveOf.get(c.id) ?? c.count;
          const lift = w.articles && archive.articles ? c.count / w.articles / (all / archive.articles) : 0;
          return { ...c, archive: all, lift };
        })
        .filter((c) => c.count >= 2 || w.articles < 20)
        .sort((a, b) => b.lift - a.lift || b.count - a.count || a.label.localeCompare(b.label))
        .slice(0, top);
      rising[name] = { since, articles: w.articles, tags };
    }
    const since = new Date(end - (options.days ?? 30) * DAY_MS).toISOString();
    const perDayRows = await this.db
      .selectFrom('articles as a')
      .select([sql<string>`substr(coalesce(a.published_at, a.created_at), 1, 10)`.as('day'), (eb) => eb.fn.countAll().as('n')])
      .where(sql<string>`coalesce(a.published_at, a.created_at)`, '>=', since)
      .groupBy(sql`substr(coalesce(a.published_at, a.created_at), 1, 10)`)
      .orderBy(sql`substr(coalesce(a.published_at, a.created_at), 1, 10)`)
      .execute();
    const rejectedRows = await this.db
      .selectFrom('article_tags')
      .select(['tag_id', 'label', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'rejected')
      .groupBy(['tag_id', 'label'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('label')
      .limit(top)
      .execute();
    return {
      latest,
      articles: archive.articles,
      rising,
      perDay: perDayRows.map((r) => ({ day: r.day, count: Number(r.n) })),
      rejected: rejectedRows.map((r) => ({ id: r.tag_id, label: r.label, count: Number(r.n) })),
    };
  }

  /** The source sites (URL hosts) of the stored articles, most articles first. */
  async sources(limit = 50): Promise<{ host: string; count: number }[]> {
    const rows = await this.db.selectFrom('articles').select('url').where('url', 'is not', null).orderBy('id', 'desc').limit(5000).execute();
    const counts = new Map<string, number>();
    for (const r of rows) {
      try {
        const host = new URL(r.url!).host;
        counts.set(host, (counts.get(host) ?? 0) + 1);
      } catch {
        // not a URL: no source
      }
    }
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([host, count]) => ({ host, count }));
  }

  /** The queue's article after (older than) and before (newer than) this one. */
  async neighbours(id: number, filter: QueueFilter): Promise<{ next?: number; prev?: number }> {
    const [next, prev] = await Promise.all([
      this.withState(filter).where('a.id', '<', id).orderBy('a.id', 'desc').limit(1).executeTakeFirst(),
      this.withState(filter).where('a.id', '>', id).orderBy('a.id', 'asc').limit(1).executeTakeFirst(),
    ]);
    return { ...(next ? { next: Number(next.id) } : {}), ...(prev ? { prev: Number(prev.id) } : {}) };
  }

  /**
   * Reverts the latest decision on one tag of an article to the status before it (an added tag
   * is removed again) and logs the undo as the decision that restores it. Returns the status
   * now, or null when the tag is gone. Undoing again undoes the undo.
   */
  async undo(articleId: number, tagId: string, editor: string): Promise<TagStatus | null> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx.selectFrom('tag_decisions').selectAll().where('article_id', '=', articleId).where('tag_id', '=', tagId).orderBy('id', 'desc').limit(1).executeTakeFirst();
      const row = await trx.selectFrom('article_tags').select('status').where('article_id', '=', articleId).where('tag_id', '=', tagId).executeTakeFirst();
      if (!last || !row || row.status !== last.to_status) throw WasimError.of('CONFLICT', 'nothingToUndo', { tag: tagId, article: articleId });
      const at = now();
      const back = last.from_status;
      if (back === null) await trx.deleteFrom('article_tags').where('article_id', '=', articleId).where('tag_id', '=', tagId).execute();
      else await trx.updateTable('article_tags').set({ status: back, updated_at: at }).where('article_id', '=', articleId).where('tag_id', '=', tagId).execute();
      // The undo is itself a logged decision (an added tag taken off again is logged as going to rejected).
      await trx.insertInto('tag_decisions').values({ article_id: articleId, tag_id: tagId, action: 'undo', editor, at, from_status: row.status, to_status: back ?? 'rejected' }).execute();
      await trx.updateTable('articles').set({ updated_at: at }).where('id', '=', articleId).execute();
      return back;
    });
  }
}

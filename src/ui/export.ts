/**
 * Export of article–tag assignments (every tag not rejected: accepted, added, suggested) as CSV
 * or JSONL, filtered as the article list is (text, tag, date range). Paged through the
 * repository by id, so an archive of any size streams in bounded memory.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { choices, WasimError } from '../core/index.js';
import type { AppContext } from '../server/context.js';
import type { ArticleFilter, ArticleSummary } from '../storage/index.js';
import type { Session } from './session.js';

const PAGE = 500;
export const EXPORT_COLUMNS = ['article_id', 'external_id', 'url', 'title', 'published_at', 'tag_id', 'tag', 'type', 'score', 'status'] as const;

/** A CSV cell: quoted, quotes doubled; a leading = + - @ is defused so a spreadsheet does not run it. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function assignmentRows(a: ArticleSummary): Record<(typeof EXPORT_COLUMNS)[number], string | number | null>[] {
  return a.tags.map((t) => ({ article_id: a.id, external_id: a.externalId, url: a.url, title: a.title, published_at: a.publishedAt, tag_id: t.id, tag: t.tag, type: t.type ?? null, score: t.score, status: t.status }));
}

export async function exportRoutes(ui: FastifyInstance, ctx: AppContext, h: { reader(req: FastifyRequest): Session | undefined }): Promise<void> {
  ui.get('/export', { schema: { hide: true } }, async (req, reply) => {
    h.reader(req);
    const q = (req.query ?? {}) as Record<string, unknown>;
    const format = q.format;
    if (format !== 'csv' && format !== 'jsonl') throw WasimError.of('VALIDATION', 'exportAs', { choices: choices(['csv', 'jsonl']) });
    const filter: ArticleFilter = {};
    if (typeof q.q === 'string' && q.q.trim()) filter.q = q.q.trim().slice(0, 500);
    if (typeof q.tag === 'string' && q.tag.trim()) {
      const entry = await ctx.repo.resolveVocabulary(q.tag.trim());
      filter.tags = [entry?.id ?? q.tag.trim()];
    }
    for (const k of ['from', 'to'] as const) {
      const v = q[k];
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) filter[k] = k === 'from' ? `${v}T00:00:00.000Z` : `${v}T23:59:59.999Z`;
    }
    reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="wasim-tags.${format}"`)
      .header('cache-control', 'no-store');
    async function* lines(): AsyncGenerator<string> {
      // A byte-order mark: spreadsheets then read the Arabic as UTF-8.
      if (format === 'csv') yield '\uFEFF' + EXPORT_COLUMNS.map(csvCell).join(',') + '\r\n';
      for (let before: number | undefined; ; ) {
        const page = await ctx.repo.listArticles(filter, { limit: PAGE, ...(before !== undefined ? { before } : {}) });
        let chunk = '';
        for (const a of page.items) {
          for (const row of assignmentRows(a)) chunk += format === 'csv' ? EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',') + '\r\n' : JSON.stringify(row) + '\n';
        }
        if (chunk) yield chunk;
        if (page.nextBefore === null) break;
        before = page.nextBefore;
      }
    }
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(lines()));
  });
}

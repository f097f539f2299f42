/**
 * What the service does, apart from HTTP: tag, store, correct, re-tag, edit the vocabulary.
 * Routes translate requests into these calls; the newsroom UI (src/ui) calls them directly.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DECISION_WORDS, ERRORS, foldKey, parseVocabulary, WasimError, type ErrorCode, type TagOptions, type TagResult, type TagType, type VocabEntry, type VocabFormat } from '../core/index.js';
import { toOutputLine } from '../node/output.js';
import { entryId, type ArticleFilter, type ArticleInput, type ImportSummary, type Job, type NewTag, type Repository, type StoredArticle, type StoreResult, type VocabularyRecord } from '../storage/index.js';
import type { ServerConfig } from './config.js';
import { IMPORT_KIND, RETAG_KIND, type ImportSpec, type JobService, type RetagSpec } from './jobs/index.js';
import type { Metrics } from './metrics.js';
import type { TagRunOptions } from './tag-pool.js';
import type { TaggerService } from './tagger-service.js';
import { exportVocabulary, type ExportFormat } from './vocab-io.js';

/** An article as clients send it. `id` is accepted as the external id, as in the CLI's JSONL input. */
export interface ArticleRequest {
  id?: string | number;
  externalId?: string;
  url?: string;
  title?: string;
  body?: string;
  publishedAt?: string;
}

export interface TagDecisionRequest {
  accept?: string[];
  reject?: string[];
  add?: string[];
}

export interface RetagRequest {
  tag?: string;
  q?: string;
  from?: string;
  to?: string;
  ids?: number[];
}

export interface VocabularyInput {
  id?: string;
  label?: string;
  aliases?: string[] | null;
  nisba?: string[] | null;
  type?: TagType | null;
  parent?: string | null;
  ambiguous?: boolean | null;
  note?: string | null;
}

export type ImportAnswer = ImportSummary & { entries: number; warnings: { line: number; message: string }[]; job: number };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time as a UTC timestamp string (stored and compared as text).
 * A bare date is its first millisecond, or with `endOfDay` its last (for inclusive ranges).
 */
export function parseDate(value: string, field: string, endOfDay = false): string {
  const m = ISO_DATE.exec(value.trim());
  const dateOnly = m !== null && m[4] === undefined;
  const text = dateOnly ? `${value.trim()}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : m && !m[7] ? `${value.trim()}Z` : value.trim();
  const time = m ? Date.parse(text.replace(' ', 'T')) : NaN;
  if (Number.isNaN(time)) throw WasimError.of('VALIDATION', 'isoDate', { field, value: JSON.stringify(value) });
  return new Date(time).toISOString();
}

export function toNewTags(results: readonly TagResult[]): NewTag[] {
  return results.map((r) => ({ tagId: r.id, label: r.tag, score: r.score, ...(r.type ? { type: r.type } : {}), mentions: r.mentions, ...(r.evidence ? { evidence: r.evidence } : {}) }));
}

function validateEntry(raw: Record<string, unknown>): VocabEntry {
  const clean = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== null));
  const { entries } = parseVocabulary(JSON.stringify(clean), 'jsonl', 'entry');
  if (entries.length !== 1) throw WasimError.of('BAD_VOCAB_LINE', 'notOneEntry', {});
  return entries[0]!;
}

export class WasimService {
  /** Told how many decisions each decide() stored (learning counts them toward a refit). */
  onDecisions?: (count: number) => void;

  constructor(
    readonly repo: Repository,
    readonly tagger: TaggerService,
    readonly config: ServerConfig,
    readonly metrics: Metrics,
    private readonly log: { error(obj: unknown, msg?: string): void },
    readonly jobs: JobService,
  ) {}

  private storeCut(): TagOptions {
    return { explain: true, ...(this.config.tagTop !== undefined ? { top: this.config.tagTop } : {}), ...(this.config.tagMinScore !== undefined ? { minScore: this.config.tagMinScore } : {}) };
  }

  /** Checks an article before any work: text present, within the length limit. */
  normaliseArticle(a: ArticleRequest): ArticleInput {
    // JSON.parse has already rounded such a number: storing it would file the article under another id.
    if (typeof a.id === 'number' && !Number.isSafeInteger(a.id)) {
      throw WasimError.of('VALIDATION', 'idTooLarge', { max: Number.MAX_SAFE_INTEGER });
    }
    const title = a.title ?? '';
    const body = a.body ?? '';
    if (typeof title !== 'string' || typeof body !== 'string') throw WasimError.of('BAD_ARTICLE', 'fieldsNotStrings', {});
    if (title.length + body.length > this.config.maxArticleChars) {
      throw WasimError.of('INPUT_TOO_LARGE', 'articleChars', { chars: title.length + body.length, limit: this.config.maxArticleChars });
    }
    if (title.trim() === '' && body.trim() === '') throw new WasimError('EMPTY_INPUT');
    const fromId = a.id === undefined || a.id === null ? undefined : String(a.id);
    if (a.externalId !== undefined && fromId !== undefined && a.externalId !== fromId) {
      throw WasimError.of('VALIDATION', 'idAndExternalId', {});
    }
    const input: ArticleInput = { title, body };
    const externalId = a.externalId ?? fromId;
    if (externalId !== undefined && externalId.trim() !== '') input.externalId = externalId.trim();
    if (a.url !== undefined && a.url.trim() !== '') input.url = a.url.trim();
    if (a.publishedAt !== undefined && a.publishedAt !== '') input.publishedAt = parseDate(a.publishedAt, 'publishedAt');
    return input;
  }

  /** POST /v1/tag: the CLI's output line for one article, nothing stored. */
  async tag(article: ArticleRequest, options: TagOptions): Promise<ReturnType<typeof toOutputLine>> {
    return (await this.tagArticle(article, options)).line;
  }

  /** The CLI's output line for one article and the vocabulary version it was tagged with. */
  async tagArticle(article: ArticleRequest, options: TagOptions): Promise<{ line: ReturnType<typeof toOutputLine>; vocabularyVersion: number }> {
    const input = this.normaliseArticle(article);
    const { version, results } = await this.tagger.tag({ title: input.title, body: input.body }, options);
    this.metrics.countTagged();
    return { line: toOutputLine(article.id ?? article.externalId ?? null, results, !!options.explain), vocabularyVersion: version };
  }

  /** POST /v1/tag as the answer's JSON text (the CLI's key order), and the vocabulary version. */
  async tagArticleJson(article: ArticleRequest, options: TagOptions): Promise<{ json: string; vocabularyVersion: number }> {
    const input = this.normaliseArticle(article);
    const { version, json } = await this.tagger.tagLine({ title: input.title, body: input.body }, article.id ?? article.externalId ?? null, options);
    this.metrics.countTagged();
    return { json, vocabularyVersion: version };
  }

  /**
   * Tags articles for storing (the stored cut, with evidence), all with one vocabulary version,
   * on the tagging pool when there is one. Re-tagging calls it with `background`: its articles
   * wait for a thread instead of being refused when requests fill the queue.
   */
  async tagBatch(articles: readonly { title: string; body: string }[], run: TagRunOptions = {}): Promise<{ version: number; tags: NewTag[][] }> {
    const { version, results } = await this.tagger.tagBatch(articles, this.storeCut(), run);
    this.metrics.countTagged(articles.length);
    return { version, tags: results.map(toNewTags) };
  }

  /** Tags and stores articles in one transaction; articles stored before come back unchanged. */
  async store(articles: ArticleRequest[]): Promise<StoreResult[]> {
    if (articles.length > this.config.maxBatch) throw WasimError.of('BATCH_TOO_LARGE', 'articles', { count: articles.length, limit: this.config.maxBatch });
    if (articles.length === 0) throw WasimError.of('VALIDATION', 'emptyBatch', {});
    const inputs = articles.map((a) => this.normaliseArticle(a));
    // A retried request (the CMS did not see our answer) costs a lookup, not a tagging.
    const known: boolean[] = [];
    for (const input of inputs) known.push(input.externalId !== undefined || input.url !== undefined ? (await this.repo.findArticle(input)) !== undefined : false);
    const fresh = inputs.filter((_, i) => !known[i]);
    const { version, tags } = fresh.length ? await this.tagBatch(fresh) : { version: (await this.tagger.get()).version, tags: [] };
    let k = 0;
    const items = inputs.map((input, i) => ({ input, tags: known[i] ? [] : tags[k++]! }));
    const results = await this.repo.storeArticles(items, version);
    this.metrics.countStored(results.filter((r) => r.created).length);
    return results;
  }

  async getArticle(id: number): Promise<StoredArticle> {
    const article = await this.repo.getArticle(id);
    if (!article) throw WasimError.of('NOT_FOUND', 'article', { id });
    return article;
  }

  /** Applies an editor's accept/reject/add decisions; tags are named by id or by label. */
  async decide(articleId: number, request: TagDecisionRequest, editor: string): Promise<StoredArticle> {
    const article = await this.getArticle(articleId);
    const onArticle = (ref: string) => article.tags.find((t) => t.id === ref) ?? article.tags.find((t) => foldKey(t.tag) === foldKey(ref));
    const decisions: { action: 'accept' | 'reject' | 'add'; tagId: string; found?: Omit<NewTag, 'tagId' | 'label'> }[] = [];
    const seen = new Map<string, keyof typeof DECISION_WORDS>();
    const note = (tagId: string, action: keyof typeof DECISION_WORDS) => {
      const prev = seen.get(tagId);
      if (prev && prev !== action) throw WasimError.of('VALIDATION', 'acceptedAndRejected', { tag: tagId, first: DECISION_WORDS[prev].done, second: DECISION_WORDS[action].done });
      seen.set(tagId, action);
    };
    for (const action of ['accept', 'reject'] as const) {
      for (const ref of request[action] ?? []) {
        const tag = onArticle(ref);
        if (!tag) throw WasimError.of('NOT_FOUND', 'articleTag', { article: articleId, ref, action: DECISION_WORDS[action].to });
        note(tag.id, action);
        decisions.push({ action, tagId: tag.id });
      }
    }
    let everything: TagResult[] | undefined;
    for (const ref of request.add ?? []) {
      const entry = onArticle(ref) ?? (await this.repo.resolveVocabulary(ref));
      if (!entry) throw WasimError.of('NOT_FOUND', 'tagInVocabulary', { ref });
      note(entry.id, 'add');
      if (!everything) {
        // Where the tagger sees the added tag, even below the cut: the UI highlights it.
        everything = (await this.tagger.tag({ title: article.title, body: article.body }, { top: Number.MAX_SAFE_INTEGER, minScore: -Infinity, explain: true })).results;
      }
      const hit = everything.find((r) => r.id === entry.id);
      decisions.push({ action: 'add', tagId: entry.id, ...(hit ? { found: { score: hit.score, mentions: hit.mentions, ...(hit.evidence ? { evidence: hit.evidence } : {}) } } : {}) });
    }
    if (decisions.length === 0) throw WasimError.of('VALIDATION', 'nothingToDo', {});
    const stored = await this.repo.decideTags(articleId, decisions, editor);
    this.onDecisions?.(decisions.length);
    return stored;
  }

  async retagFilter(request: RetagRequest): Promise<ArticleFilter> {
    const filter: ArticleFilter = {};
    if (request.tag !== undefined) {
      const entry = await this.repo.resolveVocabulary(request.tag);
      filter.tags = [entry?.id ?? request.tag];
    }
    if (request.q !== undefined) filter.q = request.q;
    if (request.from !== undefined) filter.from = parseDate(request.from, 'from');
    if (request.to !== undefined) filter.to = parseDate(request.to, 'to', true);
    if (request.ids !== undefined) filter.ids = request.ids;
    return filter;
  }

  /**
   * Tags articles with the cut stored tags get: the one call background work (re-tag chunks)
   * makes into the tagger. On the tagging pool when there is one, as background work: its
   * articles wait for a thread instead of being refused when requests fill the queue.
   */
  tagForStore(articles: readonly { title: string; body: string }[]): Promise<{ version: number; tags: NewTag[][] }> {
    return this.tagBatch(articles, { background: true });
  }

  /**
   * Starts re-tagging the articles a filter selects (all when empty) as a job of article id
   * ranges that any worker may take; progress is in the job.
   */
  async startRetag(request: RetagRequest): Promise<Job> {
    const filter = await this.retagFilter(request);
    // Vocabulary edits committed before the job started must be in the tagger it uses.
    const spec: RetagSpec = { filter, targetVersion: await this.repo.vocabularyVersion() };
    const chunks = await this.repo.planArticleRanges(filter, this.config.jobChunkSize);
    return this.jobs.submit({ kind: RETAG_KIND, params: { ...request }, spec: spec as unknown as Record<string, unknown>, chunks });
  }

  async getJob(id: number): Promise<Job> {
    return this.jobs.get(id);
  }

  async cancelJob(id: number): Promise<Job> {
    return this.jobs.cancel(id);
  }

  async retryJob(id: number): Promise<Job> {
    return this.jobs.retry(id);
  }

  // ---- vocabulary

  /** Recompiles after a vocabulary change; with `wait`, returns once the new tagger serves. */
  async vocabularyChanged(wait: boolean): Promise<void> {
    const compiled = this.tagger.refresh();
    if (wait) await compiled;
  }

  async getEntry(id: string): Promise<VocabularyRecord> {
    const entry = await this.repo.getVocabulary(id);
    if (!entry) throw WasimError.of('NOT_FOUND', 'entry', { id });
    return entry;
  }

  async addEntry(input: VocabularyInput, wait: boolean): Promise<VocabularyRecord> {
    const entry = validateEntry({ ...input });
    const record = await this.repo.addVocabulary({ ...entry, id: entryId(entry) });
    await this.vocabularyChanged(wait);
    return record;
  }

  async updateEntry(id: string, patch: VocabularyInput, wait: boolean): Promise<VocabularyRecord> {
    const current = await this.getEntry(id);
    const merged: Record<string, unknown> = { label: current.label, aliases: current.aliases, nisba: current.nisba, type: current.type, parent: current.parent, ambiguous: current.ambiguous, note: current.note };
    for (const [k, v] of Object.entries(patch)) if (k !== 'id' && v !== undefined) merged[k] = v;
    if (patch.id !== undefined && patch.id !== id) throw WasimError.of('VALIDATION', 'entryKeepsId', {});
    const entry = validateEntry(merged);
    const record = await this.repo.updateVocabulary(id, { ...entry, id });
    await this.vocabularyChanged(wait);
    return record;
  }

  async deleteEntry(id: string, wait: boolean): Promise<void> {
    if (!(await this.repo.deleteVocabulary(id))) throw WasimError.of('NOT_FOUND', 'entry', { id });
    await this.vocabularyChanged(wait);
  }

  async mergeEntries(from: string, into: string, wait: boolean): Promise<VocabularyRecord> {
    const record = await this.repo.mergeVocabulary(from, into);
    await this.vocabularyChanged(wait);
    return record;
  }

  /**
   * Imports a vocabulary file as a job (parsed and planned off the event loop, see
   * jobs/vocabulary-import.ts) and answers with its summary once it is done.
   */
  async importText(text: string, format: VocabFormat, mode: 'merge' | 'replace', wait: boolean): Promise<ImportAnswer> {
    const job = await this.startImport(text, format, mode);
    return this.importAnswer(await this.jobs.waitFor(job.id), wait);
  }

  /** Starts an import job and answers at once; its summary becomes the job's `result`. */
  async startImport(text: string, format: VocabFormat, mode: 'merge' | 'replace'): Promise<Job> {
    if (text.trim() === '') throw WasimError.of('EMPTY_VOCAB', 'importEmpty', {});
    const spec: ImportSpec = { format, mode };
    return this.jobs.submit({
      kind: IMPORT_KIND,
      params: { format, mode, bytes: Buffer.byteLength(text) },
      spec: spec as unknown as Record<string, unknown>,
      chunks: [{ firstId: 0, lastId: 0, total: 1 }],
      payload: text,
    });
  }

  private async importAnswer(job: Job, wait: boolean): Promise<ImportAnswer> {
    if (job.status === 'cancelled') throw WasimError.of('CONFLICT', 'importCancelled', { id: job.id });
    if (job.status !== 'done') {
      const code = job.errorCode && job.errorCode in ERRORS ? (job.errorCode as ErrorCode) : 'INTERNAL';
      throw new WasimError(code, job.error ?? undefined);
    }
    // The job may have run in another process: this one's tagger catches up.
    if (wait) await this.tagger.upToDate();
    return { ...(job.result as unknown as ImportSummary & Pick<ImportAnswer, 'entries' | 'warnings'>), job: job.id };
  }

  async exportText(format: ExportFormat): Promise<string> {
    return exportVocabulary(await this.repo.allVocabulary(), format);
  }

  /** Stops taking job chunks and waits for the ones running here. */
  async close(): Promise<void> {
    await this.jobs.stop();
  }
}

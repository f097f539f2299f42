/**
 * The repository: everything the service stores, behind one interface with two
 * implementations (SQLite and PostgreSQL, both through kysely). Callers never see SQL.
 */
import type { Evidence, Mention, TagType, VocabEntry } from '../core/index.js';
import type { AccountStore } from './accounts.js';
import type { ReviewStore } from './review.js';
import type { AdaptationStore } from './adaptation.js';
import type { ChunkPlan, Job, JobStore, NewJob } from './jobs.js';
import type { DecisionAction, JobStatus, TagStatus } from './schema.js';

export type { DecisionAction, JobStatus, TagStatus } from './schema.js';
export type { ChunkCounts, ChunkPlan, ChunkRef, ChunkStatus, Job, JobChunk, JobFailure, JobWithSpec, NewJob } from './jobs.js';

export interface ArticleInput {
  externalId?: string;
  url?: string;
  title: string;
  body: string;
  /** ISO 8601, normalised to UTC by the caller. */
  publishedAt?: string;
}

/** A tag computed by the tagger, ready to store. */
export interface NewTag {
  tagId: string;
  label: string;
  score: number | null;
  type?: TagType | string;
  mentions: Mention[];
  evidence?: Evidence;
}

export interface StoredTag {
  id: string;
  tag: string;
  score: number | null;
  type?: string;
  status: TagStatus;
  mentions: Mention[];
  evidence?: Evidence;
}

export interface StoredArticle {
  id: number;
  externalId: string | null;
  url: string | null;
  title: string;
  body: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  taggedVersion: number;
  tags: StoredTag[];
}

export type TagSummary = Omit<StoredTag, 'mentions' | 'evidence'>;

export interface ArticleSummary {
  id: number;
  externalId: string | null;
  url: string | null;
  title: string;
  excerpt: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Tags not rejected, best first. */
  tags: TagSummary[];
}

export interface ArticleFilter {
  /** Every one of these tag ids, not rejected. */
  tags?: string[];
  /** Text that must occur in title or body (compared folded). */
  q?: string;
  /** published_at (or created_at when absent) >= from, <= to; ISO strings. */
  from?: string;
  to?: string;
  externalId?: string;
  url?: string;
  ids?: number[];
}

export interface PageRequest {
  limit: number;
  offset?: number;
  /** Return articles with ids below this one (newest first). */
  before?: number;
}

export interface ArticlePage {
  items: ArticleSummary[];
  total: number;
  /** Pass as `before` to get the next page; null on the last page. */
  nextBefore: number | null;
}

export interface StoreResult {
  article: StoredArticle;
  created: boolean;
}

export interface DecisionInput {
  action: DecisionAction;
  tagId: string;
  /** For an added tag: where the tagger would see it, when it does. */
  found?: Omit<NewTag, 'tagId' | 'label'>;
}

export interface DecisionRecord {
  id: number;
  articleId: number;
  tagId: string;
  action: DecisionAction;
  editor: string;
  at: string;
  fromStatus: TagStatus | null;
  toStatus: TagStatus;
}

export interface DecisionFilter {
  articleId?: number;
  tagId?: string;
  editor?: string;
}

export interface VocabularyRecord {
  id: string;
  label: string;
  aliases: string[];
  nisba: string[];
  type?: TagType;
  parent?: string;
  ambiguous: boolean;
  note?: string;
  updatedAt: string;
}

/** A vocabulary entry with its id settled. */
export type KeyedEntry = VocabEntry & { id: string };

export interface VocabularyFilter {
  q?: string;
  type?: TagType;
}

export interface TagUsage {
  id: string;
  label: string;
  type?: TagType;
  parent?: string;
  count: number;
}

export interface TagDetail extends VocabularyRecord {
  count: number;
  /** Articles per month (published date, or stored date when unknown). */
  months: { month: string; count: number }[];
}

export interface ImportSummary {
  added: number;
  updated: number;
  removed: number;
}

/** An import worked out ahead of writing it (see Repository.planVocabularyImport). */
export interface VocabularyImportPlan {
  /** The vocabulary version it was worked out against; applying it to another is refused. */
  version: number;
  summary: ImportSummary;
  /** The writes, in order, each a JSON batch: cheap to hand from a worker thread, parsed one at a time. */
  steps: string[];
}

export interface Repository {
  readonly kind: 'sqlite' | 'postgres';
  /** Users, sessions and personal API tokens. */
  readonly accounts: AccountStore;
  /** The review queue and undo. */
  readonly review: ReviewStore;
  /** What learning from editors keeps: observations of decided articles and the fitted models. */
  readonly adaptation: AdaptationStore;
  /** Background jobs and their chunks. */
  readonly jobs: JobStore;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Stores the value unless the key exists; true when this call stored it. */
  setSettingIfAbsent(key: string, value: string): Promise<boolean>;

  /** Stores articles and their tags in one transaction; an article already stored (same external id or URL) is returned as it is. */
  storeArticles(items: { input: ArticleInput; tags: NewTag[] }[], vocabularyVersion: number): Promise<StoreResult[]>;
  /** Finds a stored article by external id, then by URL. */
  findArticle(key: { externalId?: string; url?: string }): Promise<StoredArticle | undefined>;
  getArticle(id: number): Promise<StoredArticle | undefined>;
  listArticles(filter: ArticleFilter, page: PageRequest): Promise<ArticlePage>;
  countArticles(filter: ArticleFilter): Promise<number>;
  /** Articles in id order after `afterId`, for re-tagging. */
  articlesAfter(filter: ArticleFilter, afterId: number, limit: number): Promise<{ id: number; title: string; body: string }[]>;
  deleteArticle(id: number): Promise<boolean>;
  /**
   * Replaces the tagger's suggestions; editors' decisions (accepted, rejected, added) are kept.
   * With `jobId`, idempotent for that job: an article the job re-tagged already is left as it
   * is (false), so a chunk run twice writes each article once.
   */
  retagArticle(id: number, tags: NewTag[], vocabularyVersion: number, jobId?: number): Promise<boolean>;
  /** Cuts the articles a filter selects into id ranges of `size` articles (the last may be smaller). */
  planArticleRanges(filter: ArticleFilter, size: number): Promise<ChunkPlan[]>;
  /** Articles of a range, in id order, that job `jobId` has not re-tagged yet. */
  articlesToRetag(filter: ArticleFilter, range: { firstId: number; lastId: number }, jobId: number, limit: number): Promise<{ id: number; title: string; body: string }[]>;
  countArticlesToRetag(filter: ArticleFilter, range: { firstId: number; lastId: number }, jobId: number): Promise<number>;

  /** Applies editor decisions and logs each one; throws WasimError NOT_FOUND for unknown articles or tags. */
  decideTags(articleId: number, decisions: DecisionInput[], editor: string): Promise<StoredArticle>;
  listDecisions(filter: DecisionFilter, page: PageRequest): Promise<{ items: DecisionRecord[]; total: number }>;

  listTags(options: { q?: string; includeUnused?: boolean }, page: PageRequest): Promise<{ items: TagUsage[]; total: number }>;
  getTag(id: string): Promise<TagDetail | undefined>;

  vocabularyVersion(): Promise<number>;
  vocabularySize(): Promise<number>;
  listVocabulary(filter: VocabularyFilter, page: PageRequest): Promise<{ items: VocabularyRecord[]; total: number }>;
  allVocabulary(): Promise<KeyedEntry[]>;
  getVocabulary(id: string): Promise<VocabularyRecord | undefined>;
  /** Finds an entry by id, else by a label that folds alike. */
  resolveVocabulary(idOrLabel: string): Promise<VocabularyRecord | undefined>;
  addVocabulary(entry: KeyedEntry): Promise<VocabularyRecord>;
  /** Replaces the entry's fields (the id stays); article tags follow a new label. */
  updateVocabulary(id: string, entry: KeyedEntry): Promise<VocabularyRecord>;
  deleteVocabulary(id: string): Promise<boolean>;
  /** `from` becomes an alias of `into`; its article tags are repointed and it is deleted. */
  mergeVocabulary(fromId: string, intoId: string): Promise<VocabularyRecord>;
  /** merge: add new entries, update matching ones (fields given win); replace: also delete entries not in the list. */
  importVocabulary(entries: VocabEntry[], mode: 'merge' | 'replace'): Promise<ImportSummary>;
  /**
   * importVocabulary in two halves, so the first can run off the event loop: work out what an
   * import changes (reads, no writes) …
   */
  planVocabularyImport(entries: VocabEntry[], mode: 'merge' | 'replace'): Promise<VocabularyImportPlan>;
  /**
   * … and write it in one transaction, step by step (`afterStep` runs between steps). Refused
   * with StaleImportError when the vocabulary changed since the plan was made.
   */
  applyVocabularyImport(plan: VocabularyImportPlan, afterStep?: (done: number, total: number) => Promise<void>): Promise<ImportSummary>;
  /**
   * Seeds the vocabulary on first start; false when it was seeded already (by this or another
   * instance). With replaceIfChanged, a different seed (a changed WASIM_VOCAB file) replaces it.
   */
  seedVocabulary(entries: () => VocabEntry[], seed: string, options: { replaceIfChanged: boolean }): Promise<boolean>;

  /** A job, with its chunks (and payload) when given; see also `jobs`. */
  createJob(kind: string, params: Record<string, unknown>, options?: Omit<NewJob, 'kind' | 'params'>): Promise<Job>;
  updateJob(id: number, patch: Partial<Pick<Job, 'status' | 'total' | 'done' | 'error'>>): Promise<void>;
  getJob(id: number): Promise<Job | undefined>;
}

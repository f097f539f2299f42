/**
 * Table shapes as kysely sees them. Both backends store the same columns with portable types:
 * times are ISO 8601 UTC strings (they compare correctly as text), JSON is text, booleans are
 * 0/1 integers — so one repository implementation serves SQLite and PostgreSQL alike.
 */
import type { Generated } from 'kysely';

export interface ArticlesTable {
  id: Generated<number>;
  external_id: string | null;
  url: string | null;
  title: string;
  body: string;
  published_at: string | null;
  /** Folded title and body (foldKey): Arabic-aware text search without a full-text engine. */
  search_text: string;
  created_at: string;
  updated_at: string;
  /** Vocabulary version the stored tags were computed with. */
  tagged_version: number;
  /** The re-tag job that last wrote the tags (null: tagged when stored). */
  tagged_job: number | null;
}

export type TagStatus = 'suggested' | 'accepted' | 'rejected' | 'added';
export const TAG_STATUSES: readonly TagStatus[] = ['suggested', 'accepted', 'rejected', 'added'];

export interface ArticleTagsTable {
  article_id: number;
  tag_id: string;
  label: string;
  score: number | null;
  type: string | null;
  mentions: string;
  evidence: string | null;
  status: TagStatus;
  created_at: string;
  updated_at: string;
}

export type DecisionAction = 'accept' | 'reject' | 'add' | 'undo';

export interface TagDecisionsTable {
  id: Generated<number>;
  article_id: number;
  tag_id: string;
  action: DecisionAction;
  editor: string;
  at: string;
  from_status: TagStatus | null;
  to_status: TagStatus;
}

export interface VocabularyTable {
  id: string;
  label: string;
  aliases: string;
  nisba: string;
  type: string | null;
  parent: string | null;
  ambiguous: number;
  note: string | null;
  /** Folded label and aliases, for search. */
  search_key: string;
  updated_at: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  status: JobStatus;
  params: string;
  /** The job kind's own plan (filter, target vocabulary version…), JSON. */
  spec: string;
  total: number;
  done: number;
  error: string | null;
  error_code: string | null;
  /** JSON: what a finished job produced. */
  result: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface Database {
  articles: ArticlesTable;
  article_tags: ArticleTagsTable;
  tag_decisions: TagDecisionsTable;
  vocabulary: VocabularyTable;
  jobs: JobsTable;
  settings: SettingsTable;
}

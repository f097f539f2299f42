/**
 * Suggested tags («وسوم مقترحة»): new-tag discovery (src/core/discover.ts) over the stored
 * archive, refreshed in the background, and what an editor does with a suggestion — accept it
 * (it becomes a vocabulary entry with its type, aliases and parent, and the tagger recompiles),
 * edit it first, or dismiss it (it stays dismissed: dismissals are kept in the database).
 *
 * The archive is read twice from the database in pages, with the event loop let in between, so
 * requests are served while a refresh runs. Suggestions are held per instance.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FastifyPluginAsync } from 'fastify';
import { compileVocabulary, Discovery, foldKey, matchText, tokenize, WasimError, type DiscoverArticle, type Suggestion, type TagType } from '../core/index.js';
import { loadBackground } from '../node/background.js';
import type { Repository, VocabularyRecord } from '../storage/index.js';
import type { AppContext } from './context.js';
import type { VocabularyInput, WasimService } from './service.js';
import type { TaggerService } from './tagger-service.js';

/** Settings key of the dismissed suggestions: {folded label: {label, editor, at}}. */
export const DISMISSED_KEY = 'suggestions.dismissed';
const PAGE = 200;

export interface StoredSuggestion extends Suggestion {
  /** Stable id of a suggestion: a hash of its folded label. */
  id: string;
}

export interface SuggestionState {
  suggestions: StoredSuggestion[];
  refreshedAt: string | null;
  articles: number;
  running: boolean;
  error: string | null;
}

export interface SuggestionOptions {
  /** How often the archive is mined again; 0: only on request. */
  refreshMs: number;
  /** The first refresh after start (ms); negative: none. */
  initialDelayMs: number;
  minArticles: number;
  top: number;
}

export const DEFAULT_SUGGESTION_OPTIONS: SuggestionOptions = {
  refreshMs: envNumber('WASIM_SUGGEST_EVERY_MS', 6 * 3600_000),
  initialDelayMs: envNumber('WASIM_SUGGEST_FIRST_MS', 60_000),
  minArticles: envNumber('WASIM_SUGGEST_MIN_ARTICLES', 3),
  top: envNumber('WASIM_SUGGEST_TOP', 200),
};

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v) : fallback;
}

export function suggestionId(label: string): string {
  return 's' + createHash('sha1').update(foldKey(label)).digest('hex').slice(0, 12);
}

/** What an editor may change before accepting. */
export interface AcceptEdits {
  label?: string;
  type?: TagType | null;
  aliases?: string[];
  parent?: string | null;
}

export class SuggestionService {
  private state: SuggestionState = { suggestions: [], refreshedAt: null, articles: 0, running: false, error: null };
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly repo: Repository,
    private readonly tagger: TaggerService,
    private readonly service: WasimService,
    private readonly options: SuggestionOptions = DEFAULT_SUGGESTION_OPTIONS,
    private readonly log?: { error(obj: unknown, msg?: string): void },
  ) {}

  /** Schedules the background refreshes. */
  start(): void {
    if (this.options.initialDelayMs < 0) return;
    const schedule = (ms: number): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.refresh().finally(() => {
          if (this.options.refreshMs > 0) schedule(this.options.refreshMs);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(this.options.initialDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** Suggestions not dismissed, best first. */
  async list(): Promise<SuggestionState> {
    const dismissed = await this.dismissed();
    return { ...this.state, suggestions: this.state.suggestions.filter((s) => !dismissed.has(foldKey(s.label))) };
  }

  async get(id: string): Promise<StoredSuggestion> {
    const s = (await this.list()).suggestions.find((x) => x.id === id);
    if (!s) throw WasimError.of('NOT_FOUND', 'suggestion', { id });
    return s;
  }

  /** Mines the stored archive again; concurrent calls share one run. */
  refresh(): Promise<void> {
    this.running ??= this.mine().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async mine(): Promise<void> {
    this.state = { ...this.state, running: true };
    try {
      const { tagger } = await this.tagger.upToDate();
      const discovery = new Discovery({ vocabulary: tagger.vocabulary, background: loadBackground(), top: this.options.top, minArticles: this.options.minArticles });
      let articles = 0;
      for (const pass of [1, 2] as const) {
        let after = 0;
        for (;;) {
          if (this.stopped) return;
          const batch = await this.repo.articlesAfter({}, after, PAGE);
          if (batch.length === 0) break;
          for (const a of batch) {
            const article: DiscoverArticle = { id: String(a.id), title: a.title, body: a.body };
            if (pass === 1) {
              discovery.observe(article);
              articles++;
            } else discovery.count(article);
          }
          after = batch[batch.length - 1]!.id;
          await yieldToEventLoop();
        }
        if (pass === 1) discovery.prepare();
      }
      const suggestions = discovery.results().map((s) => ({ ...s, id: suggestionId(s.label) }));
      this.state = { suggestions, refreshedAt: new Date().toISOString(), articles, running: false, error: null };
    } catch (e) {
      this.log?.error(e, 'suggestions: mining the archive failed');
      this.state = { ...this.state, running: false, error: (e as Error).message || 'failed' };
    }
  }

  private async dismissed(): Promise<Map<string, { label: string; editor: string; at: string }>> {
    const raw = await this.repo.getSetting(DISMISSED_KEY);
    if (raw === undefined) return new Map();
    try {
      return new Map(Object.entries(JSON.parse(raw) as Record<string, { label: string; editor: string; at: string }>));
    } catch {
      return new Map();
    }
  }

  async dismiss(id: string, editor: string): Promise<void> {
    const s = await this.get(id);
    const dismissed = await this.dismissed();
    dismissed.set(foldKey(s.label), { label: s.label, editor, at: new Date().toISOString() });
    await this.repo.setSetting(DISMISSED_KEY, JSON.stringify(Object.fromEntries(dismissed)));
  }

  /** The vocabulary entry a suggestion becomes: its label, type, the variants its label does not already match, its parent. */
  async entryOf(s: Suggestion, edits: AcceptEdits = {}): Promise<VocabularyInput> {
    const label = (edits.label ?? s.label).trim();
    if (label === '') throw WasimError.of('VALIDATION', 'tagNeedsLabel', {});
    const own = compileVocabulary([{ label, type: 'person' }]);
    const aliases =
      edits.aliases ??
      s.variants.filter((v) => {
        const tokens = tokenize(v);
        return !matchText(own, tokens).some((m) => m.tokenStart === 0 && m.tokenEnd === tokens.length);
      });
    let parent: string | null = null;
    const parentText = edits.parent === undefined ? s.parent : edits.parent;
    if (parentText) {
      const entry: VocabularyRecord | undefined = await this.repo.resolveVocabulary(parentText);
      parent = entry?.id ?? null;
    }
    const type = edits.type === undefined ? (s.type ?? null) : edits.type;
    return { label, aliases: aliases.slice(0, 10), type, parent, note: `suggested by discovery: ${s.articles} articles, ${s.mentions} mentions` };
  }

  /** Accepts a suggestion: a new vocabulary entry; waits until the tagger uses it. */
  async accept(id: string, edits: AcceptEdits = {}): Promise<VocabularyRecord> {
    const s = await this.get(id);
    const record = await this.service.addEntry(await this.entryOf(s, edits), true);
    // Accepted: gone from the list until the next refresh, which the new entry then covers.
    this.state = { ...this.state, suggestions: this.state.suggestions.filter((x) => x.id !== id) };
    return record;
  }
}

const suggestionSchema = { type: 'object', additionalProperties: true } as const;

/** /v1/suggestions: list (read), refresh, accept (with edits), dismiss (write). */
export const suggestionRoutes: FastifyPluginAsync<{ context: AppContext; suggestions: SuggestionService }> = async (app, { suggestions }) => {
  app.get('/v1/suggestions', { config: { access: 'read' }, schema: { tags: ['vocabulary'], summary: 'Suggested new tags: recurring names in the stored archive that the vocabulary lacks' } }, async () => suggestions.list());
  app.post<{ Querystring: { wait?: boolean } }>(
    '/v1/suggestions/refresh',
    { config: { access: 'write' }, schema: { tags: ['vocabulary'], summary: 'Mine the archive again (wait=true: answer when done)', querystring: { type: 'object', properties: { wait: { type: 'boolean', default: false } } } } },
    async (req, reply) => {
      const run = suggestions.refresh();
      if (req.query.wait) await run;
      return reply.code(req.query.wait ? 200 : 202).send(await suggestions.list());
    },
  );
  app.post<{ Params: { id: string }; Body: AcceptEdits | undefined }>(
    '/v1/suggestions/:id/accept',
    {
      config: { access: 'write' },
      schema: {
        tags: ['vocabulary'],
        summary: 'Accept a suggestion (optionally edited): it becomes a vocabulary entry and the tagger recompiles',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { label: { type: 'string', minLength: 1 }, type: { type: ['string', 'null'], enum: ['person', 'organisation', 'place', 'topic', 'event', null] }, aliases: { type: 'array', items: { type: 'string' } }, parent: { type: ['string', 'null'] } },
        },
        response: { 201: suggestionSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await suggestions.accept(req.params.id, req.body ?? {})),
  );
  app.post<{ Params: { id: string } }>('/v1/suggestions/:id/dismiss', { config: { access: 'write' }, schema: { tags: ['vocabulary'], summary: 'Dismiss a suggestion; it is not proposed again' } }, async (req, reply) => {
    await suggestions.dismiss(req.params.id, 'api');
    return reply.code(204).send();
  });
};

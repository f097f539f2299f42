/**
 * New-tag discovery over a JSONL archive (one {"id","title","body","date"?} a line), read
 * twice as a stream: memory does not grow with the archive (see src/core/discover.ts).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Discovery, numberLiteral, WasimError, type CompiledVocabulary, type DiscoverArticle, type DiscoverOptions, type Suggestion } from '../core/index.js';
import { loadBackground } from './background.js';
import { inputFileError } from './vocab-file.js';

export interface DiscoverFileStats {
  lines: number;
  articles: number;
  /** Lines skipped: not JSON, or no title and body. The first few, as "line N: why". */
  skipped: number;
  problems: string[];
  candidates: number;
  seconds: number;
}

const DATE_FIELDS = ['date', 'published', 'publishedAt', 'published_at', 'date_extracted', 'created_at'] as const;

/** One archive line as an article, or the reason it is not one; `text` is the line, for a numeric id's exact digits. */
export function articleOfJson(value: unknown, lineNo: number, text?: string): DiscoverArticle | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const o = value as Record<string, unknown>;
  const title = typeof o.title === 'string' ? o.title : '';
  const body = typeof o.body === 'string' ? o.body : typeof o.content === 'string' ? o.content : '';
  if (title.trim() === '' && body.trim() === '') return 'no "title" or "body" text';
  const id = typeof o.id === 'string' ? o.id : typeof o.id === 'number' ? ((text !== undefined ? numberLiteral(text, '/id', o.id) : undefined) ?? String(o.id)) : `line:${lineNo}`;
  let date: string | undefined;
  for (const f of DATE_FIELDS) {
    const v = o[f];
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v)) {
      date = v.slice(0, 10);
      break;
    }
  }
  return { id, title, body, ...(date !== undefined ? { date } : {}) };
}

async function* readArticles(path: string, stats: DiscoverFileStats | undefined): AsyncGenerator<DiscoverArticle> {
  const input = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (e: NodeJS.ErrnoException) => reject(inputFileError(path, e)));
  });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    if (stats) stats.lines++;
    let parsed: unknown;
    let why: string | undefined;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      why = `invalid JSON (${(e as Error).message})`;
    }
    const article = why === undefined ? articleOfJson(parsed, lineNo, line) : why;
    if (typeof article === 'string') {
      if (stats) {
        stats.skipped++;
        if (stats.problems.length < 5) stats.problems.push(`line ${lineNo}: ${article}`);
      }
      continue;
    }
    if (stats) stats.articles++;
    yield article;
  }
}

export interface DiscoverFileOptions extends Omit<DiscoverOptions, 'vocabulary' | 'background'> {
  vocabulary: CompiledVocabulary;
  onPass?: (pass: 1 | 2, articles: number) => void;
}

/** Discovery over a JSONL file: pass 1 over the file, then pass 2 over it again. */
export async function discoverFile(path: string, options: DiscoverFileOptions): Promise<{ suggestions: Suggestion[]; stats: DiscoverFileStats }> {
  const started = Date.now();
  const stats: DiscoverFileStats = { lines: 0, articles: 0, skipped: 0, problems: [], candidates: 0, seconds: 0 };
  const discovery = new Discovery({ ...options, background: loadBackground() });
  return discoverArticles(discovery, () => readArticles(path, undefined), () => readArticles(path, stats), options.onPass).then((suggestions) => {
    stats.candidates = discovery.candidateCount;
    stats.seconds = (Date.now() - started) / 1000;
    return { suggestions, stats };
  });
}

/** Two passes over an archive given as a function that streams it from the start each time. */
export async function discoverArticles(
  discovery: Discovery,
  pass1: () => AsyncIterable<DiscoverArticle> | Iterable<DiscoverArticle>,
  pass2: () => AsyncIterable<DiscoverArticle> | Iterable<DiscoverArticle> = pass1,
  onPass?: (pass: 1 | 2, articles: number) => void,
): Promise<Suggestion[]> {
  let n = 0;
  for await (const a of pass1()) {
    discovery.observe(a);
    n++;
  }
  onPass?.(1, n);
  discovery.prepare();
  n = 0;
  for await (const a of pass2()) {
    discovery.count(a);
    n++;
  }
  onPass?.(2, n);
  return discovery.results();
}

/**
 * The benchmark corpus: SaudiNewsNet read straight from its zips (../shared/data/saudinewsnet),
 * in a fixed order (zip name, then position), and the cache folder outside the repository
 * where generated vocabularies and their compiled forms are kept between runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'data', 'saudinewsnet', 'dataset');

export interface BenchArticle {
  id: string;
  title: string;
  body: string;
}

export function corpusFiles(dir = CORPUS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.zip'))
    .sort();
}

/** Names and sizes of the zips: changes when the corpus does, so cached vocabularies are rebuilt. */
export function corpusFingerprint(dir = CORPUS_DIR): string {
  const h = createHash('sha256');
  for (const name of corpusFiles(dir)) h.update(`${name}:${statSync(join(dir, name)).size}\n`);
  return h.digest('hex').slice(0, 12);
}

interface RawArticle {
  title?: string;
  content?: string;
}

/** All articles with some text (a few crawled pages are empty), in corpus order. */
export function loadCorpus(dir = CORPUS_DIR, limit = Infinity): { articles: BenchArticle[]; skippedEmpty: number } {
  const articles: BenchArticle[] = [];
  let skippedEmpty = 0;
  for (const name of corpusFiles(dir)) {
    const files = unzipSync(readFileSync(join(dir, name)));
    for (const [inner, data] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!inner.endsWith('.json')) continue;
      const raw = JSON.parse(strFromU8(data)) as RawArticle[];
      raw.forEach((a, i) => {
        const title = typeof a.title === 'string' ? a.title : '';
        const body = typeof a.content === 'string' ? a.content : '';
        if (title.trim() === '' && body.trim() === '') {
          skippedEmpty++;
          return;
        }
        if (articles.length < limit) articles.push({ id: `${name.replace(/\.zip$/, '')}:${i}`, title, body });
      });
    }
    if (articles.length >= limit) break;
  }
  return { articles, skippedEmpty };
}

export function utf8Bytes(a: { title: string; body: string }): number {
  return Buffer.byteLength(a.title, 'utf8') + Buffer.byteLength(a.body, 'utf8');
}

/** $WASIM_BENCH_CACHE, else $XDG_CACHE_HOME/wasim-bench, else ../.wasim-bench-cache next to the repo. */
export function cacheDir(): string {
  const dir = process.env.WASIM_BENCH_CACHE || (process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'wasim-bench') : join(REPO_ROOT, '..', '.wasim-bench-cache'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

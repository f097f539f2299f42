/**
 * Writes the SaudiNewsNet corpus (../shared/data/saudinewsnet/dataset/*.zip) as the JSONL the
 * CLI reads, one article a line: {"id","title","body","date","source","url"}. Identical
 * articles (same title and content) are written once, as the background statistics count them.
 *
 *   node dist/tools/corpus-jsonl.js [--dataset DIR] > saudinewsnet.jsonl
 *
 * Ids are `snn:DATE:N`, N the article's position in its day's zip, as in ../shared/data/dev.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATASET_DIR, readCorpusZip } from './build-background.js';

export interface CorpusLine {
  id: string;
  title: string;
  body: string;
  date: string;
  source?: string;
  url?: string;
}

/** The corpus's articles in date order, duplicates and empty articles left out. */
export function* corpusLines(datasetDir = DEFAULT_DATASET_DIR): Generator<CorpusLine> {
  let zips: string[];
  try {
    zips = readdirSync(datasetDir).filter((f) => f.endsWith('.zip')).sort();
  } catch {
    throw new Error(`corpus not found: ${datasetDir} (expected the SaudiNewsNet dataset/*.zip)`);
  }
  const seen = new Set<string>();
  for (const zip of zips) {
    const day = zip.replace(/\.zip$/, '');
    const articles = readCorpusZip(join(datasetDir, zip));
    for (let i = 0; i < articles.length; i++) {
      const a = articles[i]!;
      const title = typeof a.title === 'string' ? a.title : '';
      const body = typeof a.content === 'string' ? a.content : '';
      if (title.trim() === '' && body.trim() === '') continue;
      const fingerprint = createHash('sha1').update(title).update('\u0000').update(body).digest('base64');
      if (seen.has(fingerprint)) continue;
      seen.add(fingerprint);
      const date = typeof a.date_extracted === 'string' && /^\d{4}-\d\d-\d\d/.test(a.date_extracted) ? a.date_extracted.slice(0, 10) : day;
      yield {
        id: `snn:${day}:${i}`,
        title,
        body,
        date,
        ...(typeof a.source === 'string' ? { source: a.source } : {}),
        ...(typeof a.url === 'string' ? { url: a.url } : {}),
      };
    }
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--dataset');
  const dir = at >= 0 && args[at + 1] !== undefined ? resolve(args[at + 1]!) : DEFAULT_DATASET_DIR;
  try {
    for (const line of corpusLines(dir)) process.stdout.write(JSON.stringify(line) + '\n');
  } catch (e) {
    process.stderr.write(`corpus-jsonl: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

/**
 * `wasim ingest FEED_URL|FILE... --output articles.jsonl`: a one-off pass over feeds, deduped
 * across them, one JSONL line per new article in the CLI's article shape ({id, title, body})
 * with where it came from — ready for `wasim tag --input`.
 */
import type { Command } from 'commander';
import type { IngestedArticle } from '../../ingest/ingest.js';
import { openOutput } from '../../node/output-file.js';
import { EXIT_OK, EXIT_PARTIAL, parseIntOption, reportError } from '../common.js';

interface IngestCliOptions {
  output?: string;
  fetchPages?: boolean;
  timeout?: string;
  maxBytes?: string;
}

/** The JSONL line of one ingested article. */
export function articleLine(a: IngestedArticle): string {
  return JSON.stringify({
    id: a.id,
    title: a.title,
    body: a.body,
    url: a.url,
    source: a.source,
    published: a.published,
    ...(a.author ? { author: a.author } : {}),
    ...(a.image ? { image: a.image } : {}),
    ...(a.categories.length ? { categories: a.categories } : {}),
    sources: a.sources,
    bodyFrom: a.bodyFrom,
  });
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('read RSS, Atom or JSON feeds (URLs or files) into articles as JSONL, fetching article pages when a feed carries only summaries')
    .argument('<sources...>', 'feed URLs (http/https) or feed files')
    .option('-o, --output <file>', 'JSONL output (- for stdout)', '-')
    .option('--no-fetch-pages', 'keep summary-only items as their summary instead of fetching the page')
    .option('--timeout <ms>', 'timeout per request in milliseconds', '15000')
    .option('--max-bytes <n>', 'largest response accepted, in bytes', String(10 * 1024 * 1024))
    .action(async (sources: string[], opts: IngestCliOptions) => {
      try {
        const timeoutMs = parseIntOption('--timeout', opts.timeout, 1)!;
        const maxBytes = parseIntOption('--max-bytes', opts.maxBytes, 1)!;
        // Opened before the feeds are fetched: a wrong --output fails before any request.
        const out = openOutput(opts.output);
        // Loaded here: the feed, fetching and HTML modules take longer to load than a short
        // `wasim tag` takes to run, and every command would pay for them.
        const { ingestFeeds } = await import('../../ingest/ingest.js');
        const runs = await ingestFeeds(sources, { timeoutMs, maxBytes, fetchPages: opts.fetchPages !== false });
        let written = 0;
        let duplicates = 0;
        for (const run of runs) {
          if (run.error) process.stderr.write(`wasim ingest: ${run.source}: ${run.error.message.split('\n')[0]}\n`);
          for (const e of run.errors) process.stderr.write(`wasim ingest: ${run.source}: item ${e.url ?? e.guid ?? '?'}: ${e.message.split('\n')[0]} (kept from the feed's text)\n`);
          for (const a of run.articles) {
            await out.write(articleLine(a) + '\n');
            written++;
          }
          duplicates += run.duplicates;
        }
        const failed = runs.some((r) => r.error);
        await out.close();
        process.stderr.write(`wasim ingest: ${written} articles, ${duplicates} duplicates merged\n`);
        process.exitCode = failed ? EXIT_PARTIAL : EXIT_OK;
      } catch (e) {
        process.exitCode = reportError('ingest', e);
      }
    });
}

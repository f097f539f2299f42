/**
 * `wasim wordpress pull|push|import-tags --site URL --user U --app-password P`: a WordPress
 * site's posts in as JSONL articles, its tag list out as a vocabulary, and tags written back.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { numberLiteral, WasimError } from '../../core/index.js';
import type { WordPressClient } from '../../ingest/wordpress.js';
import { openOutput } from '../../node/output-file.js';
import { EXIT_OK, EXIT_PARTIAL, reportError, usageError } from '../common.js';

interface WpCliOptions {
  site?: string;
  user?: string;
  appPassword?: string;
  output?: string;
  input?: string;
  modifiedAfter?: string;
  acceptedOnly?: boolean;
  keepExisting?: boolean;
}

/**
 * The WordPress client's module is loaded when a wordpress command runs: with the fetching and
 * HTML modules under it, it takes longer to load than a short `wasim tag` takes to run.
 */
const wordpress = () => import('../../ingest/wordpress.js');

async function client(opts: WpCliOptions): Promise<WordPressClient> {
  if (!opts.site) throw usageError('siteRequired', {});
  const appPassword = opts.appPassword ?? process.env.WASIM_WP_APP_PASSWORD;
  const { WordPressClient } = await wordpress();
  return new WordPressClient({ site: opts.site, user: opts.user ?? process.env.WASIM_WP_USER, appPassword });
}


function withSiteOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--site <url>', 'the WordPress site, e.g. https://news.example.com')
    .option('--user <name>', 'WordPress user (or WASIM_WP_USER)')
    .option('--app-password <password>', 'an Application Password of that user (or WASIM_WP_APP_PASSWORD)');
}

export function registerWordPress(program: Command): void {
  const wp = program.command('wordpress').description('pull posts from a WordPress site, import its tags as a vocabulary, push tags back');

  withSiteOptions(wp.command('pull').description('posts as JSONL articles ({id:"wp:ID", title, body, url, published, …})'))
    .option('-o, --output <file>', 'JSONL output (- for stdout)', '-')
    .option('--modified-after <iso-date>', 'only posts modified after this time (for increments)')
    .action(async (opts: WpCliOptions) => {
      try {
        if (opts.modifiedAfter && Number.isNaN(Date.parse(opts.modifiedAfter))) throw usageError('isoDate', { option: '--modified-after', value: opts.modifiedAfter });
        const wpc = await client(opts);
        const out = openOutput(opts.output);
        let n = 0;
        let last = '';
        for await (const a of wpc.pull({ modifiedAfter: opts.modifiedAfter })) {
          await out.write(JSON.stringify(a) + '\n');
          n++;
          if (a.modified && a.modified > last) last = a.modified;
        }
        await out.close();
        process.stderr.write(`wasim wordpress pull: ${n} posts${last ? `; next increment: --modified-after ${last}` : ''}\n`);
        process.exitCode = EXIT_OK;
      } catch (e) {
        process.exitCode = reportError('wordpress pull', e);
      }
    });

  withSiteOptions(wp.command('import-tags').description("the site's tags (with their counts) as a JSONL vocabulary, ids wp:TERM_ID"))
    .option('-o, --output <file>', 'JSONL vocabulary output (- for stdout)', '-')
    .action(async (opts: WpCliOptions) => {
      try {
        const wpc = await client(opts);
        const out = openOutput(opts.output);
        const tags = (await wpc.tags()).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
        for (const t of tags) await out.write(JSON.stringify({ label: t.name, id: `wp:${t.id}`, note: `WordPress tag ${t.slug}, used ${t.count} times` }) + '\n');
        await out.close();
        process.stderr.write(`wasim wordpress import-tags: ${tags.length} tags\n`);
        process.exitCode = EXIT_OK;
      } catch (e) {
        process.exitCode = reportError('wordpress import-tags', e);
      }
    });

  withSiteOptions(wp.command('push').description('set posts\' tags from `wasim tag --input` output (ids wp:ID); missing terms are created'))
    .requiredOption('-i, --input <file>', 'JSONL lines {"id":"wp:ID","tags":[{"tag":…,"status"?:…}]}')
    .option('--accepted-only', 'push only tags whose status is "accepted" (editors\' decisions)')
    .option('--keep-existing', "add to the post's current tags instead of replacing them")
    .action(async (opts: WpCliOptions) => {
      try {
        const wpc = await client(opts);
        let text: string;
        try {
          text = readFileSync(opts.input === '-' ? 0 : opts.input!, 'utf8');
        } catch {
          throw WasimError.of('FILE_NOT_FOUND', 'noSuchFile', { path: opts.input! });
        }
        const { postIdOf } = await wordpress();
        let pushed = 0;
        let failed = 0;
        const lines = text.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!.trim();
          if (!line) continue;
          let rec: { id?: unknown; tags?: Array<{ tag?: unknown; status?: unknown; accepted?: unknown }> };
          try {
            rec = JSON.parse(line) as typeof rec;
          } catch {
            process.stderr.write(`wasim wordpress push: line ${i + 1}: not valid JSON\n`);
            failed++;
            continue;
          }
          const postId = postIdOf(rec.id);
          if (typeof rec.id === 'number' && postId === null) {
            process.stderr.write(`wasim wordpress push: line ${i + 1}: "id" ${numberLiteral(line, '/id', rec.id) ?? rec.id} is not a WordPress post id\n`);
            failed++;
            continue;
          }
          if (postId === null || !Array.isArray(rec.tags)) {
            process.stderr.write(`wasim wordpress push: line ${i + 1}: needs "id" ("wp:123") and "tags"\n`);
            failed++;
            continue;
          }
          const names = rec.tags
            .filter((t) => !opts.acceptedOnly || t.status === 'accepted' || t.accepted === true)
            .map((t) => String(t.tag ?? '').trim())
            .filter(Boolean);
          try {
            await wpc.push(postId, names, { keepExisting: !!opts.keepExisting });
            pushed++;
          } catch (e) {
            failed++;
            process.stderr.write(`wasim wordpress push: post ${postId}: ${(e as Error).message.split('\n')[0]}\n`);
            if (e instanceof WasimError && /credentials/.test(e.message)) break;
          }
        }
        process.stderr.write(`wasim wordpress push: ${pushed} posts updated, ${failed} failed\n`);
        process.exitCode = failed ? EXIT_PARTIAL : EXIT_OK;
      } catch (e) {
        process.exitCode = reportError('wordpress push', e);
      }
    });
}

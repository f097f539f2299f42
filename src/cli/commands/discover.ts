/**
 * `wasim discover`: mines a JSONL archive for recurring names the vocabulary lacks.
 *   wasim discover --input IN.jsonl [--vocab PATH] [--top K] [--min-articles N] [--format text|json]
 * JSON: one suggestion a line, best first:
 *   {"label","type"?,"score","mentions","articles","variants":[…],"examples":[{"id","field","start","end","text"}], …}
 */
import type { Command } from 'commander';
import { DISCOVER_DEFAULTS, type Suggestion } from '../../core/index.js';
import { discoverFile } from '../../node/discover.js';
import { loadVocabulary } from '../../node/vocab-file.js';
import { EXIT_OK, EXIT_PARTIAL, parseChoice, parseIntOption, parseVocabFormat, reportError, usageError } from '../common.js';

interface DiscoverCliOptions {
  input?: string;
  vocab?: string;
  vocabFormat?: string;
  top?: string;
  minArticles?: string;
  format?: string;
}

/** The contract's fields first, in its order; then what else a suggestion knows. */
export function suggestionJson(s: Suggestion): Record<string, unknown> {
  return {
    label: s.label,
    ...(s.type !== undefined ? { type: s.type } : {}),
    score: s.score,
    mentions: s.mentions,
    articles: s.articles,
    variants: s.variants,
    examples: s.examples.map((e) => ({ id: e.id, field: e.field, start: e.start, end: e.end, text: e.text })),
    ...(s.parent !== undefined ? { parent: s.parent } : {}),
    ...(s.firstSeen !== undefined ? { firstSeen: s.firstSeen } : {}),
    ...(s.lastSeen !== undefined ? { lastSeen: s.lastSeen } : {}),
    burst: s.burst,
    titleArticles: s.titleArticles,
    evidence: s.evidence,
  };
}

export function suggestionText(s: Suggestion): string {
  const type = s.type ? ` [${s.type}]` : '';
  const parent = s.parent ? ` ⊂ ${s.parent}` : '';
  const seen = s.firstSeen ? `\t${s.firstSeen}…${s.lastSeen}` : '';
  const variants = s.variants.length > 0 ? `\t${s.variants.slice(0, 5).join('، ')}` : '';
  return `${s.score.toFixed(3)}\t${s.label}${type}${parent}\t${s.articles} articles, ${s.mentions} mentions\tburst ${s.burst >= 0 ? '+' : ''}${s.burst.toFixed(2)}${seen}${variants}`;
}

export async function runDiscover(opts: DiscoverCliOptions): Promise<number> {
  const format = parseChoice('--format', opts.format ?? 'text', ['text', 'json']);
  if (opts.input === undefined) throw usageError('discoverInput', {});
  if (opts.input === '-') throw usageError('discoverInputFile', {});
  const top = parseIntOption('--top', opts.top, 1) ?? DISCOVER_DEFAULTS.top;
  const minArticles = parseIntOption('--min-articles', opts.minArticles, 1) ?? DISCOVER_DEFAULTS.minArticles;
  const { compiled } = loadVocabulary({ path: opts.vocab, format: parseVocabFormat(opts.vocabFormat), hints: true });
  const { suggestions, stats } = await discoverFile(opts.input, { vocabulary: compiled, top, minArticles });
  const out = suggestions.map((s) => (format === 'json' ? JSON.stringify(suggestionJson(s)) : suggestionText(s))).join('\n');
  process.stdout.write(out.length > 0 ? out + '\n' : format === 'json' ? '' : '(no suggestions)\n');
  if (process.env.WASIM_QUIET !== '1') {
    process.stderr.write(`wasim discover: ${stats.articles} articles, ${stats.candidates} candidates counted, ${suggestions.length} suggestions in ${stats.seconds.toFixed(1)} s\n`);
  }
  if (stats.skipped > 0) {
    process.stderr.write(`wasim discover: ${stats.skipped} of ${stats.lines} line(s) skipped (${stats.problems.join('; ')})\n`);
    return EXIT_PARTIAL;
  }
  return EXIT_OK;
}

export function registerDiscover(program: Command): Command {
  return program
    .command('discover')
    .description('propose new tags: recurring names in an archive that the vocabulary lacks')
    .option('--input <jsonl>', 'the archive: JSONL of {"id","title","body","date"?}')
    .option('--vocab <path>', 'the vocabulary whose coverage is excluded; default: the embedded vocabulary')
    .option('--vocab-format <format>', 'txt, csv, json or jsonl when the extension does not say')
    .option('--top <k>', `at most k suggestions (default ${DISCOVER_DEFAULTS.top})`)
    .option('--min-articles <n>', `named in at least n articles (default ${DISCOVER_DEFAULTS.minArticles})`)
    .option('--format <format>', 'text or json (one suggestion a line)', 'text')
    .action(async (opts: DiscoverCliOptions) => {
      try {
        process.exitCode = await runDiscover(opts);
      } catch (e) {
        process.exitCode = reportError('discover', e);
      }
    });
}

/**
 * `wasim eval`: scores wasim and the reference taggers against a gold set.
 *
 * runEval does the work and returns what to print and the exit code, so that it can be
 * tested without a process and wired into any command-line front end; registerEval attaches
 * it to a commander program.
 */
import type { Command } from 'commander';
import { isWasimError, WasimError } from '../../core/errors.js';
import type { TagOptions } from '../../core/types.js';
import { ALL_TAGGERS, evaluate, type TaggerName } from '../../eval/evaluate.js';
import { isVocabFormat, loadArticlesFile, loadGoldFile, loadVocabulary } from '../../eval/files.js';
import { jsonReport, textReport } from '../../eval/report.js';

export interface EvalCommandOptions {
  gold?: string;
  input?: string;
  vocab?: string;
  vocabFormat?: string;
  tagger?: string;
  top?: string | number;
  minScore?: string | number;
  format?: string;
  errors?: boolean;
  optimize?: boolean;
  perType?: boolean;
}

export interface EvalCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface EvalDependencies {
  /** Path of the vocabulary used when --vocab is not given (the packaged default). */
  defaultVocabulary?: () => Promise<{ path: string } | undefined> | { path: string } | undefined;
}

/** Exit codes: 0 success, 1 unreadable or invalid input files, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

function usage(message: string): WasimError {
  return new WasimError('USAGE', message);
}

function parseTaggers(value: string | undefined): TaggerName[] {
  const v = (value ?? 'wasim').trim();
  if (v === 'all') return [...ALL_TAGGERS];
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw usage('--tagger needs a name: wasim, substring, wholeword or all');
  for (const n of names) {
    if (!(ALL_TAGGERS as readonly string[]).includes(n)) {
      throw usage(`unknown tagger "${n}" (use wasim, substring, wholeword or all)`);
    }
  }
  return ALL_TAGGERS.filter((t) => names.includes(t));
}

function parseTop(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  if (!/^\d+$/.test(s) || Number(s) < 1) throw usage(`--top must be a positive integer, not "${value}"`);
  return Number(s);
}

function parseMinScore(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  const n = Number(s);
  if (s === '' || !Number.isFinite(n)) throw usage(`--min-score must be a number, not "${value}"`);
  return n;
}

export async function runEval(options: EvalCommandOptions, deps: EvalDependencies = {}): Promise<EvalCommandResult> {
  try {
    if (!options.gold) throw usage('--gold GOLD.jsonl is required');
    if (!options.input) throw usage('--input ARTICLES.jsonl is required');
    const format = options.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw usage(`--format must be text or json, not "${format}"`);
    if (options.vocabFormat !== undefined && !isVocabFormat(options.vocabFormat)) {
      throw usage(`--vocab-format must be txt, csv, json or jsonl, not "${options.vocabFormat}"`);
    }
    const taggers = parseTaggers(options.tagger);
    const top = parseTop(options.top);
    const minScore = parseMinScore(options.minScore);
    if (options.optimize && !taggers.includes('wasim')) {
      throw usage('--optimize tunes the wasim tagger; use --tagger wasim or all');
    }
    if (options.perType && !options.optimize) throw usage('--per-type only applies with --optimize');

    let vocabPath = options.vocab;
    if (!vocabPath) {
      vocabPath = (await deps.defaultVocabulary?.())?.path;
      if (!vocabPath) throw usage('--vocab VOCABULARY is required (no default vocabulary is installed)');
    }

    const [gold, articles, vocabulary] = await Promise.all([
      loadGoldFile(options.gold),
      loadArticlesFile(options.input),
      loadVocabulary(vocabPath, options.vocabFormat as Parameters<typeof loadVocabulary>[1]),
    ]);
    const wasimCut: TagOptions = {};
    if (top !== undefined) wasimCut.top = top;
    if (minScore !== undefined) wasimCut.minScore = minScore;

    const report = evaluate({
      gold,
      articles,
      articlesSource: options.input,
      entries: vocabulary.entries,
      taggers,
      wasimCut,
      optimize: options.optimize ?? false,
      optimizePerType: options.perType ?? false,
      errors: options.errors ?? false,
    });
    const header = { gold: options.gold, input: options.input, vocabulary: vocabPath, entries: vocabulary.entries.length };
    const warnings = [...report.warnings];
    if (vocabulary.warnings.length > 0) {
      warnings.push(`${vocabulary.warnings.length} vocabulary warning(s), e.g. ${vocabulary.warnings[0]}`);
    }
    if (report.scored === 0) {
      return {
        exitCode: EXIT_BAD_INPUT,
        stdout: '',
        stderr: [...warnings.map((w) => `warning: ${w}`), `wasim eval: no gold id matches an article id in ${options.input}; nothing to score`].join('\n') + '\n',
      };
    }
    return {
      exitCode: EXIT_OK,
      stdout: format === 'json' ? jsonReport({ ...report, warnings }, header) : textReport(report, header, options.errors ?? false),
      stderr: warnings.map((w) => `warning: ${w}\n`).join(''),
    };
  } catch (e) {
    if (isWasimError(e)) {
      return {
        exitCode: e.code === 'USAGE' ? EXIT_USAGE : EXIT_BAD_INPUT,
        stdout: '',
        stderr: `wasim eval: ${e.message.split('\n')[0]}\n`,
      };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { exitCode: EXIT_BAD_INPUT, stdout: '', stderr: `wasim eval: internal error: ${message.split('\n')[0]}\n` };
  }
}

export interface EvalCliContext extends EvalDependencies {
  write?: (s: string) => void;
  writeError?: (s: string) => void;
}

export function registerEval(program: Command, ctx: EvalCliContext = {}): Command {
  return program
    .command('eval')
    .description('score taggers against a gold set: precision, must-recall, F1, recall over all entities, P@1/3/5')
    .option('--gold <file>', 'gold JSONL: {"id","tags":[{"tag","label":"must"|"ok","entity"}]} or {"id","tags":["…"]}')
    .option('--input <file>', 'articles JSONL: {"id","title","body"}')
    .option('--vocab <file>', 'vocabulary (txt, csv, json or jsonl)')
    .option('--vocab-format <format>', 'vocabulary format when the extension does not say: txt, csv, json, jsonl')
    .option('--tagger <name>', 'wasim, substring, wholeword, all (or a comma list)', 'wasim')
    .option('--top <k>', "wasim's cut: keep at most k tags per article (default: the tagger's)")
    .option('--min-score <s>', "wasim's cut: drop tags scoring below s (default: the tagger's)")
    .option('--format <format>', 'text or json', 'text')
    .option('--errors', 'list each article\'s false positives and missed must entities, with mentions')
    .option('--optimize', 'search the top-k / min-score cut that maximises F1 on this gold set')
    .option('--per-type', 'with --optimize: also search one min-score per tag type')
    .action(async (opts: EvalCommandOptions) => {
      const result = await runEval(opts, ctx);
      if (result.stdout) (ctx.write ?? ((s) => process.stdout.write(s)))(result.stdout);
      if (result.stderr) (ctx.writeError ?? ((s) => process.stderr.write(s)))(result.stderr);
      process.exitCode = result.exitCode;
    });
}

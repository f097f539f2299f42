/**
 * `wasim eval`: scores wasim and the reference taggers against a gold set.
 *
 * runEval does the work and returns what to print and the exit code, so that it can be
 * tested without a process and wired into any command-line front end; registerEval attaches
 * it to a commander program.
 */
import type { Command } from 'commander';
import { compileVocabulary, exitCodeOf, isWasimError, WasimError, type CompiledVocabulary, type TagOptions, type VocabEntry } from '../../core/index.js';
import { ALL_TAGGERS, evaluate, type TaggerName } from '../../eval/evaluate.js';
import { loadArticlesFile, loadGoldFile } from '../../eval/files.js';
import { evaluateMentions, parseMentionGold } from '../../eval/mentions.js';
import { jsonReport, textReport } from '../../eval/report.js';
import { createNodeTagger } from '../../node/tagger.js';
import { loadAdaptationFile } from '../../node/adaptation-file.js';
import {
  defaultHints,
  formatFromPath,
  loadDefaultVocabulary,
  readDefaultEntries,
  readCompiledVocabulary,
  readTextFile,
  readVocabularyFile,
} from '../../node/vocab-file.js';
import { errorLine, EXIT_OK, parseChoice, parseIntOption, parseScoreOption, parseVocabFormat, usageError } from '../common.js';

export interface EvalCommandOptions {
  gold?: string;
  input?: string;
  vocab?: string;
  vocabFormat?: string;
  /** false with --no-hints: the vocabulary is compiled without the default vocabulary's types. */
  hints?: boolean;
  tagger?: string;
  top?: string;
  minScore?: string;
  format?: string;
  errors?: boolean;
  optimize?: boolean;
  perType?: boolean;
  minPrecision?: string;
  mentions?: string;
  adaptation?: string;
}

export interface EvalCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function parseTaggers(value: string | undefined): TaggerName[] {
  const v = (value ?? 'wasim').trim();
  if (v === 'all') return [...ALL_TAGGERS];
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw usageError('taggerName', {});
  for (const n of names) {
    if (!(ALL_TAGGERS as readonly string[]).includes(n)) {
      throw usageError('unknownTagger', { name: n });
    }
  }
  return ALL_TAGGERS.filter((t) => names.includes(t));
}

interface EvalVocabulary {
  source: string;
  /** Absent for a compiled vocabulary file: only wasim can use it. */
  entries?: VocabEntry[];
  compiled: () => CompiledVocabulary;
  warnings: string[];
  size: number;
}

/** The vocabulary as `wasim tag` would load it, plus the entries the reference taggers match. */
function loadEvalVocabulary(options: EvalCommandOptions): EvalVocabulary {
  const hints = options.hints !== false;
  if (!options.vocab) {
    const entries = readDefaultEntries();
    return { source: 'default', entries, compiled: loadDefaultVocabulary, warnings: [], size: entries.length };
  }
  const path = options.vocab;
  const format = parseVocabFormat(options.vocabFormat) ?? formatFromPath(path);
  if (format === 'compiled') {
    const compiled = readCompiledVocabulary(path);
    return { source: path, compiled: () => compiled, warnings: [], size: compiled.tags.length };
  }
  const { entries, warnings } = readVocabularyFile(path, format);
  if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'noEntries', { path });
  return {
    source: path,
    entries,
    compiled: () => compileVocabulary(entries, hints ? defaultHints() : {}),
    warnings: warnings.map((w) => `${path}:${w.line}: ${w.message}`),
    size: entries.length,
  };
}

/** `--mentions GOLD`: wasim in mention mode (--all-mentions) against gold entity mentions. */
function runMentionEval(options: EvalCommandOptions & { mentions: string }): EvalCommandResult {
  if (!options.input) throw usageError('evalInput', { file: 'DOCS.jsonl' });
  if (options.optimize) throw usageError('optimizeMentions', {});
  const format = parseChoice('--format', options.format ?? 'text', ['text', 'json']);
  const gold = parseMentionGold(readTextFile(options.mentions), options.mentions);
  const articles = new Map(loadArticlesFile(options.input).map((a) => [a.id, a]));
  const vocabulary = loadEvalVocabulary(options);
  const adaptation = options.adaptation ? loadAdaptationFile(options.adaptation) : undefined;
  const tagger = createNodeTagger(vocabulary.compiled(), adaptation ? { adaptation } : {});
  const docs = [...articles.values()];
  const missing = gold.filter((g) => !articles.has(g.id)).map((g) => g.id);
  const score = evaluateMentions(gold, docs, (d) => tagger.tag({ title: d.title, body: d.body }, { allMentions: true }).flatMap((t) => t.mentions.map((m) => ({ field: m.field, start: m.start, end: m.end, tag: t.tag, matched: m.matched }))));
  if (score.documents === 0) return failed(WasimError.of('BAD_GOLD', 'nothingToScore', { input: options.input }));
  const s = score;
  const warnings = [...vocabulary.warnings.slice(0, 1).map((w) => `${vocabulary.warnings.length} vocabulary warning(s), e.g. ${w}`), ...(missing.length > 0 ? [`${missing.length} gold document(s) without an article, e.g. ${missing[0]}`] : [])];
  const stdout =
    format === 'json'
      ? JSON.stringify({ ...s, goldFile: options.mentions, input: options.input, vocabulary: vocabulary.source }) + '\n'
      : `${s.documents} document(s) scored in mention mode — gold ${options.mentions}, vocabulary ${vocabulary.source} (${vocabulary.size} entries)\n` +
        `P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  (${s.correct}/${s.predicted} predicted mentions correct, ${s.found}/${s.gold} gold mentions found)\n`;
  return { exitCode: EXIT_OK, stdout, stderr: warnings.map((w) => `warning: ${w}\n`).join('') };
}

export async function runEval(options: EvalCommandOptions): Promise<EvalCommandResult> {
  try {
    if (options.mentions !== undefined) return runMentionEval({ ...options, mentions: options.mentions });
    if (!options.gold) throw usageError('evalGold', {});
    if (!options.input) throw usageError('evalInput', { file: 'ARTICLES.jsonl' });
    const format = parseChoice('--format', options.format ?? 'text', ['text', 'json']);
    const taggers = parseTaggers(options.tagger);
    const wasimCut: TagOptions = {};
    const top = parseIntOption('--top', options.top, 1);
    const minScore = parseScoreOption('--min-score', options.minScore);
    if (top !== undefined) wasimCut.top = top;
    if (minScore !== undefined) wasimCut.minScore = minScore;
    if (options.optimize && !taggers.includes('wasim')) {
      throw usageError('optimizeNeedsWasim', {});
    }
    if (options.perType && !options.optimize) throw usageError('onlyWith', { option: '--per-type', other: '--optimize' });

    const adaptation = options.adaptation ? loadAdaptationFile(options.adaptation) : undefined;
    const vocabulary = loadEvalVocabulary(options);
    if (!vocabulary.entries && taggers.some((t) => t !== 'wasim')) {
      throw usageError('referenceTaggersNeedSource', { path: vocabulary.source });
    }
    const gold = loadGoldFile(options.gold);
    const articles = loadArticlesFile(options.input);
    const vocabPath = vocabulary.source;

    const report = evaluate({
      gold,
      articles,
      articlesSource: options.input,
      ...(vocabulary.entries ? { entries: vocabulary.entries } : {}),
      ...(taggers.includes('wasim') ? { compiled: vocabulary.compiled() } : {}),
      taggers,
      wasimCut,
      optimize: options.optimize ?? false,
      optimizePerType: options.perType ?? false,
      ...(options.minPrecision !== undefined ? { optimizeMinPrecision: parseScoreOption('--min-precision', options.minPrecision)! } : {}),
      errors: options.errors ?? false,
      ...(adaptation ? { adaptation } : {}),
    });
    const header = { gold: options.gold, input: options.input, vocabulary: vocabPath, entries: vocabulary.size, ...(options.adaptation ? { adaptation: options.adaptation } : {}) };
    const warnings = [...report.warnings];
    if (vocabulary.warnings.length > 0) {
      warnings.push(`${vocabulary.warnings.length} vocabulary warning(s), e.g. ${vocabulary.warnings[0]}`);
    }
    if (report.scored === 0) return failed(WasimError.of('BAD_GOLD', 'nothingToScore', { input: options.input }), warnings);
    return {
      exitCode: EXIT_OK,
      stdout: format === 'json' ? jsonReport({ ...report, warnings }, header) : textReport(report, header, options.errors ?? false),
      stderr: warnings.map((w) => `warning: ${w}\n`).join(''),
    };
  } catch (e) {
    if (!isWasimError(e) && process.env.WASIM_DEBUG) console.error(e);
    return failed(e);
  }
}

/** A run that ends in an error: its one line after any warnings, and the exit code of its class. */
function failed(e: unknown, warnings: readonly string[] = []): EvalCommandResult {
  return { exitCode: exitCodeOf(e), stdout: '', stderr: [...warnings.map((w) => `warning: ${w}`), `wasim eval: ${errorLine(e)}`].join('\n') + '\n' };
}

export interface EvalCliContext {
  write?: (s: string) => void;
  writeError?: (s: string) => void;
}

export function registerEval(program: Command, ctx: EvalCliContext = {}): Command {
  return program
    .command('eval')
    .description('score taggers against a gold set: precision, must-recall, F1, recall over all entities, P@1/3/5')
    .option('--gold <file>', 'gold JSONL: {"id","tags":[{"tag","label":"must"|"ok","entity"}]} or {"id","tags":["…"]}')
    .option('--input <file>', 'articles JSONL: {"id","title","body"}')
    .option('--vocab <file>', 'vocabulary (txt, csv, json, jsonl; a compiled .wasim for wasim only); default: the embedded vocabulary')
    .option('--vocab-format <format>', 'txt, csv, json or jsonl when the extension does not say')
    .option('--no-hints', "compile without the default vocabulary's types and ambiguity flags (as wasim tag --no-hints)")
    .option('--tagger <name>', 'wasim, substring, wholeword, all (or a comma list)', 'wasim')
    .option('--top <k>', "wasim's cut: keep at most k tags per article (default: the tagger's); reference taggers have no cut")
    .option('--min-score <s>', "wasim's cut: drop tags scoring below s, 0..1 (default: the tagger's)")
    .option('--format <format>', 'text or json', 'text')
    .option('--errors', 'list each article\'s false positives and missed must entities, with mentions')
    .option('--optimize', 'search the top-k / min-score cut that maximises F1 on this gold set')
    .option('--per-type', 'with --optimize: also search one min-score per tag type')
    .option('--min-precision <p>', 'with --optimize: only cuts with at least this precision compete on F1')
    .option('--adaptation <model.json>', "score wasim with a newsroom's adaptation learned by `wasim learn`")
    .option('--mentions <file>', 'mention mode: score wasim --all-mentions against gold mentions {"id","mentions":[{"start","end","tag"}]}')
    .action(async (opts: EvalCommandOptions) => {
      const result = await runEval(opts);
      if (result.stdout) (ctx.write ?? ((s) => process.stdout.write(s)))(result.stdout);
      if (result.stderr) (ctx.writeError ?? ((s) => process.stderr.write(s)))(result.stderr);
      process.exitCode = result.exitCode;
    });
}

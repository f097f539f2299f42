/**
 * `wasim tag`: one article from a text file (first non-empty line the title, the rest the body)
 * or many from JSONL (--input/--output).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { WasimError, WEIGHTS, type AdaptationModel, type TagOptions, type TagResult, type Tagger } from '../../core/index.js';
import { tagJsonlStream } from '../../node/batch.js';
import { toOutputLine } from '../../node/output.js';
import { openOutput, outputError, STANDARD_INPUT } from '../../node/output-file.js';
import { createNodeTagger } from '../../node/tagger.js';
import { inputFileError, readTextFile } from '../../node/vocab-file.js';
import { loadAdaptationFile } from '../../node/adaptation-file.js';
import { EXIT_OK, EXIT_PARTIAL, parseChoice, parseIntOption, reportError, usageError } from '../common.js';
import {
  allMentionsOption,
  explainOption,
  loadCliVocabulary,
  minScoreOption,
  reportVocabularyWarnings,
  tagOptionsFrom,
  topOption,
  vocabularyChoiceFrom,
  vocabularyOptions,
  type CutCliOptions,
  type VocabularyCliOptions,
} from '../tag-options.js';

interface TagCliOptions extends VocabularyCliOptions, CutCliOptions {
  format?: string;
  input?: string;
  output?: string;
  jobs?: string;
  progress?: boolean;
  adaptation?: string;
}

/** Splits a plain-text article: the first non-empty line is the title, the rest the body. */
export function splitTextArticle(text: string): { title: string; body: string } {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const m = /^[ \t\r\n\u200e\u200f]*([^\r\n]*)(?:\r\n|\n|\r)?([\s\S]*)$/.exec(clean);
  return { title: (m?.[1] ?? '').trim(), body: (m?.[2] ?? '').replace(/^\s+|\s+$/g, '') };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}

/** Features that moved the score, largest effect first: `titleStrong +1.58`, then the rest as facts. */
export function explainEvidence(evidence: Record<string, unknown>): string {
  const weights = WEIGHTS as Record<string, number>;
  const learned = typeof evidence.adaptationEn === 'string' ? evidence : undefined;
  if (learned) {
    const { adaptationEn, adaptationAr, adaptationBase, adaptationShift, ...rest } = learned;
    const shift = Number(adaptationShift);
    return `${explainEvidence(rest)}\n\tadapted from ${Number(adaptationBase).toFixed(3)}${shift ? ` (${shift > 0 ? '+' : ''}${shift.toFixed(2)})` : ''}: ${String(adaptationAr)} — ${String(adaptationEn)}`;
  }
  const effects = Object.entries(evidence)
    .filter(([k, v]) => typeof v === 'number' && k in weights && v !== 0)
    .map(([k, v]) => [k, (v as number) * weights[k]!, v as number] as const)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const facts = Object.entries(evidence).filter(([k]) => !(k in weights));
  return [
    ...effects.map(([k, e, v]) => `${k}${v === 1 ? '' : `=${+v.toFixed(2)}`} ${e >= 0 ? '+' : ''}${e.toFixed(2)}`),
    ...facts.map(([k, v]) => `${k}=${String(v)}`),
  ].join(' · ');
}

function formatText(results: TagResult[], explain: boolean): string {
  if (results.length === 0) return '(no tags)\n';
  const lines = results.map((r) => {
    const forms = [...new Set(r.mentions.map((m) => m.text))].join('، ');
    const type = r.type ? ` [${r.type}]` : '';
    let line = `${r.score.toFixed(3)}\t${r.tag}${type}\t×${r.mentions.length}\t${forms}`;
    if (explain && r.evidence) line += `\n\t${explainEvidence(r.evidence)}`;
    return line;
  });
  return lines.join('\n') + '\n';
}

export function buildTagger(opts: Omit<TagCliOptions, 'adaptation'> & { adaptation?: string | AdaptationModel }): Tagger {
  // The model is read first: a broken file fails before the vocabulary is compiled.
  const adaptation = typeof opts.adaptation === 'string' ? loadAdaptationFile(opts.adaptation) : opts.adaptation;
  const tagger = createNodeTagger(loadCliVocabulary(opts).compiled, adaptation ? { adaptation } : {});
  const unknown = tagger.adaptation?.unknownTags.length ?? 0;
  if (unknown > 0 && process.env.WASIM_QUIET !== '1') process.stderr.write(`wasim: the adaptation knows ${unknown} tag(s) this vocabulary lacks, e.g. "${tagger.adaptation!.unknownTags[0]}": ignored\n`);
  return tagger;
}

async function runBatch(opts: TagCliOptions, tagOptions: TagOptions): Promise<number> {
  const jobs = parseIntOption('--jobs', opts.jobs, 1);
  if (!opts.output) throw usageError('tagInputNeedsOutput', {});
  if (opts.input !== '-' && isDirectory(opts.input!)) throw WasimError.of('FILE_NOT_FOUND', 'isDirectory', { path: opts.input! });
  const input = opts.input === '-' ? process.stdin : createReadStream(opts.input!);
  const inputOpened = new Promise<void>((resolve, reject) => {
    if (opts.input === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (e: NodeJS.ErrnoException) => reject(inputFileError(opts.input!, e)));
  });
  await inputOpened;
  // Opened before the vocabulary loads: a wrong --output fails at once, in both --jobs modes.
  const { stream: output, target, close } = openOutput(opts.output);
  const { availableParallelism } = await import('node:os');
  type BatchStats = import('../../node/batch.js').BatchStats;
  const { createBatchProgress, tagJsonlParallel } = await import('../../node/parallel.js');
  const showProgress = opts.progress !== false && !!process.stderr.isTTY;
  const totalBytes = showProgress && opts.input !== '-' ? statSync(opts.input!).size : undefined;
  const readStream = input as Partial<ReturnType<typeof createReadStream>>;
  // Started on the first result, so vocabulary warnings print before the bar.
  let progress: ReturnType<typeof createBatchProgress> | undefined;
  let lastDrawn = 0;
  let latest: BatchStats | undefined;
  const onProgress = (s: BatchStats): void => {
    latest = s;
    if (!showProgress) return;
    const now = Date.now();
    if (now - lastDrawn < 100) return;
    lastDrawn = now;
    progress ??= createBatchProgress(totalBytes, () => readStream.bytesRead ?? 0);
    progress.update(s);
  };
  const workers = jobs ?? availableParallelism();
  const adaptation = opts.adaptation ? loadAdaptationFile(opts.adaptation) : undefined;
  let stats: BatchStats;
  try {
    if (workers === 1) {
      stats = await tagJsonlStream(buildTagger({ ...opts, adaptation }), input, output, { ...tagOptions, onProgress });
    } else {
      stats = await tagJsonlParallel(input, output, {
        ...tagOptions,
        jobs: workers,
        vocabulary: vocabularyChoiceFrom(opts),
        ...(adaptation ? { adaptation } : {}),
        onProgress,
        onVocabularyLoaded: ({ warnings, source }) => reportVocabularyWarnings(source, warnings),
      });
    }
  } catch (e) {
    // A write that failed surfaces as whatever the writer saw: the output's own error says why.
    if (output.errored) throw outputError(target, output.errored);
    throw e;
  } finally {
    if (latest) progress?.update(latest);
    progress?.stop();
  }
  await close();
  if (stats.failed > 0) process.stderr.write(`wasim tag: ${stats.failed} of ${stats.lines} line(s) failed (see their "error" fields)\n`);
  return stats.failed > 0 ? EXIT_PARTIAL : EXIT_OK;
}

export async function runTag(file: string | undefined, opts: TagCliOptions): Promise<number> {
  const format = parseChoice('--format', opts.format ?? 'text', ['text', 'json']);
  const tagOptions: TagOptions = tagOptionsFrom(opts);
  if (opts.input !== undefined) {
    if (file !== undefined) throw usageError('tagFileOrInput', {});
    return runBatch(opts, tagOptions);
  }
  if (opts.output !== undefined) throw usageError('goesWith', { option: '--output', other: '--input' });
  if (file === undefined && process.stdin.isTTY) throw usageError('tagNothingToRead', {});
  const raw = file === undefined || file === '-' ? readStdin() : readTextFile(file, 64 * 1024 * 1024);
  if (raw.includes('\u0000')) throw WasimError.of('NOT_TEXT', 'nulBytes', { path: file === undefined || file === '-' ? STANDARD_INPUT : file });
  const tagger = buildTagger(opts);
  const article = splitTextArticle(raw);
  const results = tagger.tag(article, tagOptions);
  process.stdout.write(format === 'json' ? JSON.stringify(toOutputLine(null, results, tagOptions.explain), null, 2) + '\n' : formatText(results, !!tagOptions.explain));
  return EXIT_OK;
}

export function registerTag(program: Command): Command {
  const command = program
    .command('tag')
    .description('tag an article (plain text: first line title, rest body) or a JSONL batch')
    .argument('[file]', 'article text file, or - for standard input');
  for (const option of vocabularyOptions()) command.addOption(option);
  return command
    .addOption(topOption())
    .addOption(minScoreOption())
    .option('--format <format>', 'text or json', 'text')
    .addOption(explainOption())
    .option('--adaptation <model.json>', "apply a newsroom's adaptation learned by `wasim learn`")
    .addOption(allMentionsOption())
    .option('--input <jsonl>', 'batch: JSONL of {"id","title","body"} (- for stdin)')
    .option('--output <jsonl>', 'batch: where to write one result per line (- for stdout)')
    .option('--jobs <n>', 'batch: worker threads (default: all cores)')
    .option('--no-progress', 'batch: no progress bar')
    .action(async (file: string | undefined, opts: TagCliOptions) => {
      try {
        process.exitCode = await runTag(file, opts);
      } catch (e) {
        process.exitCode = reportError('tag', e);
      }
    });
}

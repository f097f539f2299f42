/**
 * `wasim learn`: a newsroom's adaptation from its editors' decisions, for batch users.
 *
 *   wasim learn --decisions decisions.jsonl [--vocab …] --output model.json
 *   wasim learn --gold GOLD.jsonl --input ARTICLES.jsonl [--vocab …] --output model.json
 *
 * A decision line is {"id","title","body","accepted":[tags],"rejected":[tags],"added":[tags]}.
 * A gold file in `wasim eval`'s format reads as decisions: must and ok tags kept, tags labelled
 * no and predicted tags the gold does not list rejected. `wasim tag` and `wasim eval` then take
 * the model with --adaptation. The service learns the same way from its own decision log.
 */
import type { Command } from 'commander';
import { learnAdaptation, LEARN_DEFAULTS, parseDecisions, WasimError, type AdaptationModel, type Decision, type LearnOptions, type Tagger } from '../../core/index.js';
import { loadArticlesFile, loadGoldFile } from '../../eval/files.js';
import { alignGold } from '../../eval/gold.js';
import { decisionsFromGold } from '../../eval/learn-gold.js';
import { loadAdaptationFile, writeAdaptationFile } from '../../node/adaptation-file.js';
import { readTextFile } from '../../node/vocab-file.js';
import { EXIT_OK, parseIntOption, parseScoreOption, reportError, usageError } from '../common.js';
import { DEFAULT_CUT } from '../../core/index.js';
import { buildTagger } from './tag.js';
import { vocabularyOptions, type VocabularyCliOptions } from '../tag-options.js';

export interface LearnCliOptions extends VocabularyCliOptions {
  decisions?: string;
  gold?: string;
  input?: string;
  output?: string;
  previous?: string;
  top?: string;
  minScore?: string;
  pseudoCount?: string;
  minDecisions?: string;
}

const MAX_DECISIONS_BYTES = 1024 * 1024 * 1024;

function summary(model: AdaptationModel, out: string): string {
  const tags = Object.values(model.tags);
  const forms = tags.reduce((n, t) => n + Object.keys(t.forms).length, 0);
  const refit = model.weights ? 'weights refitted' : `weights as shipped (refitted from ${LEARN_DEFAULTS.minDecisions} decisions on)`;
  const cut = model.cut ? `cut ${model.cut.minScore}` : 'cut as shipped';
  return `wasim learn: ${model.decisions} decision(s) → ${tags.length} tag(s), ${forms} form(s); ${refit}; ${cut}; ${model.pairs.length} "also tag" pair(s) proposed → ${out}\n`;
}

export function runLearn(opts: LearnCliOptions, tagger: () => Tagger = () => buildTagger(opts)): { model: AdaptationModel; warnings: string[] } {
  const fromDecisions = opts.decisions !== undefined;
  const fromGold = opts.gold !== undefined || opts.input !== undefined;
  if (fromDecisions === fromGold) throw usageError('learnSource', {});
  if (fromGold && (!opts.gold || !opts.input)) throw usageError('goTogether', { option: '--gold', other: '--input' });
  if (!opts.output) throw usageError('learnOutput', {});
  const top = parseIntOption('--top', opts.top, 1);
  const minScore = parseScoreOption('--min-score', opts.minScore);
  const cut = { top: top ?? DEFAULT_CUT.top, minScore: minScore ?? DEFAULT_CUT.minScore };
  const options: LearnOptions & { cut: typeof cut } = { cut };
  const pseudoCount = opts.pseudoCount === undefined ? undefined : Number(opts.pseudoCount);
  if (pseudoCount !== undefined && !(Number.isFinite(pseudoCount) && pseudoCount > 0)) throw usageError('aboveZero', { option: '--pseudo-count', value: opts.pseudoCount! });
  if (pseudoCount !== undefined) options.pseudoCount = pseudoCount;
  const minDecisions = parseIntOption('--min-decisions', opts.minDecisions, 1);
  if (minDecisions !== undefined) options.minDecisions = minDecisions;
  if (opts.previous) options.previous = loadAdaptationFile(opts.previous);
  const warnings: string[] = [];
  let decisions: Decision[];
  // Input is read and checked before the vocabulary is compiled: a broken line fails fast.
  if (fromDecisions) {
    const parsed = parseDecisions(readTextFile(opts.decisions!, MAX_DECISIONS_BYTES), opts.decisions!);
    if (parsed.repeated > 0) warnings.push(`${parsed.repeated} decision id(s) given more than once: each learned once, from its last line`);
    decisions = parsed.decisions;
    return { model: learnAdaptation(tagger(), decisions, options), warnings };
  }
  const gold = loadGoldFile(opts.gold!);
  const articles = loadArticlesFile(opts.input!);
  const alignment = alignGold(gold, articles, opts.input!);
  warnings.push(...alignment.warnings);
  if (alignment.pairs.length === 0) throw WasimError.of('BAD_GOLD', 'nothingToLearn', { gold: opts.gold!, input: opts.input! });
  const t = tagger();
  const converted = decisionsFromGold(t, alignment.pairs, cut, opts.gold);
  for (const u of converted.unknown.slice(0, 5)) warnings.push(`${opts.gold}:${u.line}: tag "${u.tag}" (article "${u.id}") is not in the vocabulary; left out`);
  if (converted.unknown.length > 5) warnings.push(`${converted.unknown.length - 5} more gold tag(s) not in the vocabulary; left out`);
  return { model: learnAdaptation(t, converted.decisions, options), warnings };
}

export function registerLearn(program: Command): Command {
  const command = program
    .command('learn')
    .description("learn a newsroom's adaptation from editors' decisions (or a gold set), for tag/eval --adaptation")
    .option('--decisions <jsonl>', 'decisions, one per line: {"id","title","body","accepted":[…],"rejected":[…],"added":[…]}')
    .option('--gold <jsonl>', "a gold set in `wasim eval`'s format, read as decisions (with --input)")
    .option('--input <jsonl>', 'the articles the gold set judges: {"id","title","body"}');
  for (const option of vocabularyOptions()) command.addOption(option);
  return command
    .option('--output <file>', 'where to write the model (JSON; - for standard output)')
    .option('--previous <model.json>', 'the model this one follows: weights and cut move at most a bounded step from it')
    .option('--top <k>', 'the cut editors saw: at most k tags (default: the shipped cut)')
    .option('--min-score <s>', 'the cut editors saw: scores from s (default: the shipped cut)')
    .option('--pseudo-count <n>', `weight of the shipped model in each tag's prior, in decisions (default ${LEARN_DEFAULTS.pseudoCount})`)
    .option('--min-decisions <n>', `decisions needed before weights and cut are refitted (default ${LEARN_DEFAULTS.minDecisions})`)
    .action((opts: LearnCliOptions) => {
      try {
        const { model, warnings } = runLearn(opts);
        for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
        writeAdaptationFile(opts.output!, model);
        if (opts.output !== '-') process.stderr.write(summary(model, opts.output!));
        process.exitCode = EXIT_OK;
      } catch (e) {
        process.exitCode = reportError('learn', e);
      }
    });
}

/**
 * The tagging options that `wasim tag` and `wasim consume` share, defined once so that both
 * commands word, parse and apply them alike. Each function makes a fresh commander Option
 * (an Option belongs to the command it is added to).
 */
import { Option } from 'commander';
import type { CompiledVocabulary, TagOptions } from '../core/index.js';
import { loadVocabulary, type VocabularyChoice } from '../node/vocab-file.js';
import { parseIntOption, parseScoreOption, parseVocabFormat } from './common.js';

export interface VocabularyCliOptions {
  vocab?: string;
  vocabFormat?: string;
  withDefault?: boolean;
  hints?: boolean;
}

export interface CutCliOptions {
  top?: string;
  minScore?: string;
  explain?: boolean;
  allMentions?: boolean;
}

export const vocabOption = (): Option => new Option('--vocab <path>', 'vocabulary file (txt, csv, json, jsonl, or a compiled .wasim); default: the embedded vocabulary');
export const vocabFormatOption = (): Option => new Option('--vocab-format <format>', 'txt, csv, json or jsonl when the extension does not say');
export const withDefaultOption = (): Option => new Option('--with-default', 'merge --vocab with the embedded default vocabulary (your spellings win)');
export const noHintsOption = (): Option => new Option('--no-hints', "do not lend the default vocabulary's types and ambiguity flags to an untyped vocabulary");
export const topOption = (): Option => new Option('--top <k>', 'keep at most k tags');
export const minScoreOption = (): Option => new Option('--min-score <s>', 'drop tags scoring below s (0..1)');
export const explainOption = (): Option => new Option('--explain', 'show the evidence behind each score');
export const allMentionsOption = (): Option => new Option('--all-mentions', 'mention mode: every tag with a kept mention, no cut (for highlighting and auto-links)');

/** The four vocabulary options, in the order `wasim tag --help` lists them. */
export const vocabularyOptions = (): Option[] => [vocabOption(), vocabFormatOption(), withDefaultOption(), noHintsOption()];

export function vocabularyChoiceFrom(opts: VocabularyCliOptions): VocabularyChoice {
  return { path: opts.vocab, format: parseVocabFormat(opts.vocabFormat), hints: opts.hints !== false, withDefault: !!opts.withDefault };
}

/** Throws a USAGE error for a bad --top or --min-score. */
export function tagOptionsFrom(opts: CutCliOptions): TagOptions {
  return { top: parseIntOption('--top', opts.top, 1), minScore: parseScoreOption('--min-score', opts.minScore), explain: !!opts.explain, allMentions: !!opts.allMentions };
}

export function reportVocabularyWarnings(source: string, warnings: number): void {
  if (warnings > 0 && process.env.WASIM_QUIET !== '1') {
    process.stderr.write(`wasim: ${source}: ${warnings} vocabulary warning(s) (cleaned; see \`wasim vocab lint\`)\n`);
  }
}

/** The vocabulary the options chose, its reading's warnings told on stderr. */
export function loadCliVocabulary(opts: VocabularyCliOptions): { compiled: CompiledVocabulary; source: string } {
  const { compiled, warnings, source } = loadVocabulary(vocabularyChoiceFrom(opts));
  reportVocabularyWarnings(source, warnings.length);
  return { compiled, source };
}

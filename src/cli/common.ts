/** What every `wasim` command shares: exit codes, option parsing and one-line errors. */
import { choices, EXIT, exitCodeOf, isWasimError, WasimError, type TemplateName, type TemplateParams, type VocabFormat } from '../core/index.js';

/** Exit codes: one per error class, from the catalogue (docs/errors.md, «Exit codes»). */
export const EXIT_OK = EXIT.OK;
/** The run went to the end; some lines or items failed, each reported. */
export const EXIT_PARTIAL = EXIT.PARTIAL;
export const EXIT_USAGE = EXIT.USAGE;

/** A USAGE error from one of the catalogue's templates. */
export function usageError<N extends TemplateName<'USAGE'>>(template: N, params: TemplateParams<'USAGE', N>): WasimError {
  return WasimError.of('USAGE', template, params);
}

export function parseIntOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw usageError('wholeNumber', { option: name, min, value });
  return Number(value);
}

export function parseScoreOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw usageError('score', { option: name, value });
  return n;
}

/** A value from a closed list of choices, or a USAGE error naming them. */
export function parseChoice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw usageError('oneOf', { option, choices: choices(allowed), value });
  return value as T;
}

export function parseVocabFormat(value: string | undefined): VocabFormat | undefined {
  if (value === undefined) return undefined;
  return parseChoice<VocabFormat>('--vocab-format', value, ['txt', 'csv', 'json', 'jsonl']);
}

/** Prints one line for an error and returns the exit code of its class; never a stack trace. */
export function reportError(command: string, e: unknown): number {
  process.stderr.write(`wasim ${command}: ${errorLine(e)}\n`);
  if (!isWasimError(e) && process.env.WASIM_DEBUG) console.error(e);
  return exitCodeOf(e);
}

/** The one line an error is reported in: its message, or «internal error: …» for what is not a WasimError. */
export function errorLine(e: unknown): string {
  if (isWasimError(e)) return e.message.split('\n')[0]!;
  const message = e instanceof Error ? e.message : String(e);
  return `internal error: ${message.split('\n')[0]}`;
}

/** What every `wasim` command shares: exit codes, option parsing and one-line errors. */
import { isWasimError, WasimError, type VocabFormat } from '../core/index.js';

export const EXIT_OK = 0;
export const EXIT_INPUT_FAILED = 1;
export const EXIT_USAGE = 2;

export function usageError(message: string): WasimError {
  return new WasimError('USAGE', message);
}

export function parseIntOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw usageError(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return Number(value);
}

export function parseScoreOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw usageError(`${name} must be a number between 0 and 1, got "${value}"`);
  return n;
}

export function parseVocabFormat(value: string | undefined): VocabFormat | undefined {
  if (value === undefined) return undefined;
  if (!['txt', 'csv', 'json', 'jsonl'].includes(value)) throw usageError(`--vocab-format must be txt, csv, json or jsonl, got "${value}"`);
  return value as VocabFormat;
}

/** Prints one line for an error and returns the exit code it deserves; never a stack trace. */
export function reportError(command: string, e: unknown): number {
  if (isWasimError(e)) {
    process.stderr.write(`wasim ${command}: ${e.message.split('\n')[0]}\n`);
    return e.code === 'USAGE' ? EXIT_USAGE : EXIT_INPUT_FAILED;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`wasim ${command}: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.WASIM_DEBUG) console.error(e);
  return EXIT_INPUT_FAILED;
}

/** Reading the evaluation's input files (Node side). Errors name the file as the user typed it. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { WasimError } from '../core/errors.js';
import type { VocabEntry } from '../core/types.js';
import { parseVocabulary, type VocabFormat, VOCAB_FORMATS } from '../core/vocabulary.js';
import { parseArticles, parseGold, type ArticleRecord, type GoldSet } from './gold.js';

export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WasimError('FILE_NOT_FOUND', `${path}: file not found`, { file: path });
    if (code === 'EISDIR') throw new WasimError('FILE_NOT_FOUND', `${path}: is a directory, not a file`, { file: path });
    throw new WasimError('FILE_NOT_FOUND', `${path}: cannot read (${code ?? (e as Error).message})`, { file: path });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WasimError('NOT_TEXT', `${path}: not UTF-8 text`, { file: path });
  }
}

export async function loadGoldFile(path: string): Promise<GoldSet> {
  return parseGold(await readTextFile(path), path);
}

export async function loadArticlesFile(path: string): Promise<ArticleRecord[]> {
  return parseArticles(await readTextFile(path), path);
}

export function isVocabFormat(s: string): s is VocabFormat {
  return (VOCAB_FORMATS as readonly string[]).includes(s);
}

/** The format named by the file's extension; plain text when it names none. */
export function vocabFormatOf(path: string): VocabFormat {
  const ext = extname(path).slice(1).toLowerCase();
  return isVocabFormat(ext) ? ext : 'txt';
}

export interface LoadedVocabulary {
  source: string;
  entries: VocabEntry[];
  warnings: string[];
}

export async function loadVocabulary(path: string, format?: VocabFormat): Promise<LoadedVocabulary> {
  const parsed = parseVocabulary(await readTextFile(path), format ?? vocabFormatOf(path), path);
  if (parsed.entries.length === 0) throw new WasimError('EMPTY_VOCAB', `${path}: the vocabulary has no usable entries`, { file: path });
  return {
    source: path,
    entries: parsed.entries,
    warnings: parsed.warnings.map((w) => `${path}:${w.line}: ${w.message}`),
  };
}

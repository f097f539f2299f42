/**
 * Node-side vocabulary loading: files in any supported format, compiled vocabularies, and the
 * embedded default vocabulary (built from vocab/*.jsonl into dist/vocab/).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compileVocabulary,
  deserializeCompiled,
  foldKey,
  isCompiledBinary,
  isWasimError,
  parseVocabulary,
  WasimError,
  type CompiledVocabulary,
  type CompileOptions,
  type TagType,
  type VocabEntry,
  type VocabFormat,
  type VocabWarning,
} from '../core/index.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_VOCAB_JSONL = join(PACKAGE_ROOT, 'dist', 'vocab', 'default.jsonl');
export const VOCAB_SOURCE_DIR = join(PACKAGE_ROOT, 'vocab');

const MAX_VOCAB_BYTES = 512 * 1024 * 1024;

/**
 * A vocabulary file's format: a compiled one by its content (the binary form starts with a
 * magic, whatever the file is called) or its name (.wasim; .compiled.json from before the
 * binary form), the text formats by extension.
 */
export function formatFromPath(path: string): VocabFormat | 'compiled' {
  if (path.endsWith('.compiled.json') || path.endsWith('.wasim') || startsAsCompiled(path)) return 'compiled';
  const ext = extname(path).toLowerCase().replace('.', '');
  if (ext === 'txt' || ext === 'csv' || ext === 'json' || ext === 'jsonl') return ext;
  if (ext === 'ndjson') return 'jsonl';
  return 'txt';
}

/** Does the file start with the binary compiled form's magic? False for anything unreadable (the reader reports it). */
function startsAsCompiled(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(16);
    return isCompiledBinary(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Refuses a path that is no file or too big a one before it is read. */
function checkReadable(path: string, maxBytes: number): void {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw WasimError.of('FILE_NOT_FOUND', 'isDirectory', { path });
    size = st.size;
  } catch (e) {
    if (e instanceof WasimError) throw e;
    throw WasimError.of('FILE_NOT_FOUND', 'noSuchFile', { path });
  }
  if (size > maxBytes) throw WasimError.of('INPUT_TOO_LARGE', 'fileBytes', { path, size, limit: maxBytes });
}

/** A file that could not be opened for reading, as the catalogue says it: no such file, a directory, or the system's reason. */
export function inputFileError(path: string, e: NodeJS.ErrnoException): WasimError {
  if (e.code === 'ENOENT') return WasimError.of('FILE_NOT_FOUND', 'noSuchFile', { path });
  if (e.code === 'EISDIR') return WasimError.of('FILE_NOT_FOUND', 'isDirectory', { path });
  return WasimError.of('FILE_NOT_FOUND', 'unreadable', { path, reason: e.message });
}

export function readTextFile(path: string, maxBytes = MAX_VOCAB_BYTES): string {
  checkReadable(path, maxBytes);
  const buf = readFileSync(path);
  if (buf.includes(0)) throw WasimError.of('NOT_TEXT', 'nulBytes', { path });
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

/**
 * The bytes of a compiled vocabulary file: binary since version 4 (older ones are JSON text),
 * so not read as text, with the same checks of size and existence.
 */
export function readCompiledFile(path: string, maxBytes = MAX_VOCAB_BYTES): Uint8Array {
  checkReadable(path, maxBytes);
  return readFileSync(path);
}

/** The compiled vocabulary of a file; a damaged one is refused with its path and what is wrong in it. */
export function readCompiledVocabulary(path: string): CompiledVocabulary {
  const bytes = readCompiledFile(path);
  try {
    return deserializeCompiled(bytes);
  } catch (e) {
    if (isWasimError(e) && e.code === 'BAD_COMPILED_VOCAB') throw e.at(path);
    throw e;
  }
}

export interface LoadedVocabulary {
  entries: VocabEntry[];
  warnings: VocabWarning[];
  source: string;
}

export function readVocabularyFile(path: string, format?: VocabFormat): LoadedVocabulary {
  const fmt = format ?? formatFromPath(path);
  if (fmt === 'compiled') throw WasimError.of('BAD_VOCAB_FORMAT', 'compiledHasNoEntries', { path });
  const { entries, warnings } = parseVocabulary(readTextFile(path), fmt, path);
  return { entries, warnings, source: path };
}

/** Entries of the embedded default vocabulary (the built file, or the sources when not built). */
export function readDefaultEntries(): VocabEntry[] {
  if (existsSync(DEFAULT_VOCAB_JSONL)) return parseVocabulary(readTextFile(DEFAULT_VOCAB_JSONL), 'jsonl', DEFAULT_VOCAB_JSONL).entries;
  if (!existsSync(VOCAB_SOURCE_DIR)) return [];
  const entries: VocabEntry[] = [];
  for (const name of readdirSync(VOCAB_SOURCE_DIR).filter((n) => n.endsWith('.jsonl')).sort()) {
    const path = join(VOCAB_SOURCE_DIR, name);
    entries.push(...parseVocabulary(readTextFile(path), 'jsonl', path).entries);
  }
  return entries;
}

let hintsCache: CompileOptions | undefined;
/**
 * What the default vocabulary knows about labels — their types and whether they are also
 * common words — lent to untyped publisher vocabularies (a plain tag list says nothing of
 * whether مطروح is a place or قنا an agency).
 */
export function defaultHints(): CompileOptions {
  if (hintsCache) return hintsCache;
  const typeHints = new Map<string, TagType>();
  const ambiguousHints = new Set<string>();
  const entityHints = new Map<string, string>();
  const nisbaHints = new Map<string, string[]>();
  const aliasHints = new Map<string, string[]>();
  const conflicted = new Set<string>();
  for (const e of readDefaultEntries()) {
    if (e.nisba?.length) nisbaHints.set(e.id ?? foldKey(e.label), e.nisba);
    aliasHints.set(e.id ?? foldKey(e.label), [e.label, ...(e.aliases ?? [])]);
    for (const form of [e.label, ...(e.aliases ?? [])]) {
      const key = foldKey(form);
      if (e.type && !typeHints.has(key)) typeHints.set(key, e.type);
      if (e.ambiguous) ambiguousHints.add(key);
    }
    for (const form of [e.label, ...(e.aliases ?? []), ...(e.nisba ?? [])]) {
      const key = foldKey(form);
      const id = e.id ?? foldKey(e.label);
      // A form two entries claim (عمان: Oman and Amman) says nothing about which one is meant.
      if (entityHints.has(key) && entityHints.get(key) !== id) conflicted.add(key);
      else entityHints.set(key, id);
    }
  }
  for (const key of conflicted) entityHints.delete(key);
  hintsCache = { typeHints, ambiguousHints, entityHints, nisbaHints, aliasHints };
  return hintsCache;
}

let defaultCache: CompiledVocabulary | undefined;
export function loadDefaultVocabulary(): CompiledVocabulary {
  if (defaultCache) return defaultCache;
  // Compiling the few thousand default entries takes tens of milliseconds: no cache file needed.
  const entries = readDefaultEntries();
  if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'defaultMissing', {});
  defaultCache = compileVocabulary(entries);
  return defaultCache;
}

export interface VocabularyChoice {
  path?: string;
  format?: VocabFormat;
  /** Merge the file with the embedded default vocabulary (the file's spellings win). */
  withDefault?: boolean;
  /** Use the default vocabulary's knowledge of types and ambiguity (default true). */
  hints?: boolean;
}

/** The compiled vocabulary a command or service asked for: a file, a compiled file, or the default. */
export function loadVocabulary(choice: VocabularyChoice = {}): { compiled: CompiledVocabulary; warnings: VocabWarning[]; source: string } {
  if (!choice.path) return { compiled: loadDefaultVocabulary(), warnings: [], source: 'default' };
  const fmt = choice.format ?? formatFromPath(choice.path);
  if (fmt === 'compiled') return { compiled: readCompiledVocabulary(choice.path), warnings: [], source: choice.path };
  const { entries, warnings } = readVocabularyFile(choice.path, fmt);
  if (entries.length === 0) throw WasimError.of('EMPTY_VOCAB', 'noEntries', { path: choice.path });
  const all = choice.withDefault ? [...entries, ...readDefaultEntries()] : entries;
  return { compiled: compileVocabulary(all, choice.hints === false ? {} : defaultHints()), warnings, source: choice.withDefault ? `${choice.path} + default` : choice.path };
}

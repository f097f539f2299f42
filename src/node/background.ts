/**
 * Loads the committed background statistics (data/background/, built by
 * src/tools/build-background.ts) into a BackgroundModel, once per directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createBackgroundModelFromTsv, emptyBackgroundModel, type BackgroundModel } from '../core/background.js';
import { isWasimError, WasimError, type Localized } from '../core/errors.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BACKGROUND_DIR = join(PACKAGE_ROOT, 'data', 'background');

export const BACKGROUND_FILES = { unigrams: 'unigrams.tsv.gz', bigrams: 'bigrams.tsv.gz', meta: 'meta.json' } as const;

export interface LoadBackgroundOptions {
  /** Directory holding the three files; data/background/ of the package by default. */
  dir?: string;
  /** Told once when the files are missing and the empty model is returned; process.emitWarning by default. */
  warn?: (message: string) => void;
}

const cache = new Map<string, BackgroundModel>();

/**
 * The background model from `dir` (cached per directory). Missing files give the empty model
 * (documents 0) and a warning, so tagging still works, only without background evidence;
 * a damaged file is an error.
 */
export function loadBackground(options: LoadBackgroundOptions = {}): BackgroundModel {
  const dir = options.dir ?? BACKGROUND_DIR;
  const cached = cache.get(dir);
  if (cached !== undefined) return cached;
  const model = readBackground(dir, options.warn ?? defaultWarn);
  cache.set(dir, model);
  return model;
}

function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'WASIM_NO_BACKGROUND' });
}

function readBackground(dir: string, warn: (message: string) => void): BackgroundModel {
  const read = (name: string): Buffer | undefined => {
    try {
      return readFileSync(join(dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw WasimError.of('INTERNAL', 'backgroundUnreadable', { path: join(dir, name), reason: (e as Error).message });
    }
  };
  const metaBuf = read(BACKGROUND_FILES.meta);
  const uniBuf = read(BACKGROUND_FILES.unigrams);
  const biBuf = read(BACKGROUND_FILES.bigrams);
  if (metaBuf === undefined || uniBuf === undefined || biBuf === undefined) {
    const missing = Object.values(BACKGROUND_FILES).filter((_, i) => [metaBuf, uniBuf, biBuf][i] === undefined);
    warn(`background statistics missing in ${dir} (${missing.join(', ')}): ranking without word statistics; run npm run build:background`);
    return emptyBackgroundModel();
  }
  const damaged = (name: string, why: string | Localized): WasimError =>
    WasimError.of('INTERNAL', 'backgroundDamaged', { path: join(dir, name), reason: why });

  let documents: unknown;
  try {
    documents = (JSON.parse(metaBuf.toString('utf8')) as { documents?: unknown }).documents;
  } catch (e) {
    throw damaged(BACKGROUND_FILES.meta, (e as Error).message);
  }
  if (typeof documents !== 'number' || !Number.isInteger(documents) || documents < 0) {
    throw damaged(BACKGROUND_FILES.meta, '"documents" is not a non-negative integer');
  }
  const gunzip = (name: string, buf: Buffer): Uint8Array => {
    try {
      return gunzipSync(buf);
    } catch (e) {
      throw damaged(name, (e as Error).message);
    }
  };
  const unigrams = gunzip(BACKGROUND_FILES.unigrams, uniBuf);
  const bigrams = gunzip(BACKGROUND_FILES.bigrams, biBuf);
  try {
    return createBackgroundModelFromTsv({ documents, unigrams, bigrams });
  } catch (e) {
    if (!isWasimError(e)) throw e;
    throw damaged(e.details?.table === 'bigrams' ? BACKGROUND_FILES.bigrams : BACKGROUND_FILES.unigrams, e.text);
  }
}

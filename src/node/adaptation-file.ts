/** Reading and writing an adaptation model file (`--adaptation model.json`, `wasim learn --output`). */
import { writeFileSync } from 'node:fs';
import { parseAdaptation, serializeAdaptation, WasimError, type AdaptationModel } from '../core/index.js';
import { readTextFile } from './vocab-file.js';

const MAX_MODEL_BYTES = 256 * 1024 * 1024;

export function loadAdaptationFile(path: string): AdaptationModel {
  return parseAdaptation(readTextFile(path, MAX_MODEL_BYTES), path);
}

/** Writes the model (or to standard output for "-"). */
export function writeAdaptationFile(path: string, model: AdaptationModel): void {
  const text = serializeAdaptation(model);
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new WasimError(err.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'INTERNAL', `${path}: cannot write the model (${err.code === 'ENOENT' ? 'no such directory' : err.message})`);
  }
}

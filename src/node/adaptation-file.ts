/** Reading and writing an adaptation model file (`--adaptation model.json`, `wasim learn --output`). */
import { writeFileSync } from 'node:fs';
import { parseAdaptation, serializeAdaptation, WasimError, type AdaptationModel } from '../core/index.js';
import { outputError } from './output-file.js';
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
    // The model is the command's output: a missing directory or a full disk is OUTPUT_FAILED, as for any output.
    throw outputError(path, e);
  }
}

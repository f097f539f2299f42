/** Reading the evaluation's gold and article files (Node side). Errors name the file as the user typed it. */
import { readTextFile } from '../node/vocab-file.js';
import { parseArticles, parseGold, type ArticleRecord, type GoldSet } from './gold.js';

// Gold sets and article samples are small; a file this large is a mistake (a corpus dump?).
const MAX_EVAL_FILE_BYTES = 256 * 1024 * 1024;

export function loadGoldFile(path: string): GoldSet {
  return parseGold(readTextFile(path, MAX_EVAL_FILE_BYTES), path);
}

export function loadArticlesFile(path: string): ArticleRecord[] {
  return parseArticles(readTextFile(path, MAX_EVAL_FILE_BYTES), path);
}

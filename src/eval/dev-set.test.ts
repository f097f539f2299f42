/**
 * The reference taggers on the shared dev set must reproduce the numbers quoted in
 * shared/data/README.md; if they drift, the scorer or the fold no longer follows the README.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate } from './evaluate.js';
import { readVocabularyFile } from '../node/vocab-file.js';
import { loadArticlesFile, loadGoldFile } from './files.js';

// dist/eval/ → repository root → ../shared/data/dev/
const REPO_ROOT = new URL('../../', import.meta.url);
const DEV = new URL('../shared/data/dev/', REPO_ROOT);
const files = {
  gold: fileURLToPath(new URL('gold.jsonl', DEV)),
  articles: fileURLToPath(new URL('articles.jsonl', DEV)),
  vocab: fileURLToPath(new URL('vocab.txt', DEV)),
};
const present = Object.values(files).every((f) => existsSync(f));

const README = {
  substring: { precision: 0.257, mustRecall: 0.8, f1: 0.39 },
  wholeword: { precision: 0.508, mustRecall: 0.686, f1: 0.584 },
} as const;

test('reference taggers reproduce the README numbers on the dev set (±0.01)', async (t) => {
  if (!present) {
    t.skip('shared dev set (../shared/data/dev) absent');
    return;
  }
  const gold = loadGoldFile(files.gold);
  const articles = loadArticlesFile(files.articles);
  const vocabulary = readVocabularyFile(files.vocab);
  const report = evaluate({ gold, articles, entries: vocabulary.entries, taggers: ['substring', 'wholeword'] });
  assert.equal(report.scored, 13);
  assert.deepEqual(report.warnings, []);
  for (const row of report.rows) {
    const want = README[row.label as keyof typeof README];
    for (const metric of ['precision', 'mustRecall', 'f1'] as const) {
      const got = row.metrics[metric];
      assert.ok(Math.abs(got - want[metric]) <= 0.01, `${row.label} ${metric}: ${got.toFixed(3)} vs README ${want[metric]}`);
    }
  }
});

/**
 * Golden files for CLI output (src/cli/golden). A missing golden is a failure, never written on
 * the fly: a test that writes what it expects cannot fail. After an intended change of output,
 * regenerate deliberately with UPDATE_GOLDEN=1 and review the diff before committing it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Read in place from the sources (the build does not copy them), so that UPDATE_GOLDEN=1 rewrites the committed files. */
export const GOLDEN_DIR = join(ROOT, 'src', 'cli', 'golden');

const HOW = 'UPDATE_GOLDEN=1 npm test (or UPDATE_GOLDEN=1 node --test dist/cli/) writes it; review the diff, then commit';

/** Asserts that `actual` is the golden file `name` in `dir`; with UPDATE_GOLDEN=1 writes it instead. */
export function checkGolden(dir: string, name: string, actual: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = join(dir, name);
  const shown = relative(ROOT, path) || path;
  if (env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden ${shown} is missing: ${HOW}`);
  assert.equal(actual, readFileSync(path, 'utf8'), `golden ${shown} differs from the output: if the change is intended, ${HOW}`);
}

export function golden(name: string, actual: string): void {
  checkGolden(GOLDEN_DIR, name, actual);
}

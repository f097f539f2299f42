/** The golden-file check fails on a missing or different golden, and writes one only when asked. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkGolden, GOLDEN_DIR } from './testing/golden.js';

const OUTPUT = 'مصر\t0.91\tمصر (title)\n';

test('a missing golden fails, says how to regenerate it, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-golden-'));
  try {
    assert.throws(() => checkGolden(dir, 'new.txt', OUTPUT, {}), (e: Error) => e.name === 'AssertionError' && /new\.txt is missing: UPDATE_GOLDEN=1/.test(e.message));
    assert.deepEqual(readdirSync(dir), [], 'the test did not write its own expectation');
    // Any other value of the variable is not the deliberate request.
    assert.throws(() => checkGolden(dir, 'new.txt', OUTPUT, { UPDATE_GOLDEN: 'true' }), /is missing/);
    assert.equal(existsSync(join(dir, 'new.txt')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a golden that differs fails; an equal one passes; UPDATE_GOLDEN=1 rewrites it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-golden-'));
  try {
    writeFileSync(join(dir, 'out.txt'), OUTPUT);
    checkGolden(dir, 'out.txt', OUTPUT, {});
    assert.throws(() => checkGolden(dir, 'out.txt', OUTPUT.replace('0.91', '0.90'), {}), /out\.txt differs/);
    checkGolden(dir, 'out.txt', OUTPUT.replace('0.91', '0.90'), { UPDATE_GOLDEN: '1' });
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), OUTPUT.replace('0.91', '0.90'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the goldens are read from the sources, where they are committed', () => {
  assert.match(GOLDEN_DIR, /src[\\/]cli[\\/]golden$/);
  for (const name of ['gaza-talks.newsroom.txt', 'gaza-talks.newsroom.json', 'archive.discover.jsonl', 'newsroom.model.json', 'gaza-talks.adapted.txt']) {
    assert.ok(existsSync(join(GOLDEN_DIR, name)), `${name} is committed`);
  }
});

/**
 * `wasim discover` end to end: the JSON contract on the example archive (a golden file), the
 * default vocabulary's coverage excluded, exit codes and bad input. UPDATE_GOLDEN=1 rewrites the golden.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { golden } from './testing/golden.js';
import { EXIT } from '../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wasim.js');
const ARCHIVE = join(ROOT, 'examples', 'archive.jsonl');
const VOCAB = join(ROOT, 'examples', 'newsroom-tags.csv');
const tmp = mkdtempSync(join(tmpdir(), 'wasim-discover-cli-'));

function wasim(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WASIM_DEBUG: '', WASIM_QUIET: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


const CONTRACT = ['label', 'type', 'score', 'mentions', 'articles', 'variants', 'examples'];

test('golden: one JSON object a line, best first, in the contract\'s fields; examples are slices of the input', () => {
  const r = wasim(['discover', '--input', ARCHIVE, '--vocab', VOCAB, '--min-articles', '2', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  golden('archive.discover.jsonl', r.stdout);
  const articles = new Map(readFileSync(ARCHIVE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; title: string; body: string }).map((a) => [a.id, a]));
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.ok(lines.length >= 4);
  const labels = lines.map((s) => s.label);
  for (const name of ['فيليب هاموند', 'سليم الجبوري', 'العوامية', 'توشيبا']) assert.ok(labels.includes(name), `${name} in ${labels.join('، ')}`);
  for (const s of lines) {
    assert.deepEqual(Object.keys(s).slice(0, CONTRACT.length - (s.type === undefined ? 1 : 0)), CONTRACT.filter((k) => k !== 'type' || s.type !== undefined));
    assert.ok(typeof s.score === 'number' && s.score >= 0 && s.score <= 1);
    assert.ok(s.articles >= 2 && s.mentions >= s.articles);
    assert.ok(Array.isArray(s.variants));
    assert.ok(s.examples.length >= 1 && s.examples.length <= 3);
    for (const e of s.examples) {
      assert.deepEqual(Object.keys(e), ['id', 'field', 'start', 'end', 'text']);
      assert.equal((articles.get(e.id) as any)[e.field].slice(e.start, e.end), e.text);
    }
  }
  const scores = lines.map((s) => s.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  assert.equal(lines.find((s) => s.label === 'العوامية')?.parent, 'القطيف');
});

test('without --vocab the default vocabulary is excluded: a name it has is not proposed', () => {
  const r = wasim(['discover', '--input', ARCHIVE, '--min-articles', '2', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const labels = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { label: string }).label);
  assert.ok(labels.includes('فيليب هاموند'));
  assert.ok(!labels.some((l) => l.includes('الجبير')), labels.join('، '));
  assert.ok(!labels.some((l) => l.includes('الجديد')), labels.join('، '));
});

test('text output: one line a suggestion; --top and --min-articles cut', () => {
  const r = wasim(['discover', '--input', ARCHIVE, '--vocab', VOCAB, '--top', '2']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^\d\.\d{3}\tفيليب هاموند \[person\]\t3 articles, 9 mentions/);
  const none = wasim(['discover', '--input', ARCHIVE, '--min-articles', '50']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '(no suggestions)\n');
});

test('usage errors exit 2, a missing file 3, bad lines 1 with the rest still mined; never a stack trace', () => {
  for (const args of [['discover'], ['discover', '--input', ARCHIVE, '--format', 'xml'], ['discover', '--input', ARCHIVE, '--top', '0'], ['discover', '--input', ARCHIVE, '--min-articles', 'x'], ['discover', '--input', '-']]) {
    const r = wasim(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  const missing = wasim(['discover', '--input', join(tmp, 'nope.jsonl')]);
  assert.equal(missing.code, EXIT.INPUT);
  assert.match(missing.stderr, /no such file/);
  const dirty = join(tmp, 'dirty.jsonl');
  writeFileSync(dirty, readFileSync(ARCHIVE, 'utf8') + '{broken\n\u0000\u0001binary\n[1,2]\n');
  const r = wasim(['discover', '--input', dirty, '--vocab', VOCAB, '--format', 'json']);
  assert.equal(r.code, EXIT.PARTIAL, 'the archive was mined without its bad lines');
  assert.match(r.stderr, /3 of 15 line\(s\) skipped/);
  assert.ok(r.stdout.includes('فيليب هاموند'));
});

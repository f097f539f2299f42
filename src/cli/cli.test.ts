/**
 * End-to-end tests of the `wasim` command: golden outputs for the shipped examples, the
 * JSONL contract, exit codes, and bad input of every kind. Set UPDATE_GOLDEN=1 to rewrite
 * the golden files after an intended change of output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RICH, V3 } from '../core/testing/legacy-vocabularies.js';
import { golden } from './testing/golden.js';
import { deserializeCompiled, EXIT, isWasimError, type WasimError } from '../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wasim.js');
const tmp = mkdtempSync(join(tmpdir(), 'wasim-cli-'));

function wasim(args: string[], input?: string | Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: { ...process.env, WASIM_DEBUG: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


function noStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
  assert.ok(stderr.trim().split('\n').length <= 2, `at most a line or two on stderr, got:\n${stderr}`);
}

const VOCAB = join(ROOT, 'examples', 'newsroom-tags.csv');
// Goldens do not borrow from the default vocabulary, so that growing it does not move them.
const NO_HINTS = '--no-hints';
const ARTICLE = join(ROOT, 'examples', 'gaza-talks.txt');

test('golden: text output for the example article with the example vocabulary', () => {
  const r = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS]);
  assert.equal(r.code, 0, r.stderr);
  golden('gaza-talks.newsroom.txt', r.stdout);
});

test('golden: JSON output; every mention text is the slice of its field', () => {
  const r = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  golden('gaza-talks.newsroom.json', r.stdout);
  const out = JSON.parse(r.stdout) as { tags: { tag: string; score: number; mentions: { field: 'title' | 'body'; start: number; end: number; text: string }[] }[] };
  const [title, ...rest] = readFileSync(ARTICLE, 'utf8').split('\n');
  const fields = { title: title!.trim(), body: rest.join('\n').trim() };
  assert.ok(out.tags.length > 0);
  for (const t of out.tags) {
    assert.deepEqual(Object.keys(t).filter((k) => k !== 'type'), ['tag', 'score', 'mentions', 'id']);
    assert.ok(t.score >= 0 && t.score <= 1);
    for (const m of t.mentions) assert.equal(fields[m.field].slice(m.start, m.end), m.text);
  }
  const scores = out.tags.map((t) => t.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'tags by descending score');
  const tags = out.tags.map((t) => t.tag);
  for (const expected of ['غزة', 'حماس', 'مصر', 'قطر', 'إسرائيل']) assert.ok(tags.includes(expected), `${expected} in ${tags.join('، ')}`);
  assert.ok(!tags.includes('النظر'), 'the idiom وجهات النظر is not a subject');
});

test('golden: JSONL batch keeps input order, reports bad lines and goes on (exit 1)', () => {
  const out = join(tmp, 'out.jsonl');
  const r = wasim(['tag', '--input', join(ROOT, 'examples', 'articles.jsonl'), '--output', out, '--vocab', VOCAB, NO_HINTS, '--jobs', '1']);
  assert.equal(r.code, EXIT.PARTIAL, 'some lines failed');
  noStackTrace(r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string | null; error?: { code: string } });
  assert.deepEqual(lines.map((l) => l.id), ['ex-1', 'ex-2', 'ex-3', null, 'ex-5']);
  assert.equal(lines[2]!.error?.code, 'EMPTY_INPUT');
  assert.equal(lines[3]!.error?.code, 'BAD_JSON');
  golden('articles.newsroom.jsonl', readFileSync(out, 'utf8'));
});

test('stdin and stdout work for single articles and batches', () => {
  const single = wasim(['tag', '-', '--vocab', VOCAB, '--format', 'json'], 'غزة تحت القصف\nقصفت إسرائيل مواقع في قطاع غزة.');
  assert.equal(single.code, 0, single.stderr);
  assert.ok((JSON.parse(single.stdout) as { tags: { tag: string }[] }).tags.some((t) => t.tag === 'غزة'));
  const batch = wasim(['tag', '--input', '-', '--output', '-', '--vocab', VOCAB], '{"id":"a","title":"الدوحة","body":"وصل الوفد إلى الدوحة."}\n');
  assert.equal(batch.code, 0, batch.stderr);
  assert.equal((JSON.parse(batch.stdout) as { id: string }).id, 'a');
});

test('empty input is a clear error', () => {
  const empty = join(tmp, 'empty.txt');
  writeFileSync(empty, '\n  \n');
  const r = wasim(['tag', empty, '--vocab', VOCAB]);
  assert.equal(r.code, EXIT.INPUT);
  assert.match(r.stderr, /no text/);
  noStackTrace(r.stderr);
});

test('a 10 MB body is refused with a clear error, and the rest of a batch still runs', () => {
  const big = 'مصر '.repeat(2_600_000);
  const file = join(tmp, 'big.txt');
  writeFileSync(file, 'عنوان\n' + big);
  const r = wasim(['tag', file, '--vocab', VOCAB]);
  assert.equal(r.code, EXIT.INPUT);
  assert.match(r.stderr, /limit/);
  noStackTrace(r.stderr);
  const jsonl = join(tmp, 'big.jsonl');
  writeFileSync(jsonl, JSON.stringify({ id: 'big', title: 'عنوان', body: big }) + '\n' + JSON.stringify({ id: 'small', title: 'قطر', body: 'الدوحة عاصمة قطر' }) + '\n');
  const out = join(tmp, 'big-out.jsonl');
  const b = wasim(['tag', '--input', jsonl, '--output', out, '--vocab', VOCAB, '--jobs', '1']);
  assert.equal(b.code, EXIT.PARTIAL, 'the batch ran to the end');
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; error?: { code: string }; tags?: unknown[] });
  assert.equal(lines[0]!.error?.code, 'INPUT_TOO_LARGE');
  assert.ok(lines[1]!.tags && lines[1]!.tags.length > 0);
});

test('binary junk is refused as not text', () => {
  const junk = join(tmp, 'junk.bin');
  writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const r = wasim(['tag', junk, '--vocab', VOCAB]);
  assert.equal(r.code, EXIT.INPUT);
  assert.match(r.stderr, /not a text file|not text/);
  noStackTrace(r.stderr);
  const line = wasim(['tag', '--input', '-', '--output', '-', '--vocab', VOCAB], JSON.stringify({ id: 'j', title: '\u0000\u0001\u0002\u0003', body: '\ufffd\ufffd\u0000\u0007' }) + '\n');
  assert.equal(line.code, EXIT.PARTIAL);
  assert.equal((JSON.parse(line.stdout) as { error: { code: string } }).error.code, 'NOT_TEXT');
});

test('malformed JSONL lines: broken JSON, wrong types, arrays — each an error line', () => {
  const input = ['{"id":1,"title":"مصر","body":"القاهرة"}', '{"id":2,"title":', '[1,2]', '{"id":4,"title":5,"body":"x"}', '{"id":5,"title":"قطر","body":"الدوحة"}'].join('\n') + '\n';
  const r = wasim(['tag', '--input', '-', '--output', '-', '--vocab', VOCAB], input);
  assert.equal(r.code, EXIT.PARTIAL);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; error?: { code: string; message: string } });
  assert.equal(lines.length, 5);
  assert.deepEqual(lines.map((l) => l.error?.code ?? 'ok'), ['ok', 'BAD_JSON', 'BAD_ARTICLE', 'BAD_ARTICLE', 'ok']);
  assert.match(lines[1]!.error!.message, /line 2/);
});

test('a vocabulary with a broken line is an error naming file and line', () => {
  const vocab = join(tmp, 'broken.csv');
  writeFileSync(vocab, 'label,type\nمصر,place\n"قطر,place\n');
  const r = wasim(['tag', ARTICLE, '--vocab', vocab]);
  assert.equal(r.code, EXIT.VOCABULARY);
  assert.match(r.stderr, /broken\.csv:3/);
  noStackTrace(r.stderr);
  const txt = join(tmp, 'broken.txt');
  writeFileSync(txt, 'مصر\nقطر\x00\x01\n');
  const t = wasim(['tag', ARTICLE, '--vocab', txt]);
  // A file of binary junk is NOT_TEXT, whatever it was meant to be: the input class.
  assert.equal(t.code, EXIT.INPUT);
  noStackTrace(t.stderr);
  const jl = join(tmp, 'broken.jsonl');
  writeFileSync(jl, '{"label":"مصر","type":"place"}\n{"label":"قطر","type":"planet"}\n');
  const j = wasim(['tag', ARTICLE, '--vocab', jl]);
  assert.equal(j.code, EXIT.VOCABULARY);
  assert.match(j.stderr, /broken\.jsonl:2: unknown type "planet"/);
});

test('usage errors exit 2 with one line', () => {
  for (const args of [['tag', '--top', 'many', ARTICLE], ['tag', '--min-score', '2', ARTICLE], ['tag', ARTICLE, '--format', 'xml'], ['tag', '--input', 'x.jsonl'], ['nonsense']]) {
    const r = wasim(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    noStackTrace(r.stderr);
  }
  const missing = wasim(['tag', join(tmp, 'nope.txt')]);
  assert.equal(missing.code, EXIT.INPUT);
  assert.match(missing.stderr, /no such file/);
});

test('vocab lint reports every broken line and missing parents; stats count types', () => {
  const vocab = join(tmp, 'lint.csv');
  writeFileSync(vocab, 'label,type,id,parent\nمصر,place,eg,\nالقاهرة,place,cairo,eg\nالجيزة,place,giza,nowhere\n,place,x,\nمصر,place,eg,\nقطر,planet,qa,\n');
  const r = wasim(['vocab', 'lint', vocab]);
  assert.equal(r.code, EXIT.PARTIAL, 'lint ran to the end and reported the broken lines');
  assert.match(r.stdout, /lint\.csv:4: error: parent "nowhere"/);
  assert.match(r.stdout, /lint\.csv:5: error: .*empty label/);
  assert.match(r.stdout, /lint\.csv:6: error: duplicate id "eg"/);
  assert.match(r.stdout, /lint\.csv:7: error: .*unknown type "planet"/);
  const s = wasim(['vocab', 'stats', VOCAB, '--format', 'json']);
  assert.equal(s.code, 0, s.stderr);
  const stats = JSON.parse(s.stdout) as { entries: number; byType: Record<string, number>; ambiguous: number };
  assert.equal(stats.entries, 16);
  assert.equal(stats.byType.place, 8);
  assert.equal(stats.ambiguous, 1);
});

test('--with-default merges a publisher list with the default vocabulary; the publisher spelling is reported', () => {
  const mine = join(tmp, 'mine.txt');
  writeFileSync(mine, 'القاهره\nمفاوضات السلام\n');
  const r = wasim(['tag', ARTICLE, '--vocab', mine, '--with-default', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const tags = (JSON.parse(r.stdout) as { tags: { tag: string; type?: string }[] }).tags;
  const cairo = tags.find((t) => t.tag === 'القاهره');
  assert.ok(cairo, tags.map((t) => t.tag).join('، '));
  assert.equal(cairo.type, 'place', 'the default entry lends its type');
  assert.ok(!tags.some((t) => t.tag === 'القاهرة'), 'no twin in the default spelling');
  assert.ok(tags.some((t) => t.tag === 'قطر'), 'default entries are there too');
});

/** The catalogue error the core gives for these bytes (both languages), to compare with what the CLI says. */
function coreRefusal(bytes: Uint8Array): WasimError {
  try {
    deserializeCompiled(bytes);
  } catch (e) {
    assert.ok(isWasimError(e) && e.code === 'BAD_COMPILED_VOCAB' && e.template !== undefined, String(e));
    assert.match(e.messageAr, /[\u0621-\u064A]{3}/, 'an Arabic message');
    return e;
  }
  assert.fail('the damaged bytes load');
}

test('a compiled vocabulary tags as its source does; a damaged one is refused with BAD_COMPILED_VOCAB and no stack trace', () => {
  const compiled = join(tmp, 'newsroom.wasim');
  const c = wasim(['vocab', 'compile', VOCAB, '-o', compiled, NO_HINTS]);
  assert.equal(c.code, 0, c.stderr);
  const fromSource = wasim(['tag', ARTICLE, '--vocab', VOCAB, NO_HINTS, '--format', 'json']);
  const fromCompiled = wasim(['tag', ARTICLE, '--vocab', compiled, '--format', 'json']);
  assert.equal(fromCompiled.code, 0, fromCompiled.stderr);
  assert.equal(fromCompiled.stdout, fromSource.stdout);
  const bytes = readFileSync(compiled);
  // Told by its content, whatever it is called.
  const renamed = join(tmp, 'newsroom-vocabulary.bin');
  writeFileSync(renamed, bytes);
  const fromRenamed = wasim(['tag', ARTICLE, '--vocab', renamed, '--format', 'json']);
  assert.equal(fromRenamed.code, 0, fromRenamed.stderr);
  assert.equal(fromRenamed.stdout, fromSource.stdout);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length >> 1]! ^= 0x20;
  for (const [name, damaged, template, says] of [
    ['cut', bytes.subarray(0, bytes.length >> 1), 'checksum', 'the checksum does not match'],
    ['a byte changed', flipped, 'checksum', 'the checksum does not match'],
    ['short', Buffer.from('WASIM-CV'), 'tooShort', '8 bytes: too short for a compiled vocabulary'],
    ['not a vocabulary', Buffer.from('مصر\nغزة\n'), 'unknownForm', 'neither a compiled vocabulary'],
  ] as const) {
    const path = join(tmp, `damaged-${name.replace(/ /g, '-')}.wasim`);
    writeFileSync(path, damaged);
    const r = wasim(['tag', ARTICLE, '--vocab', path]);
    assert.equal(r.code, EXIT.VOCABULARY, name);
    // The catalogue's message, said of the file: what is wrong in it, not a generic «damaged».
    const refusal = coreRefusal(damaged);
    assert.equal(refusal.template, template, name);
    assert.equal(r.stderr, `wasim tag: ${path}: ${refusal.message}\n`, name);
    assert.ok(r.stderr.includes(says), `${name}: ${r.stderr}`);
    noStackTrace(r.stderr);
  }
});

test('vocab upgrade rewrites a compiled vocabulary of an older version as a fresh compile writes it; a source vocabulary is refused', () => {
  const old = join(tmp, 'rich.compiled.json');
  writeFileSync(old, V3);
  const source = join(tmp, 'rich.jsonl');
  writeFileSync(source, RICH.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const upgraded = join(tmp, 'rich-upgraded.wasim');
  const u = wasim(['vocab', 'upgrade', old, upgraded]);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stderr, /upgraded 6 tags, 9 forms/);
  const fresh = join(tmp, 'rich-fresh.wasim');
  assert.equal(wasim(['vocab', 'compile', source, '-o', fresh, NO_HINTS]).code, 0);
  assert.deepEqual(readFileSync(upgraded), readFileSync(fresh));
  const article = 'وصل وفد حماس إلى القاهرة، وقال مسؤول مصري إن المفاوضات بشأن قطاع غزة مستمرة';
  const fromOld = wasim(['tag', '-', '--vocab', old, '--format', 'json'], article);
  assert.equal(fromOld.code, 0, fromOld.stderr);
  assert.match(fromOld.stdout, /حماس/);
  assert.equal(wasim(['tag', '-', '--vocab', upgraded, '--format', 'json'], article).stdout, fromOld.stdout);
  const refused = wasim(['vocab', 'upgrade', VOCAB, join(tmp, 'never.wasim')]);
  assert.equal(refused.code, EXIT.VOCABULARY, refused.stderr);
  // The catalogue's notCompiled, with the reason the core gave.
  const reason = coreRefusal(readFileSync(VOCAB)).message;
  assert.equal(refused.stderr, `wasim vocab upgrade: ${VOCAB} is no compiled vocabulary wasim can read: ${reason} (compile a source vocabulary with \`wasim vocab compile\`)\n`);
  noStackTrace(refused.stderr);
  assert.equal(existsSync(join(tmp, 'never.wasim')), false);
});

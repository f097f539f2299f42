/**
 * Every command that writes output, when the output cannot be written: a directory that does
 * not exist, a directory as the file, a full disk (/dev/full), a closed pipe. One line on
 * stderr and exit 1 — or, for a closed pipe, nothing and exit 0 — never a stack trace. And
 * numeric ids JSON.parse would round come out with the digits they went in with.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'wasim.js');
const tmp = mkdtempSync(join(tmpdir(), 'wasim-output-'));
const VOCAB = join(ROOT, 'examples', 'newsroom-tags.csv');
const ARTICLE = join(ROOT, 'examples', 'gaza-talks.txt');
const FEED = join(ROOT, 'src', 'ingest', 'fixtures', 'feed.json');
const ENV = { ...process.env, WASIM_DEBUG: '', WASIM_QUIET: '1' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function wasim(args: string[], stdout: 'pipe' | number = 'pipe', input?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', stdio: ['pipe', stdout, 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: ENV });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr };
}

/** Exactly one line, naming the command and the reason, no stack trace, and the output class's exit code. */
function oneLine(r: Run, command: string, reason: RegExp): void {
  assert.equal(r.code, EXIT.OUTPUT, `exit ${EXIT.OUTPUT}, got ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+|internal error/, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^wasim ${command}: cannot write `));
  assert.match(r.stderr, reason);
}

const articles = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `a${i}`, title: 'مباحثات في القاهرة', body: 'بحث وزير الخارجية في مصر مع نظيره ملف المياه في القاهرة. '.repeat(20) })).join('\n') + '\n';
const INPUT = join(tmp, 'articles.jsonl');
// A directory that cannot exist: inside this test's own fresh temporary directory.
const MISSING = join(tmp, 'missing-dir');
writeFileSync(INPUT, articles);

/** Standard output on a file descriptor of this path, for the length of one run. */
function withStdoutOn<T>(path: string, fn: (fd: number) => T): T {
  const fd = openSync(path, 'w');
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

const hasDevFull = existsSync('/dev/full');

for (const jobs of ['1', '2']) {
  test(`tag --jobs ${jobs}: --output in a missing directory, a directory, a full disk — one line, exit 5 (output)`, () => {
    oneLine(wasim(['tag', '--vocab', VOCAB, '--input', INPUT, '--output', join(MISSING, 'o.jsonl'), '--jobs', jobs]), 'tag', /missing-dir\/o\.jsonl: no such directory/);
    oneLine(wasim(['tag', '--vocab', VOCAB, '--input', INPUT, '--output', tmp, '--jobs', jobs]), 'tag', /is a directory/);
    if (hasDevFull) {
      oneLine(wasim(['tag', '--vocab', VOCAB, '--input', INPUT, '--output', '/dev/full', '--jobs', jobs]), 'tag', /\/dev\/full: no space left on device/);
      oneLine(withStdoutOn('/dev/full', (fd) => wasim(['tag', '--vocab', VOCAB, '--input', INPUT, '--output', '-', '--jobs', jobs], fd)), 'tag', /standard output: no space left on device/);
    }
  });
}

test('a directory as --input is a clear error too', () => {
  const r = wasim(['tag', '--input', tmp, '--output', join(tmp, 'never.jsonl')]);
  assert.equal(r.code, EXIT.INPUT);
  assert.equal(r.stderr, `wasim tag: ${tmp} is a directory, not a file\n`);
  assert.ok(!existsSync(join(tmp, 'never.jsonl')), 'no output is created for an input that cannot be read');
});

test('every command writing to standard output: a full disk is one line, exit 5 (output)', { skip: !hasDevFull && 'no /dev/full on this machine' }, () => {
  const gold = join(tmp, 'gold.jsonl');
  writeFileSync(gold, Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `a${i}`, tags: ['القاهرة'] }) + '\n').join(''));
  const commands: [string, string[], string?][] = [
    ['tag', ['tag', ARTICLE, '--vocab', VOCAB]],
    ['tag', ['tag', '-', '--format', 'json'], 'مصر\nالقاهرة عاصمة مصر'],
    ['vocab export', ['vocab', 'export']],
    ['vocab stats', ['vocab', 'stats', VOCAB]],
    ['vocab lint', ['vocab', 'lint', VOCAB]],
    ['eval', ['eval', '--gold', gold, '--input', INPUT]],
    ['discover', ['discover', '--input', join(ROOT, 'examples', 'archive.jsonl'), '--min-articles', '1']],
    ['ingest', ['ingest', FEED, '--no-fetch-pages']],
    ['user add', ['user', 'add', 'huda', '--password-stdin', '--database', `sqlite:${join(tmp, 'users.db')}`], 'a long enough password 123'],
    ['user list', ['user', 'list', '--database', `sqlite:${join(tmp, 'users.db')}`]],
  ];
  for (const [name, args, input] of commands) {
    oneLine(withStdoutOn('/dev/full', (fd) => wasim(args, fd, input)), name, /standard output: no space left on device \(ENOSPC\)/);
  }
});

test('files named with -o: a missing directory and a full disk are one line, exit 5 (output)', () => {
  oneLine(wasim(['vocab', 'compile', VOCAB, '-o', join(MISSING, 'v.wasim')]), 'vocab compile', /no such directory/);
  oneLine(wasim(['vocab', 'compile', VOCAB, '-o', tmp]), 'vocab compile', /is a directory/);
  oneLine(wasim(['ingest', FEED, '--no-fetch-pages', '-o', join(MISSING, 'a.jsonl')]), 'ingest', /no such directory/);
  // Before any request to the site (none listens on port 1).
  oneLine(wasim(['wordpress', 'pull', '--site', 'http://127.0.0.1:1', '-o', join(MISSING, 'p.jsonl')]), 'wordpress pull', /no such directory/);
  oneLine(wasim(['wordpress', 'import-tags', '--site', 'http://127.0.0.1:1', '-o', tmp]), 'wordpress import-tags', /is a directory/);
  if (hasDevFull) {
    oneLine(wasim(['vocab', 'compile', VOCAB, '-o', '/dev/full']), 'vocab compile', /no space left on device/);
    oneLine(wasim(['ingest', FEED, '--no-fetch-pages', '-o', '/dev/full']), 'ingest', /no space left on device/);
  }
});

/** Runs a command, reads its first line of output, closes the pipe, and waits for it to end. */
function firstLineThenClose(args: string[]): Promise<{ line: string; code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let line: string | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wasim ${args.join(' ')} did not end after its output was closed`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.on('data', (d: Buffer) => {
      if (line !== undefined) return;
      out += d.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        line = out.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ line: line ?? '', code, signal, stderr });
    });
  });
}

test('a closed pipe (`wasim vocab export | head -1`) ends the command quietly with exit 0', async () => {
  const exported = await firstLineThenClose(['vocab', 'export']);
  assert.ok(JSON.parse(exported.line).label, exported.line);
  assert.deepEqual({ code: exported.code, signal: exported.signal, stderr: exported.stderr }, { code: 0, signal: null, stderr: '' });
  const big = join(tmp, 'big.jsonl');
  writeFileSync(big, articles.repeat(10));
  for (const jobs of ['1', '2']) {
    const tagged = await firstLineThenClose(['tag', '--vocab', VOCAB, '--input', big, '--output', '-', '--jobs', jobs, '--no-progress']);
    assert.equal(JSON.parse(tagged.line).id, 'a0');
    assert.deepEqual({ code: tagged.code, signal: tagged.signal, stderr: tagged.stderr }, { code: 0, signal: null, stderr: '' }, `--jobs ${jobs}`);
  }
});

// ---- ids JSON.parse would change

const TWENTY = '12345678901234567890';
const NINES = '9'.repeat(400);

test('tag --input: numeric ids keep their digits, in result and error lines, in both --jobs modes', () => {
  const input = join(tmp, 'ids.jsonl');
  writeFileSync(input, [`{"id":${TWENTY},"title":"مصر","body":"القاهرة"}`, `{"id":${NINES},"title":"السودان"}`, `{"id":12345678901234567891,"title":""}`, `{"id":1e3,"title":"مصر"}`, `{"id":42,"title":"مصر"}`].join('\n') + '\n');
  const outputs: string[] = [];
  for (const jobs of ['1', '2']) {
    const output = join(tmp, `ids-${jobs}.jsonl`);
    const r = wasim(['tag', '--vocab', VOCAB, '--input', input, '--output', output, '--jobs', jobs]);
    assert.equal(r.code, EXIT.PARTIAL, 'the empty article is a failed line');
    const text = readFileSync(output, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.ok(lines[0]!.startsWith(`{"id":${TWENTY},"tags":[{"tag":"مصر"`), lines[0]);
    assert.ok(lines[1]!.startsWith(`{"id":${NINES},"tags":[`), lines[1]!.slice(0, 80));
    assert.ok(lines[2]!.startsWith('{"id":12345678901234567891,"error":{"code":"EMPTY_INPUT"'), lines[2]);
    assert.ok(lines[3]!.startsWith('{"id":1e3,"tags":['), lines[3]);
    assert.ok(lines[4]!.startsWith('{"id":42,"tags":['), lines[4]);
    for (const l of lines) JSON.parse(l);
    outputs.push(text);
  }
  assert.equal(outputs[0], outputs[1]);
});

test('eval: two ids that differ past 2^53 are two articles, scored under their own digits', () => {
  const input = join(tmp, 'eval-articles.jsonl');
  const gold = join(tmp, 'eval-gold.jsonl');
  writeFileSync(input, `{"id":${TWENTY},"title":"مصر","body":"القاهرة"}\n{"id":12345678901234567891,"title":"السودان","body":"الخرطوم"}\n`);
  writeFileSync(gold, `{"id":"${TWENTY}","tags":["مصر"]}\n{"id":12345678901234567891,"tags":["السودان"]}\n`);
  const r = wasim(['eval', '--gold', gold, '--input', input, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).scored, 2, r.stdout);
  writeFileSync(gold, `{"id":1e400,"tags":["مصر"]}\n`);
  const refused = wasim(['eval', '--gold', gold, '--input', input]);
  assert.equal(refused.code, EXIT.INPUT);
  assert.equal(refused.stderr, `wasim eval: ${gold}:1: "id" 1e400 is not an integer that can be kept exactly; write the id as a string\n`);
});

/**
 * Batch tagging reads its input in chunks of whole lines (LineChunker), not line by line. Read
 * sizes and chunk sizes must not show in the output: every way of cutting the same bytes gives,
 * byte for byte, what a readline loop tagging one line at a time gives (the reference below) —
 * in one thread, on worker threads, and through `wasim tag --jobs 1` and `--jobs 2`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compileVocabulary, parseVocabulary, type Tagger } from '../core/index.js';
import { countLineBreaks, decodeUtf8, LineChunker, splitLines, tagJsonlStream, tagLine, type BatchStats } from './batch.js';
import { tagJsonlParallel } from './parallel.js';
import { createNodeTagger } from './tagger.js';

const BIN = fileURLToPath(new URL('../../bin/wasim.js', import.meta.url));
const VOCAB_LINES = ['الرياض', 'جدة', 'السعودية', 'مصر', 'القاهرة', 'الأمم المتحدة', 'مجلس التعاون الخليجي', 'النفط'];

const line = (o: object): string => JSON.stringify(o);
const ARTICLES = [
  line({ id: 'a1', title: 'أمير الرياض يفتتح معرض الكتاب', body: 'افتتح أمير منطقة الرياض معرض الرياض الدولي للكتاب بمشاركة دور نشر من مصر والسعودية.' }),
  line({ id: 'a2', title: 'النفط يرتفع', body: 'ارتفعت أسعار النفط، وقال وزير الطاقة في جدة إن السوق متوازنة 😀 رغم المخاوف.' }),
  line({ id: 'a3', title: 'القاهرة تستضيف اجتماعاً', body: 'تستضيف القاهرة اجتماعاً لمجلس التعاون الخليجي والأمم المتحدة حول المياه €.' }),
  '{"id":12345678901234567890,"title":"مصر","body":"وصل الوفد إلى القاهرة قادماً من الرياض."}',
];

/** The input under test: every kind of line break and bad line, an emoji (4 UTF-8 bytes), a BOM. */
function trickyInput(): Buffer {
  const [a1, a2, a3, big] = ARTICLES as [string, string, string, string];
  const huge = line({ id: 'huge', title: 'جدة', body: 'تشهد جدة حركة تجارية نشطة في ميناء جدة الإسلامي. '.repeat(4000) }); // ≈ 350 KB, over a default chunk
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(`${a1}\n`),
    Buffer.from(`${a2}\r\n`),
    Buffer.from('\n'), // an empty line
    Buffer.from(`   \t\r\n`), // a blank line
    Buffer.from(`{"id":"broken","title":"الرياض\n`), // broken JSON
    Buffer.from([0x00, 0xff, 0xfe, 0xc0, 0x80, 0x0a]), // binary junk
    Buffer.from(`${a3}\r`), // a lone CR ends a line too
    Buffer.from(`${big}\n`),
    Buffer.from(`${huge}\n`),
    Buffer.from(`[1,2,3]\r\n`),
    Buffer.from(`${a1.slice(0, 20)}`),
    Buffer.from([0xd8]), // a cut Arabic letter before the newline
    Buffer.from('\n'),
    Buffer.from(a2), // the last line has no newline
  ]);
}

/** The old batch loop: readline over the whole stream, one line at a time. */
async function reference(tagger: Tagger, bytes: Buffer): Promise<{ text: string; stats: BatchStats }> {
  const stats: BatchStats = { lines: 0, tagged: 0, failed: 0 };
  let text = '';
  let lineNo = 0;
  for await (const l of createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity })) {
    lineNo++;
    if (l.trim() === '') continue;
    stats.lines++;
    const r = tagLine(tagger, l, lineNo, {});
    if (r.ok) stats.tagged++;
    else stats.failed++;
    text += r.out + '\n';
  }
  return { text, stats };
}

/** The bytes cut at the given offsets, as a stream delivers them. */
function cutAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const at = [0, ...offsets.filter((o) => o > 0 && o < bytes.length).sort((x, y) => x - y), bytes.length];
  return at.slice(1).map((end, i) => bytes.subarray(at[i]!, end));
}

function everyN(bytes: Buffer, n: number): Buffer[] {
  return cutAt(bytes, Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => i * n));
}

/** Equal texts, or a failure showing where they part (the huge line would hide it in a diff). */
function sameText(got: string, want: string, message: string): void {
  if (got === want) return;
  let at = 0;
  while (at < got.length && got[at] === want[at]) at++;
  assert.fail(`${message}: output differs at ${at} of ${want.length}: got ${JSON.stringify(got.slice(at - 40, at + 80))}, want ${JSON.stringify(want.slice(at - 40, at + 80))}`);
}

/** A slow output with a small buffer, so that the writer waits for 'drain'; bytes() once it has finished. */
function sink(): { stream: Writable; bytes: () => Promise<Buffer> } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      parts.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  const bytes = async (): Promise<Buffer> => {
    stream.end();
    await finished(stream);
    return Buffer.concat(parts);
  };
  return { stream, bytes };
}

function setup(): { dir: string; vocabPath: string; tagger: Tagger } {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-batch-'));
  const vocabPath = join(dir, 'vocab.txt');
  writeFileSync(vocabPath, VOCAB_LINES.join('\n') + '\n');
  const compiled = compileVocabulary(parseVocabulary(readFileSync(vocabPath, 'utf8'), 'txt', vocabPath).entries);
  return { dir, vocabPath, tagger: createNodeTagger(compiled) };
}

test('the reference itself: one output line per non-blank line, numbered as in the file, ids with their digits', async () => {
  const { dir, tagger } = setup();
  try {
    const { text, stats } = await reference(tagger, trickyInput());
    const out = text.split('\n').slice(0, -1);
    assert.equal(out.length, 10);
    assert.deepEqual(stats, { lines: 10, tagged: 5, failed: 5 });
    assert.match(out[0]!, /^\{"id":null,"error":\{"code":"BAD_JSON","message":"line 1: /, 'the BOM makes the first line broken JSON');
    assert.match(out[1]!, /^\{"id":"a2","tags":\[.*"tag":"النفط"/);
    assert.match(out[2]!, /^\{"id":null,"error":\{"code":"BAD_JSON","message":"line 5: /);
    assert.match(out[3]!, /^\{"id":null,"error":\{"code":"BAD_JSON","message":"line 6: /);
    assert.match(out[4]!, /^\{"id":"a3","tags":\[.*"tag":"القاهرة"/);
    assert.match(out[5]!, /^\{"id":12345678901234567890,"tags":\[.*"tag":"مصر"/);
    assert.match(out[6]!, /^\{"id":"huge","tags":\[\{"tag":"جدة"/);
    assert.match(out[7]!, /^\{"id":null,"error":\{"code":"[A-Z_]+","message":"line 10: /);
    assert.match(out[8]!, /^\{"id":null,"error":\{"code":"BAD_JSON","message":"line 11: /);
    assert.match(out[9]!, /^\{"id":"a2","tags":\[.*"tag":"النفط"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LineChunker cuts only after LF, keeps CRLF and multi-byte characters whole, and counts lines as readline does', () => {
  const bytes = trickyInput();
  const [a1, a2] = ARTICLES as [string, string];
  for (const pieces of [[bytes], everyN(bytes, 1), everyN(bytes, 5), everyN(bytes, 4096)]) {
    for (const [lines, size] of [[1, 1 << 30], [3, 1 << 30], [1 << 30, 100], [256, 256 * 1024]] as const) {
      const chunker = new LineChunker(lines, size);
      const chunks = pieces.flatMap((p) => chunker.push(p));
      const last = chunker.end();
      if (last) chunks.push(last);
      assert.ok(Buffer.concat(chunks).equals(bytes), 'no byte lost or added');
      for (const c of chunks.slice(0, -1)) assert.equal(c[c.length - 1], 0x0a, 'every chunk but the last ends after a newline');
      assert.equal(
        chunks.reduce((n, c) => n + countLineBreaks(c), 0),
        11,
        'line breaks: LF, CRLF, LF, CRLF, LF, LF, lone CR, LF, LF, CRLF, LF',
      );
      const text = chunks.map((c) => Buffer.from(c).toString('utf8'));
      assert.equal(text.join(''), bytes.toString('utf8'), 'decoding chunk by chunk is decoding the whole');
    }
  }
  assert.deepEqual(splitLines(`${a1}\r\n\n \r${a2}`), [a1, '', ' ', a2]);
  assert.deepEqual(splitLines(`${a1}\r`), [a1]);
});

test('tagJsonlStream and tagJsonlParallel write what the reference writes, however the bytes and chunks are cut', async () => {
  const { dir, vocabPath, tagger } = setup();
  try {
    const bytes = trickyInput();
    const want = await reference(tagger, bytes);
    const emoji = bytes.indexOf(Buffer.from('😀'));
    const cr = bytes.indexOf(Buffer.from('\r\n'));
    const cutLetter = bytes.lastIndexOf(Buffer.from([0xd8, 0x0a]));
    const readings: [string, Buffer[]][] = [
      ['whole', [bytes]],
      ['byte by byte', everyN(bytes, 1)],
      ['7 bytes', everyN(bytes, 7)],
      ['64 KiB', everyN(bytes, 64 * 1024)],
      ['inside the emoji', cutAt(bytes, [emoji + 1, emoji + 2, emoji + 3])],
      ['inside Arabic letters', cutAt(bytes, [bytes.indexOf(Buffer.from('يفتتح')) + 1, bytes.lastIndexOf(Buffer.from('النفط')) + 3])],
      ['between CR and LF', cutAt(bytes, [cr + 1])],
      ['after the cut letter, before its newline', cutAt(bytes, [cutLetter + 1])],
      ['the last line alone', cutAt(bytes, [bytes.length - 5])],
    ];
    for (const [name, pieces] of readings) {
      for (const [chunkLines, chunkBytes] of [[1, 1 << 30], [2, 1 << 30], [1 << 30, 64], [256, 256 * 1024]] as const) {
        const got = sink();
        const stats = await tagJsonlStream(tagger, Readable.from(pieces), got.stream, { chunkLines, chunkBytes });
        assert.deepEqual(stats, want.stats, `${name}, ${chunkLines} lines / ${chunkBytes} bytes`);
        sameText((await got.bytes()).toString('utf8'), want.text, `${name}, ${chunkLines} lines / ${chunkBytes} bytes`);
      }
    }
    for (const [name, pieces] of [readings[1]!, readings[4]!, readings[6]!]) {
      const got = sink();
      const stats = await tagJsonlParallel(Readable.from(pieces), got.stream, { jobs: 2, vocabulary: { path: vocabPath, hints: false }, chunkLines: 2, chunkBytes: 1 << 30 });
      assert.deepEqual(stats, want.stats, `workers, ${name}`);
      sameText((await got.bytes()).toString('utf8'), want.text, `workers, ${name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wasim tag --jobs 1 and --jobs 2, from a file and from standard input, write the reference bytes', async () => {
  const { dir, vocabPath, tagger } = setup();
  try {
    const bytes = trickyInput();
    const want = await reference(tagger, bytes);
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, bytes);
    const env = { ...process.env, WASIM_QUIET: '1', WASIM_DEBUG: '' };
    for (const jobs of ['1', '2']) {
      const output = join(dir, `out-${jobs}.jsonl`);
      const r = spawnSync(process.execPath, [BIN, 'tag', '--input', input, '--output', output, '--jobs', jobs, '--vocab', vocabPath, '--no-hints'], { encoding: 'utf8', env });
      assert.equal(r.status, 1, `exit 1: some lines failed (${r.stderr})`);
      assert.equal(r.stderr, 'wasim tag: 5 of 10 line(s) failed (see their "error" fields)\n');
      sameText(readFileSync(output, 'utf8'), want.text, `--jobs ${jobs} from a file`);
      const piped = spawnSync(process.execPath, [BIN, 'tag', '--input', '-', '--output', '-', '--jobs', jobs, '--vocab', vocabPath, '--no-hints'], { input: bytes, env, maxBuffer: 64 << 20 });
      assert.equal(piped.status, 1);
      sameText(piped.stdout.toString('utf8'), want.text, `--jobs ${jobs} from standard input to standard output`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decodeUtf8 gives what Buffer#toString gives: valid text of any script, and bytes that are not UTF-8', () => {
  const arabic = fc.constantFrom(...'الرياضجدةمكّةُ «»،؛ـ\u200c\u200f\ufeff\u0000\n😀𝕏');
  const text = fc.oneof(fc.string({ unit: 'binary', minLength: 100, maxLength: 600 }), fc.string({ unit: arabic, minLength: 200, maxLength: 2000 }));
  fc.assert(
    fc.property(text, (s) => {
      const bytes = Buffer.from(s, 'utf8');
      assert.equal(decodeUtf8(bytes), bytes.toString('utf8'));
    }),
    { numRuns: 300 },
  );
  // One stray byte, a cut character or a surrogate in CESU-8 makes the whole chunk invalid UTF-8.
  const damage = fc.constantFrom([0xff], [0xd8], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80]);
  fc.assert(
    fc.property(fc.string({ unit: arabic, minLength: 200, maxLength: 800 }), damage, fc.nat(), (s, bad, at) => {
      const good = Buffer.from(s, 'utf8');
      const cut = at % (good.length + 1);
      const bytes = Buffer.concat([good.subarray(0, cut), Buffer.from(bad), good.subarray(cut)]);
      assert.equal(decodeUtf8(bytes), bytes.toString('utf8'));
    }),
    { numRuns: 300 },
  );
  const big = Buffer.from('تشهد جدة حركة تجارية نشطة 😀. '.repeat(100_000));
  assert.equal(decodeUtf8(big), big.toString('utf8'), 'a 5 MB line');
});

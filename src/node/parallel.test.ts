import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { unzipSync, strFromU8 } from 'fflate';
import fc from 'fast-check';
import { isWasimError, parseVocabulary, compileVocabulary } from '../core/index.js';
import { tagJsonlStream } from './batch.js';
import { tagJsonlParallel } from './parallel.js';
import { createNodeTagger } from './tagger.js';

const REPO = new URL('../../', import.meta.url);
const BIN = fileURLToPath(new URL('bin/wasim.js', REPO));
const SHARED = new URL('../shared/data/', REPO);

const PLACES = ['الرياض', 'جدة', 'مكة المكرمة', 'القاهرة', 'دبي', 'بيروت', 'عمّان', 'الدوحة', 'تونس', 'بغداد', 'الخرطوم', 'المدينة المنورة'];
const COUNTRIES = ['السعودية', 'مصر', 'الأردن', 'لبنان', 'الإمارات', 'قطر', 'العراق', 'المغرب', 'اليمن', 'سوريا'];
const NISBA = ['السعودي', 'المصرية', 'الأردنيون', 'اللبنانية', 'الإماراتي', 'القطرية', 'العراقيين', 'المغربي'];
const PEOPLE = ['محمد بن سلمان', 'عبدالله الثاني', 'أحمد أبو الغيط', 'سلمان بن عبدالعزيز', 'تميم بن حمد', 'إيمانويل ماكرون'];
const ORGS = ['الأمم المتحدة', 'جامعة الدول العربية', 'مجلس التعاون الخليجي', 'منظمة الصحة العالمية', 'صندوق النقد الدولي', 'الاتحاد الأوروبي', 'فيفا'];
const TOPICS = ['الاقتصاد', 'التعليم', 'الصحة', 'كرة القدم', 'الطاقة المتجددة', 'النفط', 'السياحة', 'الإسكان', 'الانتخابات', 'المياه'];
const VERBS = ['أعلن', 'ناقش', 'استقبل', 'بحث', 'أكّد', 'افتتح', 'وقّع', 'زار'];
const LINKS = ['وفي سياق متصل', 'من جهة أخرى', 'وأضاف', 'وقال مصدر مطلع إن', 'وبحسب البيان فإن', 'في حين'];
const TAILS = ['خلال الأسبوع الجاري', 'في مؤتمر صحفي عُقد اليوم', 'بحضور عدد من المسؤولين', 'ضمن خطة تمتد حتى عام 2030', 'وسط اهتمام إعلامي واسع', 'بـ2015 مليون ريال'];

const one = <T>(list: readonly T[]) => fc.constantFrom(...list);

const sentence = fc.oneof(
  fc.tuple(one(VERBS), one(PEOPLE), one(PLACES), one(TOPICS), one(ORGS), one(TAILS)).map(([v, p, pl, t, o, tail]) => `${v} ${p} في ${pl} ملف ${t} مع وفد من ${o} ${tail}.`),
  fc.tuple(one(LINKS), one(NISBA), one(ORGS), one(TOPICS), one(['تعاون', 'شراكة']), one(COUNTRIES)).map(([l, n, o, t, w, c]) => `${l} الحكومة ${n} تعمل مع ${o} على دعم ${t} وبال${w} مع ${c}.`),
  fc.tuple(one(PLACES), one(COUNTRIES), one(VERBS), one(TOPICS), one(TAILS)).map(([pl, c, v, t, tail]) => `وصل الوفد إلى ${pl} قادماً من ${c}، و${v} رئيسه أن «${t}» أولوية ${tail}.`),
  fc.tuple(one(TOPICS), one(ORGS), one(NISBA), fc.integer({ min: 100, max: 999 })).map(([t, o, n, k]) => `قال وزير ${t.replace(/^ال/, '')} إن ${o} ستدعم بلاده، مشيراً إلى أن المواطنين ${n} ينتظرون النتائج (${k} مشروع).`),
  fc.tuple(one(PLACES), one(TOPICS), one(COUNTRIES), one(COUNTRIES)).map(([pl, t, a, b]) => `وللمرة الأولى تستضيف ${pl} اجتماعاً حول ${t} يشارك فيه ممثلو ${a} و${b} وG20.`),
);

const article = fc.record({
  title: fc.tuple(one(PLACES), one(PEOPLE), one(VERBS), one(TOPICS)).map(([pl, p, v, t]) => `${pl}: ${p} ${v} ${t}`),
  paragraphs: fc.array(sentence, { minLength: 3, maxLength: 14 }),
  lines: fc.boolean(),
});

/** Arabic news-like articles written by us, so the test runs without the shared corpus; the same ones for a seed. */
function generatedArticles(count: number, seed: number): { id: string; title: string; body: string }[] {
  return fc.sample(article, { seed, numRuns: count }).map((a, i) => ({ id: `gen-${i}`, title: a.title, body: a.paragraphs.join(a.lines ? '\n' : ' ') }));
}

/** Lines that fail, blank lines and odd ids: error lines and line numbers must agree too. */
function withTroubleLines(articles: readonly object[]): string {
  const lines = articles.map((a) => JSON.stringify(a));
  lines.splice(7, 0, '{"id": "broken", "title": ');
  lines.splice(40, 0, '', '   ');
  lines.splice(90, 0, JSON.stringify({ id: 'empty', title: '', body: '' }));
  lines.splice(150, 0, '[1, 2, 3]');
  lines.splice(200, 0, JSON.stringify({ id: 7, title: 42 }));
  return lines.join('\n') + '\n';
}

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, WASIM_QUIET: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function compareJobs(dir: string, inputPath: string, vocabArgs: string[]): { lines: number } {
  const out1 = join(dir, 'out-1.jsonl');
  const out2 = join(dir, 'out-2.jsonl');
  const one = runCli(['tag', '--input', inputPath, '--output', out1, '--jobs', '1', ...vocabArgs]);
  const two = runCli(['tag', '--input', inputPath, '--output', out2, '--jobs', '2', ...vocabArgs]);
  assert.equal(two.status, one.status, `exit codes differ: ${two.stderr}`);
  assert.equal(two.stderr, one.stderr);
  assert.doesNotMatch(two.stderr, /articles\/s/, 'no progress bar when stderr is not a terminal');
  const a = readFileSync(out1);
  const b = readFileSync(out2);
  assert.ok(a.length > 0);
  assert.ok(a.equals(b), '--jobs 2 output differs from --jobs 1 output');
  return { lines: a.toString('utf8').split('\n').length - 1 };
}

test('--jobs 2 writes byte for byte what --jobs 1 writes (generated articles, default and txt vocabularies)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-parallel-'));
  try {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, withTroubleLines(generatedArticles(300, 20240601)));
    const { lines } = compareJobs(dir, input, []);
    assert.equal(lines, 304, 'one output line per non-blank input line');
    const out = readFileSync(join(dir, 'out-2.jsonl'), 'utf8').split('\n');
    assert.match(out[7]!, /"code":"BAD_JSON".*line 8:/);
    assert.ok(out.filter((l) => l.includes('"tags":[{')).length > 250, 'most generated articles get tags');

    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, [...PLACES, ...COUNTRIES, ...PEOPLE, ...ORGS, ...TOPICS, 'الرياض', 'ﺍﻟﺮﻳﺎﺽ'].join('\n') + '\n');
    compareJobs(dir, input, ['--vocab', vocab, '--top', '5', '--explain']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--jobs 2 writes byte for byte what --jobs 1 writes (SaudiNewsNet articles, dev vocabulary)', (t) => {
  const corpus = new URL('saudinewsnet/dataset/', SHARED);
  const devVocab = new URL('dev/vocab.txt', SHARED);
  if (!existsSync(corpus) || !existsSync(devVocab)) {
    t.skip('shared data (../shared/data/saudinewsnet, dev/vocab.txt) absent');
    return;
  }
  const zip = readdirSync(corpus).filter((n) => n.endsWith('.zip')).sort()[0]!;
  const files = unzipSync(readFileSync(new URL(zip, corpus)));
  const raw = JSON.parse(strFromU8(Object.values(files)[0]!)) as { title?: string; content?: string; url?: string }[];
  const articles = raw.slice(0, 400).map((a, i) => ({ id: `${zip}-${i}`, title: a.title ?? '', body: a.content ?? '' }));
  const devPath = new URL('dev/articles.jsonl', SHARED);
  const dev = existsSync(devPath) ? readFileSync(devPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as object) : [];
  const dir = mkdtempSync(join(tmpdir(), 'wasim-parallel-'));
  try {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, withTroubleLines([...dev, ...articles]));
    compareJobs(dir, input, ['--vocab', fileURLToPath(devVocab)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function collector(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  // A small buffer and a slow sink make the writer wait for 'drain' (backpressure path).
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  return { stream, text: () => parts.join('') };
}

test('tagJsonlParallel keeps input order with tiny chunks, three workers and one chunk in flight each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-parallel-'));
  try {
    const vocabPath = join(dir, 'vocab.txt');
    writeFileSync(vocabPath, [...PLACES, ...COUNTRIES, ...ORGS, ...TOPICS].join('\n'));
    const text = withTroubleLines(generatedArticles(240, 7));
    const cv = compileVocabulary(parseVocabulary(readFileSync(vocabPath, 'utf8'), 'txt', vocabPath).entries);
    const expected = collector();
    const s1 = await tagJsonlStream(createNodeTagger(cv), Readable.from([text]), expected.stream, { top: 3 });
    const actual = collector();
    const progress: number[] = [];
    const s2 = await tagJsonlParallel(Readable.from([text]), actual.stream, {
      jobs: 3,
      top: 3,
      vocabulary: { path: vocabPath, hints: false },
      chunkLines: 5,
      chunksPerWorker: 1,
      onProgress: (s) => progress.push(s.lines),
    });
    assert.deepEqual(s2, s1);
    assert.equal(actual.text(), expected.text());
    assert.ok(progress.length >= 40 && progress.every((v, i) => i === 0 || v > progress[i - 1]!), 'progress grows chunk by chunk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a vocabulary the workers cannot load fails with the same error as the in-thread path, before any output', async () => {
  const sink = collector();
  await assert.rejects(
    tagJsonlParallel(Readable.from(['{"title":"الرياض"}\n']), sink.stream, { jobs: 2, vocabulary: { path: join(tmpdir(), 'wasim-no-such-vocab.txt') } }),
    (e: unknown) => isWasimError(e) && e.code === 'FILE_NOT_FOUND' && /no such file/.test(e.message),
  );
  assert.equal(sink.text(), '');
});

test('tagJsonlParallel splits and numbers lines as readline does: CRLF, lone CR, malformed UTF-8, a BOM, no final newline, any read size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-parallel-'));
  try {
    const vocabPath = join(dir, 'vocab.txt');
    writeFileSync(vocabPath, [...PLACES, ...COUNTRIES, ...ORGS].join('\n'));
    const lines = generatedArticles(40, 11).map((a) => Buffer.from(JSON.stringify(a)));
    const cut = (b: Buffer): [Buffer, Buffer] => [b.subarray(0, b.length >> 1), b.subarray(b.length >> 1)];
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      ...lines.flatMap((l, i) => {
        if (i % 5 === 1) return [l, Buffer.from('\r\n')];
        if (i % 5 === 2) return [...cut(l).flatMap((p, k) => (k === 0 ? [p, Buffer.from('\r')] : [p])), Buffer.from('\n')];
        if (i % 5 === 3) return [...cut(l).flatMap((p, k) => (k === 0 ? [p, Buffer.from([0xd8])] : [p])), Buffer.from([0xe2, 0x82, 0x0a])];
        if (i % 5 === 4) return [l, Buffer.from('\r\n\n \r')];
        return [l, Buffer.from('\n')];
      }),
      lines[0]!,
    ]);
    const cv = compileVocabulary(parseVocabulary(readFileSync(vocabPath, 'utf8'), 'txt', vocabPath).entries);
    const pieces = (size: number): Buffer[] => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
    const expected = collector();
    const s1 = await tagJsonlStream(createNodeTagger(cv), Readable.from(pieces(64 * 1024)), expected.stream, {});
    assert.ok(s1.failed >= 16, 'the broken lines fail');
    for (const [readSize, chunkLines, chunkBytes] of [[7, 1, 1 << 20], [1000, 3, 200], [64 * 1024, 128, 128 * 1024]] as const) {
      const actual = collector();
      const s2 = await tagJsonlParallel(Readable.from(pieces(readSize)), actual.stream, { jobs: 2, vocabulary: { path: vocabPath, hints: false }, chunkLines, chunkBytes });
      assert.deepEqual(s2, s1);
      assert.equal(actual.text(), expected.text(), `read size ${readSize}, ${chunkLines} lines / ${chunkBytes} bytes a chunk`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tagJsonlParallel returns only after the last chunk is written, however slow the output and late the workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasim-parallel-'));
  try {
    const vocabPath = join(dir, 'vocab.txt');
    writeFileSync(vocabPath, [...PLACES, ...COUNTRIES].join('\n'));
    const text = generatedArticles(6, 5).map((a) => JSON.stringify(a)).join('\n') + '\n';
    const cv = compileVocabulary(parseVocabulary(readFileSync(vocabPath, 'utf8'), 'txt', vocabPath).entries);
    const expected = collector();
    const s1 = await tagJsonlStream(createNodeTagger(cv), Readable.from([text]), expected.stream, {});
    // Each write waits for 'drain', long enough for the workers still loading to report ready meanwhile.
    let written = '';
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        setTimeout(() => {
          written += chunk.toString('utf8');
          done();
        }, 150);
      },
    });
    const s2 = await tagJsonlParallel(Readable.from([text]), slow, { jobs: 4, vocabulary: { path: vocabPath, hints: false }, chunkLines: 2 });
    assert.deepEqual(s2, s1, 'every line counted before the call returned');
    await new Promise<void>((resolve) => slow.end(resolve));
    assert.equal(written, expected.text());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * `npm run bench [-- --quick]`: wasim's cost as the vocabulary grows, next to the substring
 * tagger and a single alternation regex, on SaudiNewsNet, and `--jobs 2` against `--jobs 1`.
 * Every measurement runs in a fresh child process (src/bench/child.ts). Writes
 * bench/results/latest.json (quick: quick.json) and regenerates docs/benchmarks.md (full run).
 *
 * Options: --quick, --sizes 1000,10000, --articles N, --budget SECONDS (each reference method),
 * --tag-budget SECONDS (wasim's pass per size), --jobs-articles N, --seed N, --no-jobs,
 * --no-default (skip the shipped vocabulary's row),
 * --no-docs, --docs (write the docs from a quick run too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FORMAT_VERSION } from '../core/vocabulary/codec.js';
import { DEFAULT_VOCAB_JSONL } from '../node/vocab-file.js';
import { cacheDir, CORPUS_DIR, corpusFingerprint, corpusFiles, loadCorpus, REPO_ROOT } from './corpus.js';
import { derive, machine, renderMarkdown, renderTable, writeDocs, type BenchResult, type ChildOutcome, type SizeResult } from './report.js';
import { generateVocabulary, GENERATOR_VERSION } from './vocab-gen.js';

interface Options {
  quick: boolean;
  sizes: number[];
  articles: number;
  budgetSeconds: number;
  tagBudgetSeconds: number;
  jobsArticles: number;
  seed: number;
  jobs: boolean;
  defaultVocabulary: boolean;
  docs: boolean;
}

const FULL_SIZES = [1_000, 10_000, 100_000, 1_000_000];
const QUICK_SIZES = [1_000, 10_000, 100_000];

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = value('--sizes')?.split(',').map(Number) ?? (quick ? QUICK_SIZES : FULL_SIZES);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new Error('--sizes: whole numbers between 1 and 1000000');
  return {
    quick,
    sizes,
    articles: Number(value('--articles') ?? (quick ? 1500 : Infinity)),
    budgetSeconds: Number(value('--budget') ?? (quick ? 1.5 : 15)),
    tagBudgetSeconds: Number(value('--tag-budget') ?? (quick ? 8 : 120)),
    // The whole corpus: an archive is what batches are for, and each worker's start (loading, compiling the tagger's code, warming its caches) weighs on a short one.
    jobsArticles: Number(value('--jobs-articles') ?? (quick ? 1500 : Infinity)),
    seed: Number(value('--seed') ?? 20150721),
    jobs: !argv.includes('--no-jobs'),
    defaultVocabulary: !argv.includes('--no-default'),
    docs: argv.includes('--docs') || (!quick && !argv.includes('--no-docs')),
  };
}

function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

function runChild(mode: string, args: object, timeoutSeconds: number): ChildOutcome {
  const child = join(REPO_ROOT, 'dist', 'bench', 'child.js');
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', child, mode, JSON.stringify(args)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: timeoutSeconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ok: false, error: `timed out after ${timeoutSeconds} s` };
  if (r.status !== 0) return { ok: false, error: `exited with ${r.status ?? r.signal}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { ok: true, data: JSON.parse(line) as Record<string, unknown> };
}

/** Generated vocabularies, nested by size, in the cache (made once per corpus, seed and generator version). */
function ensureVocabularies(seed: number): { dir: string; meta: Record<string, unknown> } {
  const dir = join(cacheDir(), `vocab-g${GENERATOR_VERSION}-s${seed}-${corpusFingerprint()}`);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) return { dir, meta: JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown> };
  mkdirSync(dir, { recursive: true });
  say(`generating vocabularies (1k … 1M tags) from the corpus into ${dir}`);
  const t0 = Date.now();
  const { articles } = loadCorpus();
  const g = generateVocabulary(articles, Math.max(...FULL_SIZES), seed);
  for (const n of FULL_SIZES) writeFileSync(join(dir, `vocab-${n}.txt`), g.tags.slice(0, n).join('\n') + '\n');
  const meta = { seed, generator: GENERATOR_VERSION, tags: g.tags.length, stopWords: g.stopWords, corpusWords: g.corpusWords, draws: g.draws, shapeOf1M: g.shape, seconds: (Date.now() - t0) / 1000 };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return { dir, meta };
}

/**
 * The compiled form in the cache, named by format version: the cache is shared by checkouts of
 * different versions, and one must not overwrite a file another still reads.
 */
function compiledPathFor(dir: string, size: number): string {
  return join(dir, `vocab-${size}.v${FORMAT_VERSION}.wasim`);
}

function vocabPathFor(dir: string, size: number): string {
  const path = join(dir, `vocab-${size}.txt`);
  if (!existsSync(path)) {
    // Sizes other than the standard ones are prefixes of the biggest list.
    const all = readFileSync(join(dir, `vocab-${Math.max(...FULL_SIZES)}.txt`), 'utf8').split('\n');
    writeFileSync(path, all.slice(0, size).join('\n') + '\n');
  }
  return path;
}

/** `wasim tag --jobs N` wall-clock time through the real CLI on one JSONL batch. */
function runJobs(jsonl: string, compiledPath: string, jobs: number, outPath: string): { seconds: number; status: number | null } {
  const bin = join(REPO_ROOT, 'bin', 'wasim.js');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'tag', '--input', jsonl, '--output', outPath, '--jobs', String(jobs), '--vocab', compiledPath, '--no-progress'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) say(`  wasim tag --jobs ${jobs} failed: ${r.stderr}`);
  return { seconds, status: r.status };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (corpusFiles().length === 0) {
    say(`wasim bench: the corpus is absent (${CORPUS_DIR}); nothing to measure`);
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  say('machine speed');
  const calibration = runChild('calibrate', {}, 300);
  const { dir, meta } = ensureVocabularies(o.seed);
  const { articles: all, skippedEmpty } = loadCorpus(undefined, o.articles);
  const articleCount = all.length;
  const corpusBytes = all.reduce((s, a) => s + Buffer.byteLength(a.title) + Buffer.byteLength(a.body), 0);
  const sizes: SizeResult[] = [];
  // Every vocabulary gets the same four child runs, each in a fresh process.
  const measure = (vocabPath: string, compiledPath: string): Omit<SizeResult, 'size'> => {
    const args = { vocabPath, compiledPath, articles: o.articles === Infinity ? 1e9 : o.articles, warmup: o.quick ? 100 : 300, budgetSeconds: o.budgetSeconds, tagBudgetSeconds: o.tagBudgetSeconds };
    say('  compile');
    const compile = runChild('compile', args, 600);
    say('  load + tag');
    const tag = compile.ok ? runChild('tag', args, 1800) : { ok: false, error: 'not compiled' };
    say('  substring');
    const substring = runChild('substring', args, o.budgetSeconds + 300);
    say('  regex');
    const regex = runChild('regex', args, o.budgetSeconds + 180);
    return { compile, tag, substring, regex };
  };
  for (const size of o.sizes) {
    say(`\n${size.toLocaleString('en')} tags`);
    sizes.push(derive({ size, ...measure(vocabPathFor(dir, size), compiledPathFor(dir, size)) }));
  }
  if (o.defaultVocabulary) {
    // The vocabulary wasim ships, a real one (names, places, topics): what a newsroom starts with.
    say('\ndefault vocabulary');
    const runs = measure(DEFAULT_VOCAB_JSONL, join(cacheDir(), `default.v${FORMAT_VERSION}.wasim`));
    sizes.push(derive({ size: Number(runs.compile.data?.entries ?? 0), name: 'default', ...runs }));
  }
  let jobs: BenchResult['jobs'];
  if (o.jobs) {
    const size = o.sizes.includes(100_000) ? 100_000 : Math.max(...o.sizes);
    const compiledPath = compiledPathFor(dir, size);
    const batch = all.slice(0, o.jobsArticles);
    const jsonl = join(cacheDir(), `articles-${batch.length}.jsonl`);
    if (!existsSync(jsonl)) writeFileSync(jsonl, batch.map((a) => JSON.stringify(a)).join('\n') + '\n');
    const batchBytes = batch.reduce((s, a) => s + Buffer.byteLength(a.title) + Buffer.byteLength(a.body), 0);
    const out = join(cacheDir(), 'jobs-output.jsonl');
    say(`\n--jobs on ${batch.length} articles, ${size.toLocaleString('en')} tags`);
    // Best of two runs each: other processes on a small machine add noise to a single wall-clock time.
    const best = (jobs: number): { seconds: number } => {
      const a = runJobs(jsonl, compiledPath, jobs, out);
      const b = runJobs(jsonl, compiledPath, jobs, out);
      return a.seconds < b.seconds ? a : b;
    };
    const one = best(1);
    const two = best(2);
    rmSync(out, { force: true });
    jobs = { size, articles: batch.length, bytes: batchBytes, oneSeconds: one.seconds, twoSeconds: two.seconds, speedup: one.seconds / two.seconds };
  }
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const result: BenchResult = {
    date: new Date().toISOString(),
    command,
    quick: o.quick,
    machine: { ...machine(), ...(calibration.ok && calibration.data ? { randomReadNs: Number(calibration.data.randomReadNs), arithmeticNs: Number(calibration.data.arithmeticNs) } : {}), loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    corpus: { articles: articleCount, bytes: corpusBytes, skippedEmpty, budgetSeconds: o.budgetSeconds, tagBudgetSeconds: o.tagBudgetSeconds },
    vocabularies: meta,
    sizes,
    jobs,
    totalSeconds: (Date.now() - started) / 1000,
  };
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, o.quick ? 'quick.json' : 'latest.json'), JSON.stringify(result, null, 1) + '\n');
  process.stdout.write('\n' + renderTable(result) + '\n');
  if (o.docs) {
    writeDocs(join(REPO_ROOT, 'docs', 'benchmarks.md'), renderMarkdown(result));
    say('docs/benchmarks.md regenerated');
  }
  say(`done in ${result.totalSeconds.toFixed(0)} s`);
}

main();

/**
 * One measurement in a fresh process, so that heap and RSS figures belong to it alone:
 *   node --expose-gc dist/bench/child.js <mode> <json-args>
 * Modes: calibrate (the machine's memory latency and arithmetic speed), compile (text vocabulary → compiled, then serialised to the cache), tag (serialised
 * form loaded, full pipeline over the articles), substring and regex (the reference methods).
 * Prints one JSON line on stdout; progress goes to stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compileVocabulary, createMatcher, createTokenizer, deserializeCompiled, foldKey, isWasimError, parseVocabulary, serializeCompiled, type CompiledVocabulary, type TagResult } from '../core/index.js';
import { createNodeTagger } from '../node/tagger.js';
import { defaultHints } from '../node/vocab-file.js';
import { loadCorpus, utf8Bytes, type BenchArticle } from './corpus.js';

interface ChildArgs {
  vocabPath: string;
  compiledPath: string;
  articles: number;
  warmup: number;
  /** Seconds a reference method may spend before it stops and its speed is extrapolated. */
  budgetSeconds: number;
  /** Seconds wasim's own pass may take before it stops (the articles measured are reported). */
  tagBudgetSeconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});
const MB = 1024 * 1024;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function memory(baseHeap: number): { heapMB: number; rssMB: number; peakRssMB: number } {
  const heap = settledHeap();
  return {
    heapMB: (heap - baseHeap) / MB,
    rssMB: process.memoryUsage().rss / MB,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
  };
}

function log(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

function compileMode(a: ChildArgs): object {
  const tHints = now();
  const hints = defaultHints();
  const hintsMs = now() - tHints;
  const text = readFileSync(a.vocabPath, 'utf8');
  const base = settledHeap();
  const t0 = now();
  let parsed: ReturnType<typeof parseVocabulary> | undefined = parseVocabulary(text, formatOf(a.vocabPath), a.vocabPath);
  const t1 = now();
  const compiled = compileVocabulary(parsed.entries, hints);
  const t2 = now();
  const entries = parsed.entries.length;
  const warnings = parsed.warnings.length;
  parsed = undefined;
  const mem = memory(base);
  const t3 = now();
  const serialised = serializeCompiled(compiled);
  const t4 = now();
  writeFileSync(a.compiledPath, serialised);
  return {
    entries,
    warnings,
    tags: compiled.tags.length,
    patterns: compiled.patterns.length,
    distinctTokens: compiled.tokenIds.size,
    trieNodes: compiled.nodeCount,
    hintsMs,
    parseMs: t1 - t0,
    compileMs: t2 - t1,
    ...mem,
    serializeMs: t4 - t3,
    serialisedMB: serialised.length / MB,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function tagMode(a: ChildArgs): object {
  const base = settledHeap();
  const t0 = now();
  const compiled: CompiledVocabulary = deserializeCompiled(readFileSync(a.compiledPath));
  const loadMs = now() - t0;
  const loadMem = memory(base);
  const t1 = now();
  const tagger = createNodeTagger(compiled);
  const backgroundMs = now() - t1;
  const { articles } = loadCorpus(undefined, a.articles);
  log(`tagging ${articles.length} articles`);
  // Articles the tagger refuses (a few crawled pages hold control characters) cost their time and count as rejected, as in a batch.
  const tagOrReject = (article: BenchArticle): TagResult[] | undefined => {
    try {
      return tagger.tag(article);
    } catch (e) {
      if (isWasimError(e)) return undefined;
      throw e;
    }
  };
  // What tagging one article costs right after the load (a one-article `wasim tag`): cold code,
  // and the vocabulary's per-tag tables and caches made on the way.
  const t2 = now();
  if (articles.length > 0) tagOrReject(articles[0]!);
  const firstArticleMs = now() - t2;
  for (let i = 0; i < Math.min(a.warmup, articles.length); i++) tagOrReject(articles[i]!);
  let rejected = 0;
  const all = new Float64Array(articles.length);
  let tags = 0;
  let mentions = 0;
  let bytes = 0;
  let done = 0;
  const start = now();
  const deadline = start + a.tagBudgetSeconds * 1000;
  for (; done < articles.length && (done % 64 !== 0 || now() < deadline); done++) {
    const article = articles[done]!;
    const s = now();
    const results = tagOrReject(article);
    all[done] = now() - s;
    if (results === undefined) {
      rejected++;
      continue;
    }
    tags += results.length;
    for (const r of results) mentions += r.mentions.length;
  }
  const seconds = (now() - start) / 1000;
  const measured = articles.slice(0, done);
  for (const article of measured) bytes += utf8Bytes(article);
  const latencies = all.subarray(0, done);
  const sorted = Float64Array.from(latencies).sort();
  // The matcher alone (tokenise + match, no ranking) on the same articles: how the vocabulary's size weighs on matching.
  let matches = 0;
  const tokenizer = createTokenizer();
  const matcher = createMatcher(compiled);
  const matchStart = now();
  for (const article of measured) matches += matcher.match(tokenizer.tokenize(article.title)).matches.length + matcher.match(tokenizer.tokenize(article.body)).matches.length;
  const matchSeconds = (now() - matchStart) / 1000;
  return {
    loadMs,
    loadHeapMB: loadMem.heapMB,
    loadRssMB: loadMem.rssMB,
    backgroundMs,
    firstArticleMs,
    articles: done,
    rejected,
    sampled: done < articles.length,
    bytes,
    seconds,
    mbPerSecond: bytes / MB / seconds,
    articlesPerSecond: done / seconds,
    matchOnlyMbPerSecond: bytes / MB / matchSeconds,
    matchesPerArticle: matches / done,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    tagsPerArticle: tags / done,
    mentionsPerArticle: mentions / done,
    // Per-article times (µs), so the reference methods' samples can be compared on the very same articles.
    latenciesUs: Array.from(latencies, (ms) => Math.round(ms * 1000)),
  };
}

/** The generated lists are plain text; the default vocabulary (the real one) is JSON lines. */
function formatOf(path: string): 'txt' | 'jsonl' {
  return path.endsWith('.jsonl') ? 'jsonl' : 'txt';
}

/** Every form the reference methods look for: a line of a text list, or a JSON entry's label and aliases. */
function readTags(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  if (formatOf(path) === 'txt') return text.split('\n').filter((l) => l.trim() !== '');
  return parseVocabulary(text, 'jsonl', path).entries.flatMap((e) => [e.label, ...(e.aliases ?? [])]);
}

/** Runs `tagOne` over articles in order until the budget is spent; the speed is then extrapolated. */
function sampled(articles: readonly BenchArticle[], budgetSeconds: number, tagOne: (a: BenchArticle) => number): object {
  let done = 0;
  let found = 0;
  let bytes = 0;
  const start = now();
  const deadline = start + budgetSeconds * 1000;
  while (done < articles.length && (done === 0 || now() < deadline)) {
    found += tagOne(articles[done]!);
    bytes += utf8Bytes(articles[done]!);
    done++;
  }
  const seconds = (now() - start) / 1000;
  return { articles: done, sampled: done < articles.length, bytes, seconds, mbPerSecond: bytes / MB / seconds, articlesPerSecond: done / seconds, tagsPerArticle: found / done };
}

/** The old systems' method: a tag applies when its folded form occurs anywhere in the folded text. */
function substringMode(a: ChildArgs): object {
  const t0 = now();
  const folded = [...new Set(readTags(a.vocabPath).map(foldKey).filter((k) => k !== ''))];
  const prepareMs = now() - t0;
  const { articles } = loadCorpus(undefined, a.articles);
  log(`substring tagger, ${folded.length} tags, up to ${a.budgetSeconds}s`);
  const run = sampled(articles, a.budgetSeconds, (article) => {
    const title = foldKey(article.title);
    const body = foldKey(article.body);
    let n = 0;
    for (const tag of folded) if (title.includes(tag) || body.includes(tag)) n++;
    return n;
  });
  return { prepareMs, ...run };
}

// Outside a character class '-' is no syntax character, and under the u flag escaping it is an error.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

/** One alternation of every folded tag, longest first, bounded by lookarounds for word edges. */
function regexMode(a: ChildArgs): object {
  const t0 = now();
  const folded = [...new Set(readTags(a.vocabPath).map(foldKey).filter((k) => k !== ''))].sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  const source = `(?<![\\p{L}\\p{N}])(?:${folded.map((t) => t.replace(REGEX_SPECIAL, '\\$&')).join('|')})(?![\\p{L}\\p{N}])`;
  const prepareMs = now() - t0;
  const { articles } = loadCorpus(undefined, a.articles);
  let re: RegExp;
  const t1 = now();
  try {
    re = new RegExp(source, 'gu');
    // V8 compiles a pattern on first use and again to machine code once it is used: both belong to the build, not to the first article.
    for (let k = 0; k < 3; k++) {
      re.lastIndex = 0;
      re.test(foldKey(articles[0]?.body ?? 'تجربة'));
    }
    re.lastIndex = 0;
  } catch (e) {
    // V8's message quotes the whole pattern: its last words say what is wrong.
    const message = (e as Error).message;
    return { failed: `cannot build: ${message.length > 160 ? '… ' + message.slice(-120) : message}`, sourceChars: source.length, buildMs: prepareMs + (now() - t1) };
  }
  const buildMs = prepareMs + (now() - t1);
  log(`alternation regex, ${folded.length} tags (${(source.length / MB).toFixed(1)}M chars), up to ${a.budgetSeconds}s`);
  const run = sampled(articles, a.budgetSeconds, (article) => {
    const seen = new Set<string>();
    for (const text of [foldKey(article.title), foldKey(article.body)]) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) seen.add(m[0]);
    }
    return seen.size;
  });
  return { buildMs, sourceChars: source.length, ...run };
}

/**
 * How fast this machine is at what tagging spends its time on, so that runs on different
 * machines can be compared: a read whose address depends on the read before (a cache miss to
 * memory each time, as a lookup in a big vocabulary is) and a loop of integer arithmetic.
 * Best of three rounds of each.
 */
function calibrateMode(): object {
  const n = 1 << 24; // 64 MB of Int32: far beyond any cache
  const next = new Int32Array(n);
  // One random cycle through every slot (Sattolo's shuffle), from a fixed seed.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % i;
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  for (let i = 0; i < n; i++) next[order[i]!] = order[(i + 1) % n]!;
  const reads = 5_000_000;
  const steps = 100_000_000;
  let randomReadNs = Infinity;
  let arithmeticNs = Infinity;
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    let at = 0;
    let t0 = now();
    for (let i = 0; i < reads; i++) at = next[at]!;
    randomReadNs = Math.min(randomReadNs, ((now() - t0) * 1e6) / reads);
    let h = at | 0;
    t0 = now();
    for (let i = 0; i < steps; i++) h = Math.imul(h ^ i, 0x01000193);
    arithmeticNs = Math.min(arithmeticNs, ((now() - t0) * 1e6) / steps);
    sink ^= h;
  }
  return { randomReadNs, arithmeticNs, sink };
}

const [mode, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}') as ChildArgs;
const modes: Record<string, (a: ChildArgs) => object> = { compile: compileMode, tag: tagMode, substring: substringMode, regex: regexMode, calibrate: calibrateMode };
const run = modes[mode ?? ''];
if (!run) {
  process.stderr.write(`bench child: unknown mode ${mode}\n`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(run(args)) + '\n');

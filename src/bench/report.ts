/**
 * Benchmark results: the machine they were measured on, the derived rows (ratios on the very
 * same articles), the targets, and their rendering as a console table and as docs/benchmarks.md.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface ChildOutcome {
  ok: boolean;
  data?: Record<string, unknown>;
  error?: string;
}

export interface SizeResult {
  /** Tags (entries) in the vocabulary. */
  size: number;
  /** A named vocabulary (the shipped default) rather than a generated list of `size` tags. */
  name?: string;
  compile: ChildOutcome;
  tag: ChildOutcome;
  substring: ChildOutcome;
  regex: ChildOutcome;
  /** wasim's time (s) on exactly the articles each reference method got through. */
  sameArticles?: { substringWasimSeconds?: number; regexWasimSeconds?: number };
}

export interface BenchResult {
  date: string;
  command: string;
  quick: boolean;
  machine: ReturnType<typeof machine> & { loadAverageAtStart?: number[]; loadAverageAtEnd?: number[]; randomReadNs?: number; arithmeticNs?: number };
  corpus: { articles: number; bytes: number; skippedEmpty: number; budgetSeconds: number; tagBudgetSeconds?: number };
  vocabularies: Record<string, unknown>;
  sizes: SizeResult[];
  jobs?: { size: number; articles: number; bytes: number; oneSeconds: number; twoSeconds: number; speedup: number };
  totalSeconds: number;
}

function commitOfCheckout(): string {
  try {
    let commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- src', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dirty) commit += ' (+ uncommitted changes in src/)';
    return commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function machine(): { cpu: string; cores: number; availableParallelism: number; memoryGB: number; node: string; os: string; commit: string } {
  // A run from a clean export of a commit (so that nothing rebuilds dist/ under it) names that commit.
  const commit = process.env.WASIM_BENCH_COMMIT ?? commitOfCheckout();
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit,
  };
}

/** Keeps the per-article times out of the saved result once the same-article comparisons are made. */
export function derive(r: SizeResult): SizeResult {
  const lat = r.tag.data?.latenciesUs as number[] | undefined;
  if (lat) {
    const firstK = (k: number): number => lat.slice(0, k).reduce((s, v) => s + v, 0) / 1e6;
    const sub = r.substring.data?.articles as number | undefined;
    const rx = r.regex.data?.articles as number | undefined;
    r.sameArticles = { substringWasimSeconds: sub ? firstK(sub) : undefined, regexWasimSeconds: rx ? firstK(rx) : undefined };
    delete r.tag.data!.latenciesUs;
  }
  return r;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function fmt(v: number | undefined, digits = 1): string {
  if (v === undefined) return '—';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en');
  return v.toFixed(digits);
}

function label(size: number): string {
  return size >= 1e6 ? `${size / 1e6}M` : size >= 1e3 ? `${size / 1e3}k` : String(size);
}

/** A row's name in the tables: the generated list's size, or the named vocabulary with its size. */
function rowLabel(r: { size: number; name?: string }): string {
  return r.name === undefined ? label(r.size) : `${r.name} (${r.size.toLocaleString('en')} tags)`;
}

interface Row {
  size: number;
  name?: string;
  compileS?: number;
  parseS?: number;
  heapMB?: number;
  peakRssMB?: number;
  serialisedMB?: number;
  loadS?: number;
  firstArticleS?: number;
  mbps?: number;
  aps?: number;
  p50?: number;
  p99?: number;
  tagsPerArticle?: number;
  matchMbps?: number;
  matchesPerArticle?: number;
  tagged?: number;
  subMbps?: number;
  subNote: string;
  subRatio?: number;
  rxMbps?: number;
  rxNote: string;
  rxRatio?: number;
  rxBuildS?: number;
}

function referenceNote(o: ChildOutcome): string {
  if (!o.ok) return o.error ?? 'failed';
  if (o.data?.failed) return String(o.data.failed);
  const n = num(o.data?.articles);
  return o.data?.sampled ? `sample of ${n} articles, extrapolated` : `all ${n} articles`;
}

export function rows(result: BenchResult): Row[] {
  return result.sizes.map((s) => {
    const c = s.compile.data ?? {};
    const t = s.tag.data ?? {};
    const sub = s.substring.data ?? {};
    const rx = s.regex.data ?? {};
    const subSeconds = num(sub.seconds);
    const rxSeconds = num(rx.seconds);
    return {
      size: s.size,
      name: s.name,
      parseS: num(c.parseMs) !== undefined ? num(c.parseMs)! / 1000 : undefined,
      compileS: num(c.compileMs) !== undefined ? num(c.compileMs)! / 1000 : undefined,
      heapMB: num(c.heapMB),
      peakRssMB: num(c.peakRssMB),
      serialisedMB: num(c.serialisedMB),
      loadS: num(t.loadMs) !== undefined ? num(t.loadMs)! / 1000 : undefined,
      firstArticleS: num(t.firstArticleMs) !== undefined ? num(t.firstArticleMs)! / 1000 : undefined,
      mbps: num(t.mbPerSecond),
      aps: num(t.articlesPerSecond),
      p50: num(t.p50Ms),
      p99: num(t.p99Ms),
      tagsPerArticle: num(t.tagsPerArticle),
      matchMbps: num(t.matchOnlyMbPerSecond),
      matchesPerArticle: num(t.matchesPerArticle),
      tagged: num(t.articles),
      subMbps: sub.failed ? undefined : num(sub.mbPerSecond),
      subNote: referenceNote(s.substring),
      subRatio: subSeconds && s.sameArticles?.substringWasimSeconds ? subSeconds / s.sameArticles.substringWasimSeconds : undefined,
      rxMbps: rx.failed ? undefined : num(rx.mbPerSecond),
      rxNote: referenceNote(s.regex),
      rxRatio: rxSeconds && s.sameArticles?.regexWasimSeconds ? rxSeconds / s.sameArticles.regexWasimSeconds : undefined,
      rxBuildS: num(rx.buildMs) !== undefined ? num(rx.buildMs)! / 1000 : undefined,
    };
  });
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean | undefined;
}

export function targets(result: BenchResult): Target[] {
  const rs = rows(result);
  const at = (n: number): Row | undefined => rs.find((r) => r.size === n && r.name === undefined);
  const rDefault = rs.find((r) => r.name === 'default');
  const r100k = at(100_000);
  const r1k = at(1_000);
  const r1m = at(1_000_000);
  const out: Target[] = [];
  const check = (name: string, goal: string, value: number | undefined, unit: string, ok: (v: number) => boolean): void => {
    out.push({ name, goal, value: value === undefined ? 'not measured' : `${fmt(value, 2)}${unit}`, met: value === undefined ? undefined : ok(value) });
  };
  const jobs = result.jobs;
  check('Single-thread throughput, 100k tags, in-process', '≥ 30 MB/s', r100k?.mbps, ' MB/s', (v) => v >= 30);
  check('Single-thread throughput, 100k tags, `wasim tag --input … --jobs 1` end to end', '≥ 30 MB/s', jobs ? jobs.bytes / 1048576 / jobs.oneSeconds : undefined, ' MB/s', (v) => v >= 30);
  check('`--jobs 1` end to end over the in-process pipeline, 100k tags (time ratio)', '≤ 1.5×', jobs && r100k?.mbps ? r100k.mbps / (jobs.bytes / 1048576 / jobs.oneSeconds) : undefined, '×', (v) => v <= 1.5);
  check('Single-thread throughput, default vocabulary, in-process', '≥ 40 MB/s', rDefault?.mbps, ' MB/s', (v) => v >= 40);
  check('Speed-up over the substring tagger, 100k tags', '≥ 500×', r100k?.subRatio, '×', (v) => v >= 500);
  check('Throughput drop from 1k to 1M tags', '< 2×', r1k?.mbps && r1m?.mbps ? r1k.mbps / r1m.mbps : undefined, '×', (v) => v < 2);
  check('(matching alone, no ranking: drop from 1k to 1M tags)', '< 2×', r1k?.matchMbps && r1m?.matchMbps ? r1k.matchMbps / r1m.matchMbps : undefined, '×', (v) => v < 2);
  check('Compile time, 1M tags (parse + compile)', '< 10 s', r1m?.compileS !== undefined ? r1m.compileS + (r1m.parseS ?? 0) : undefined, ' s', (v) => v < 10);
  check('Compile memory, 1M tags (peak RSS of the process)', '< 1 GB', r1m?.peakRssMB, ' MB', (v) => v < 1024);
  check('Load of the serialised form, 1M tags', '< 0.5 s', r1m?.loadS, ' s', (v) => v < 0.5);
  check('--jobs 2 over --jobs 1', '≥ 1.8×', jobs?.speedup, '×', (v) => v >= 1.8);
  return out;
}

function table(head: string[], body: string[][]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of body) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

function sizeTables(result: BenchResult): string {
  const rs = rows(result);
  const vocab = table(
    ['tags', 'parse (s)', 'compile (s)', 'heap retained (MB)', 'peak RSS (MB)', 'serialised (MB)', 'load serialised (s)', 'then first article (s)'],
    rs.map((r) => [rowLabel(r), fmt(r.parseS, 2), fmt(r.compileS, 2), fmt(r.heapMB), fmt(r.peakRssMB), fmt(r.serialisedMB), fmt(r.loadS, 2), fmt(r.firstArticleS, 2)]),
  );
  const speed = table(
    ['tags', 'MB/s', 'articles/s', 'p50 (ms)', 'p99 (ms)', 'articles measured', 'tags/article (top 20)', 'matching alone MB/s', 'mentions matched/article'],
    rs.map((r) => [rowLabel(r), fmt(r.mbps, 2), fmt(r.aps), fmt(r.p50, 2), fmt(r.p99, 2), r.tagged?.toLocaleString('en') ?? '—', fmt(r.tagsPerArticle), fmt(r.matchMbps, 1), fmt(r.matchesPerArticle)]),
  );
  const versus = table(
    ['tags', 'wasim MB/s', 'substring MB/s', 'wasim / substring', 'substring run', 'regex MB/s', 'wasim / regex', 'regex build (s)', 'regex run'],
    rs.map((r) => [rowLabel(r), fmt(r.mbps, 2), fmt(r.subMbps, 3), r.subRatio ? `${fmt(r.subRatio)}×` : '—', r.subNote, fmt(r.rxMbps, 3), r.rxRatio ? `${fmt(r.rxRatio)}×` : '—', fmt(r.rxBuildS, 2), r.rxNote]),
  );
  return `### Vocabulary compile and load\n\n${vocab}\n\n### Tagging, single thread (full pipeline: matching and ranking)\n\n${speed}\n\n### Against the methods wasim replaces\n\n${versus}`;
}

export function renderTable(result: BenchResult): string {
  const t = targets(result)
    .map((x) => `${x.met === undefined ? '  ?' : x.met ? ' ok' : 'MISS'}  ${x.name}: ${x.value} (goal ${x.goal})`)
    .join('\n');
  const j = result.jobs ? `\n\n--jobs 1: ${result.jobs.oneSeconds.toFixed(1)} s, --jobs 2: ${result.jobs.twoSeconds.toFixed(1)} s (${result.jobs.speedup.toFixed(2)}×)` : '';
  return `${sizeTables(result)}${j}\n\n${t}`;
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const c = result.corpus;
  const v = result.vocabularies;
  const jobs = result.jobs
    ? table(
        ['jobs', 'wall clock (s)', 'articles/s', 'MB/s', 'speed-up'],
        [
          ['1', fmt(result.jobs.oneSeconds, 2), fmt(result.jobs.articles / result.jobs.oneSeconds), fmt(result.jobs.bytes / 1048576 / result.jobs.oneSeconds, 2), '1.00×'],
          ['2', fmt(result.jobs.twoSeconds, 2), fmt(result.jobs.articles / result.jobs.twoSeconds), fmt(result.jobs.bytes / 1048576 / result.jobs.twoSeconds, 2), `${result.jobs.speedup.toFixed(2)}×`],
        ],
      )
    : '_not run_';
  const t = table(
    ['target', 'goal', 'measured', ''],
    targets(result).map((x) => [x.name, x.goal, x.value, x.met === undefined ? '?' : x.met ? 'met' : '**missed**']),
  );
  return [
    `Measured ${result.date.slice(0, 16).replace('T', ' ')} UTC with \`${result.command}\` (${fmt(result.totalSeconds / 60, 1)} min).`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores (available parallelism ${m.availableParallelism}), ${m.memoryGB} GB RAM, ${m.os}`,
    ...(m.randomReadNs !== undefined && m.arithmeticNs !== undefined
      ? [`- Machine speed, to compare runs on other machines: ${fmt(m.randomReadNs, 1)} ns per dependent random read in 64 MB (memory latency: what lookups in a big vocabulary wait for), ${fmt(m.arithmeticNs, 2)} ns per step of an integer-hash loop`]
      : []),
    `- Node ${m.node}; wasim at commit ${m.commit}`,
    `- Load average (1, 5, 15 min) at start ${m.loadAverageAtStart?.join(', ') ?? '?'}, at end ${m.loadAverageAtEnd?.join(', ') ?? '?'} (other processes share the machine)`,
    `- Corpus: SaudiNewsNet, ${c.articles.toLocaleString('en')} articles with text (${c.skippedEmpty} empty pages skipped), ${fmt(c.bytes / 1048576)} MB of UTF-8 title + body`,
    `- Vocabularies: ${Number(v.tags).toLocaleString('en')} tags drawn from the corpus's own word n-grams (seed ${v.seed}; ${v.stopWords} most frequent words as stop list; 1M tags = ${(v.shapeOf1M as number[]).map((n, i) => `${Math.round((100 * n) / Number(v.tags))}% ${i + 1}-word`).join(', ')}); each smaller vocabulary is a prefix of the bigger ones`,
    `- wasim tags the articles in corpus order, after a warm-up, until ${c.tagBudgetSeconds ?? '∞'} s are spent (the number measured is given); "matching alone" is tokenising + matching (no ranking) of the same articles`,
    `- Reference methods run on the first articles of the same list until ${c.budgetSeconds} s are spent; their speed is then extrapolated and the ratio is taken against wasim's time on exactly those articles`,
    '',
    sizeTables(result),
    '',
    `### Parallel batch: \`wasim tag --input … --output … --jobs N\` (${result.jobs ? label(result.jobs.size) : ''} tags, compiled vocabulary, same ${result.jobs?.articles.toLocaleString('en') ?? ''} articles, wall clock including start-up)`,
    '',
    jobs,
    '',
    '### Targets',
    '',
    t,
  ].join('\n');
}

const BEGIN = '<!-- bench:begin (generated by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Replaces the generated part of docs/benchmarks.md, keeping the hand-written text around it. */
export function writeDocs(path: string, generated: string): void {
  const block = `${BEGIN}\n${generated}\n${END}`;
  if (!existsSync(path)) {
    writeFileSync(path, `# Benchmarks\n\n${block}\n`);
    return;
  }
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  writeFileSync(path, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`);
}

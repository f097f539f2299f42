/**
 * `npm run load [-- options]`: the service under HTTP load on this machine, loopback only. One
 * instance (src/bench/load-server.ts, a process of its own on a fresh SQLite file with the
 * default vocabulary) is driven by autocannon from this process, with the tagging pool as it
 * ships (a lower-priority lane for long articles), with one lane for all articles, and without
 * a pool (tagging on the event loop, the "before"):
 *
 * - c10, c50:  POST /v1/tag with a 3 KB Arabic article, 10 and 50 connections as fast as they go;
 * - rate:      the same article at a fixed rate (--rate, 200 req/s) over 10 connections;
 * - mixed:     one client sending 200k-character articles back to back, two clients sending the
 *              3 KB article beside it: the small requests' latency is the figure;
 * - soak:      --duration seconds (default 60; the documented run uses 300) of the fixed rate with
 *              the big-article client beside it and a vocabulary edit every minute, the server's
 *              memory sampled every 5 s (with the pool only, unless --modes says otherwise).
 *
 * Latencies are each response's own time (autocannon's per-response event, in fractions of a
 * ms), from the request being written to its answer read: at a fixed rate this does not count
 * the wait of a request that could not be sent in time (no coordinated-omission correction).
 *
 * Options: --only c10,c50,rate,mixed,soak  --modes pool,one-lane,inline  --seconds N (each scenario, 10)
 * --duration N (soak, 60)  --rate N (200)  --threads N (pool size; default: the cores)
 * --warmup N (seconds, 3)  --docs (write the figures into docs/benchmarks.md).
 * Results: bench/results/load-latest.json. The article text is generated (src/bench/news-text.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT } from './corpus.js';
import { LOAD_TOKEN, type FromLoadServer, type ToLoadServer } from './load-server.js';
import { readDefaultEntries } from '../node/vocab-file.js';
import { newsArticle, NEWS_PARAGRAPHS, variedNewsArticle } from './news-text.js';
import { machine } from './report.js';

type Scenario = 'c10' | 'c50' | 'rate' | 'mixed' | 'soak';
/** pool: as configured by default (a long-article lane); one-lane: WASIM_TAG_LONG_CHARS=0; inline: no pool. */
type Mode = 'pool' | 'one-lane' | 'inline';
const MODES: Mode[] = ['pool', 'one-lane', 'inline'];
const SCENARIOS: Scenario[] = ['c10', 'c50', 'rate', 'mixed', 'soak'];

interface Options {
  only: Scenario[];
  modes: Mode[];
  seconds: number;
  duration: number;
  rate: number;
  threads: number;
  warmup: number;
  docs: boolean;
  soakModes: Mode[];
}

function parseArgs(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) fail(`${name} needs a value`);
    return v;
  };
  const known = new Set(['--only', '--modes', '--seconds', '--duration', '--rate', '--threads', '--warmup', '--docs']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) fail(`unknown option ${a}`);
  const positive = (name: string, fallback: number, min = 1): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] => {
    const v = value(name);
    if (v === undefined) return fallback;
    const items = v.split(',').map((s) => s.trim()) as T[];
    for (const x of items) if (!allowed.includes(x)) fail(`${name}: ${x} is not one of ${allowed.join(', ')}`);
    return items;
  };
  const modes = list<Mode>('--modes', MODES, MODES);
  return {
    only: list<Scenario>('--only', SCENARIOS, SCENARIOS),
    modes,
    // The soak measures memory of the deployment as it ships (the pool) unless modes are named.
    soakModes: argv.includes('--modes') ? modes : ['pool'],
    seconds: positive('--seconds', 10),
    duration: positive('--duration', 60),
    rate: positive('--rate', 200),
    threads: positive('--threads', os.availableParallelism()),
    warmup: positive('--warmup', 3, 0),
    docs: argv.includes('--docs'),
  };
}

function fail(message: string): never {
  process.stderr.write(`load: ${message}\n`);
  process.exit(2);
}

// ---- the server

interface Server {
  child: ChildProcess;
  url: string;
  threads: number;
  longThreads: number;
  startMs: number;
  memory(): Promise<Extract<FromLoadServer, { type: 'memory' }>>;
  stop(): Promise<void>;
}

async function startServer(mode: Mode, threads: number): Promise<Server> {
  const child = fork(new URL('./load-server.js', import.meta.url), [], {
    env: { ...process.env, WASIM_TAG_THREADS: mode === 'inline' ? '0' : String(threads), ...(mode === 'one-lane' ? { WASIM_TAG_LONG_CHARS: '0' } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<FromLoadServer, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 120 s')), 120_000);
    child.on('message', function onReady(m: FromLoadServer) {
      if (m.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onReady);
        resolve(m);
      } else if (m.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`the server failed to start: ${m.message}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} before it was ready`));
    });
  });
  return {
    child,
    url: ready.url,
    threads: ready.threads,
    longThreads: ready.longThreads,
    startMs: ready.startMs,
    memory: () =>
      new Promise((resolve) => {
        child.on('message', function onMemory(m: FromLoadServer) {
          if (m.type === 'memory') {
            child.off('message', onMemory);
            resolve(m);
          }
        });
        child.send({ type: 'memory' } satisfies ToLoadServer);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' } satisfies ToLoadServer);
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

// ---- load

interface Figures {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers other than 200, by status; connection errors and timeouts. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface CannonOptions {
  url: string;
  /** Request bodies, sent in turn on each connection. */
  bodies: readonly string[];
  connections: number;
  /** Run for this long, or until `amount` requests are answered. */
  seconds?: number;
  amount?: number;
  rate?: number;
}

async function cannon(o: CannonOptions): Promise<Figures> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        requests: o.bodies.map((body) => ({ method: 'POST' as const, path: '/v1/tag', headers: { 'content-type': 'application/json' }, body })),
        connections: o.connections,
        ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 10 }),
        ...(o.rate ? { overallRate: o.rate } : {}),
        timeout: 30,
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode !== 200) statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds: result.duration,
    rps: latencies.length / result.duration,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

// Twelve different 3 KB articles and eight different 200k-character ones, sent in turn: one
// article over and over would find every word's analysis cached after the first request.
const SMALL = Array.from({ length: NEWS_PARAGRAPHS.length }, (_, i) => newsArticle(1650, i));
const NAMES = readDefaultEntries().map((e) => e.label);
const BIG = Array.from({ length: 8 }, (_, i) => variedNewsArticle(200_000, NAMES, i + 1));
const SMALL_BODY = SMALL.map((a) => JSON.stringify(a));
const BIG_BODY = BIG.map((a) => JSON.stringify(a));

interface MemorySample {
  t: number;
  rssMB: number;
  heapUsedMB: number;
  arrayBuffersMB: number;
}

interface SoakResult {
  seconds: number;
  small: Figures;
  big: Figures;
  edits: number;
  editFailures: number;
  samples: MemorySample[];
  /** Medians of the first and the last minute after the first 30 s, and the highest sample. */
  rss: { firstMinuteMB: number; lastMinuteMB: number; maxMB: number };
  heapUsed: { firstMinuteMB: number; lastMinuteMB: number; maxMB: number };
}

interface ModeResult {
  mode: Mode;
  threads: number;
  longThreads: number;
  startMs: number;
  scenarios: Partial<Record<Exclude<Scenario, 'mixed' | 'soak'>, Figures & { loadavg: number[] }>>;
  mixed?: { small: Figures; big: Figures; loadavg: number[] };
  soak?: SoakResult & { loadavg: number[] };
}

const MB = 1024 * 1024;
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const loadavg = () => os.loadavg().map((v) => round(v, 2));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

async function soak(server: Server, o: Options): Promise<SoakResult> {
  const samples: MemorySample[] = [];
  const start = Date.now();
  const end = start + o.duration * 1000;
  let edits = 0;
  let editFailures = 0;
  const sampler = (async () => {
    while (Date.now() < end) {
      const m = await server.memory();
      samples.push({ t: round((Date.now() - start) / 1000), rssMB: round(m.rss / MB), heapUsedMB: round(m.heapUsed / MB), arrayBuffersMB: round(m.arrayBuffers / MB) });
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, Math.max(0, end - Date.now()))));
    }
  })();
  // A vocabulary edit a minute: every version swap must let the old compiled vocabulary go.
  const editor = (async () => {
    for (let i = 1; ; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60_000 - ((Date.now() - start) % 60_000)));
      if (Date.now() >= end - 5000) return;
      const r = await fetch(`${server.url}/v1/vocabulary?wait=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${LOAD_TOKEN}` },
        body: JSON.stringify({ id: `load-${i}`, label: `حي الاختبار ${i}`, type: 'place' }),
      }).catch(() => undefined);
      edits++;
      if (!r || r.status !== 201) editFailures++;
    }
  })();
  const [small, big] = await Promise.all([
    cannon({ url: server.url, bodies: SMALL_BODY, connections: 10, seconds: o.duration, rate: o.rate }),
    cannon({ url: server.url, bodies: BIG_BODY, connections: 1, seconds: o.duration }),
  ]);
  await Promise.all([sampler, editor]);
  const window = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to);
  const first = window(30, 90);
  const last = window(Math.max(30, o.duration - 60), o.duration + 1);
  return {
    seconds: o.duration,
    small,
    big,
    edits,
    editFailures,
    samples,
    rss: { firstMinuteMB: median(first.map((s) => s.rssMB)), lastMinuteMB: median(last.map((s) => s.rssMB)), maxMB: Math.max(...samples.map((s) => s.rssMB)) },
    heapUsed: { firstMinuteMB: median(first.map((s) => s.heapUsedMB)), lastMinuteMB: median(last.map((s) => s.heapUsedMB)), maxMB: Math.max(...samples.map((s) => s.heapUsedMB)) },
  };
}

async function runMode(mode: Mode, o: Options): Promise<ModeResult> {
  const server = await startServer(mode, o.threads);
  const result: ModeResult = { mode, threads: server.threads, longThreads: server.longThreads, startMs: server.startMs, scenarios: {} };
  const say = (s: string) => process.stderr.write(`[${mode}] ${s}\n`);
  try {
    say(`server at ${server.url}, ${server.threads} tagging threads + ${server.longThreads} for long articles, ready in ${server.startMs} ms`);
    if (o.warmup > 0) {
      // Compiled code and the word caches of every tagger (one per thread) warm up first: the
      // figures are of a service that has been running, not of its first seconds.
      await cannon({ url: server.url, bodies: SMALL_BODY, connections: 10, seconds: o.warmup });
      const bigThreads = Math.max(1, server.longThreads || server.threads);
      await cannon({ url: server.url, bodies: BIG_BODY, connections: bigThreads, amount: 2 * BIG_BODY.length * bigThreads });
    }
    for (const [name, connections] of [['c10', 10], ['c50', 50]] as const) {
      if (!o.only.includes(name)) continue;
      say(`${name}: ${connections} connections, ${o.seconds} s`);
      result.scenarios[name] = { ...(await cannon({ url: server.url, bodies: SMALL_BODY, connections, seconds: o.seconds })), loadavg: loadavg() };
    }
    if (o.only.includes('rate')) {
      say(`rate: ${o.rate} req/s, ${o.seconds} s`);
      result.scenarios.rate = { ...(await cannon({ url: server.url, bodies: SMALL_BODY, connections: 10, seconds: o.seconds, rate: o.rate })), loadavg: loadavg() };
    }
    if (o.only.includes('mixed')) {
      say(`mixed: 200k-character articles back to back beside two small-article clients, ${o.seconds} s`);
      const [small, big] = await Promise.all([
        cannon({ url: server.url, bodies: SMALL_BODY, connections: 2, seconds: o.seconds }),
        cannon({ url: server.url, bodies: BIG_BODY, connections: 1, seconds: o.seconds }),
      ]);
      result.mixed = { small, big, loadavg: loadavg() };
    }
    if (o.only.includes('soak') && o.soakModes.includes(mode)) {
      say(`soak: ${o.duration} s at ${o.rate} req/s with big articles beside and a vocabulary edit a minute`);
      result.soak = { ...(await soak(server, o)), loadavg: loadavg() };
    }
  } finally {
    await server.stop();
  }
  return result;
}

// ---- report

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const refusals = (f: Figures) => {
  const parts = Object.entries(f.statuses).map(([s, n]) => `${n}× ${s}`);
  if (f.errors) parts.push(`${f.errors} errors`);
  return parts.length ? parts.join(', ') : 'none';
};

function render(results: ModeResult[], o: Options, started: { at: Date; loadavg: number[] }, ended: number[]): string {
  const m = machine();
  const name = (r: ModeResult) => (r.mode === 'inline' ? 'event loop (no pool)' : r.longThreads ? `pool: ${r.threads} threads + ${r.longThreads} for long articles` : `pool: ${r.threads} threads, one lane`);
  const out: string[] = [];
  out.push(`Measured ${started.at.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run load -- ${process.argv.slice(2).join(' ')}\`.`, '');
  out.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB RAM, ${m.os}; Node ${m.node}; wasim at commit ${m.commit}`);
  out.push(`- Load average (1, 5, 15 min) at start ${started.loadavg.join(', ')}, at end ${ended.join(', ')}: other processes share the machine, and the load generator (autocannon) runs on the same 2 cores as the service`);
  out.push(`- One instance, SQLite, the default vocabulary (5,677 tags); small articles: ${SMALL.length} written ones of ${SMALL[0]!.title.length + SMALL[0]!.body.length} characters (${(Buffer.byteLength(SMALL_BODY[0]!) / 1024).toFixed(1)} KB of JSON), sent in turn; big articles: ${BIG.length} generated ones of ${BIG[0]!.title.length + BIG[0]!.body.length} characters (src/bench/news-text.ts), in turn; ${o.seconds} s per scenario after a ${o.warmup} s warm-up`, '');
  out.push('| Scenario | Tagging | req/s | p50 ms | p90 ms | p99 ms | max ms | not 200 | load (1 min) |', '|---|---|---:|---:|---:|---:|---:|---|---:|');
  const row = (label: string, r: ModeResult, f: Figures, load: number[]) => out.push(`| ${label} | ${name(r)} | ${f.rps.toFixed(0)} | ${ms(f.p50)} | ${ms(f.p90)} | ${ms(f.p99)} | ${ms(f.max)} | ${refusals(f)} | ${load[0]} |`);
  for (const [key, label] of [['c10', '3 KB article, 10 connections'], ['c50', '3 KB article, 50 connections'], ['rate', `3 KB article at ${o.rate} req/s`]] as const) {
    for (const r of results) {
      const f = r.scenarios[key];
      if (f) row(label, r, f, f.loadavg);
    }
  }
  for (const r of results) {
    if (!r.mixed) continue;
    row('small requests (2 clients) beside 200k-character articles', r, r.mixed.small, r.mixed.loadavg);
    row('… the 200k-character articles (1 client, back to back)', r, r.mixed.big, r.mixed.loadavg);
  }
  for (const r of results) {
    const s = r.soak;
    if (!s) continue;
    out.push('', `Soak, ${name(r)}: ${s.seconds} s of the 3 KB article at ${o.rate} req/s (10 connections) with 200k-character articles back to back beside it and a vocabulary edit every minute (${s.edits} edits, ${s.editFailures} failed); memory of the service process (all threads) every 5 s.`, '');
    out.push(`- small requests: ${s.small.requests} answered, p50 ${ms(s.small.p50)} ms, p99 ${ms(s.small.p99)} ms, not 200: ${refusals(s.small)}; big articles: ${s.big.requests} answered, p50 ${ms(s.big.p50)} ms`);
    out.push(`- RSS: ${s.rss.firstMinuteMB} MB (median of the first minute after 30 s) → ${s.rss.lastMinuteMB} MB (median of the last minute), highest ${s.rss.maxMB} MB`);
    out.push(`- main-thread heap used: ${s.heapUsed.firstMinuteMB} MB → ${s.heapUsed.lastMinuteMB} MB, highest ${s.heapUsed.maxMB} MB`);
    const perMinute: string[] = [];
    for (let t = 0; t < s.seconds; t += 60) {
      const w = s.samples.filter((x) => x.t >= t && x.t < t + 60);
      if (w.length) perMinute.push(`${t / 60}–${t / 60 + 1} min: ${median(w.map((x) => x.rssMB))} MB RSS, ${median(w.map((x) => x.heapUsedMB))} MB heap`);
    }
    out.push(`- by minute (medians): ${perMinute.join('; ')}; load average at end ${s.loadavg.join(', ')}`);
  }
  return out.join('\n') + '\n';
}

const BEGIN = '<!-- load:begin (generated by npm run load -- --docs; edit outside these markers) -->';
const END = '<!-- load:end -->';

function writeDocs(markdown: string): void {
  const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const doc = readFileSync(path, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) fail(`docs/benchmarks.md has no ${BEGIN} … ${END} markers to write between`);
  writeFileSync(path, doc.slice(0, a + BEGIN.length) + '\n' + markdown + doc.slice(b));
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = { at: new Date(), loadavg: loadavg() };
  process.stderr.write(`load: load average ${started.loadavg.join(', ')} at start\n`);
  const results: ModeResult[] = [];
  for (const mode of o.modes) results.push(await runMode(mode, o));
  const markdown = render(results, o, started, loadavg());
  process.stdout.write(markdown);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'load-latest.json'), JSON.stringify({ options: o, machine: machine(), startedAt: started.at.toISOString(), loadavg: { start: started.loadavg, end: loadavg() }, results }, null, 1) + '\n');
  if (o.docs) writeDocs(markdown);
}

main().catch((e: unknown) => fail((e as Error).message));

/**
 * Prometheus text exposition (format 0.0.4), written by hand: a few counters and one histogram
 * do not justify a metrics library. Routes are labelled by their pattern (/v1/articles/:id),
 * never by the raw URL, so the label set stays bounded.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How often the event loop is sampled; a sample is the time between two such timer ticks. */
const LOOP_RESOLUTION_MS = 10;
const LOOP_QUANTILES = [0.5, 0.9, 0.99] as const;
import type { TagLanesStats, TagPoolStats } from './tag-pool.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export interface Gauges {
  vocabularySize: number;
  vocabularyVersion: number;
  taggerReady: boolean;
  /** The tagging pool's state; absent when tagging runs on the event loop. */
  pool?: TagLanesStats;
  /** The job queue (shared by every instance on PostgreSQL) and the jobs not finished. */
  jobs?: {
    depth: { queued: number; active: number };
    open: { id: number; kind: string; status: string; total: number; done: number }[];
  };
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, Histogram>();
  private articlesTagged = 0;
  private articlesStored = 0;
  private taggerCompiles = 0;
  private readonly started = Date.now();
  private readonly loopDelay: IntervalHistogram;

  constructor() {
    this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loopDelay.enable();
  }

  /** Stops sampling the event loop. */
  stop(): void {
    this.loopDelay.disable();
  }

  /**
   * Event-loop lag since the previous scrape, in seconds: how much later than due the sampling
   * timer fired (its interval taken off), at the quantiles and at worst. A request that
   * blocks the loop for 200 ms shows as a max of about 0.2. Read and reset by each scrape.
   */
  private eventLoopLag(): { quantiles: [number, number][]; max: number } {
    const h = this.loopDelay;
    // Before the first sample the histogram's percentiles are 0 and its max a huge sentinel.
    const lag = (ns: number) => (h.count > 0 ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) / 1000 : 0);
    const out = { quantiles: LOOP_QUANTILES.map((q): [number, number] => [q, lag(h.percentile(q * 100))]), max: lag(h.max) };
    h.reset();
    return out;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = JSON.stringify([method, route, String(status)]);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = JSON.stringify([method, route]);
    let h = this.durations.get(hkey);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(hkey, h);
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  countTagged(n = 1): void {
    this.articlesTagged += n;
  }

  countStored(n = 1): void {
    this.articlesStored += n;
  }

  countCompile(): void {
    this.taggerCompiles++;
  }

  render(gauges: Gauges): string {
    const out: string[] = [];
    out.push('# HELP wasim_http_requests_total HTTP requests by method, route pattern and status.', '# TYPE wasim_http_requests_total counter');
    for (const [key, n] of this.requests) {
      const [method, route, status] = JSON.parse(key) as string[];
      out.push(`wasim_http_requests_total${labels({ method: method!, route: route!, status: status! })} ${n}`);
    }
    out.push('# HELP wasim_http_request_duration_seconds Time to answer a request.', '# TYPE wasim_http_request_duration_seconds histogram');
    for (const [key, h] of this.durations) {
      const [method, route] = JSON.parse(key) as string[];
      const l = { method: method!, route: route! };
      BUCKETS.forEach((b, i) => out.push(`wasim_http_request_duration_seconds_bucket${labels({ ...l, le: String(b) })} ${h.counts[i]}`));
      out.push(`wasim_http_request_duration_seconds_bucket${labels({ ...l, le: '+Inf' })} ${h.count}`);
      out.push(`wasim_http_request_duration_seconds_sum${labels(l)} ${h.sum}`);
      out.push(`wasim_http_request_duration_seconds_count${labels(l)} ${h.count}`);
    }
    out.push('# HELP wasim_articles_tagged_total Articles run through the tagger (tag, store, retag).', '# TYPE wasim_articles_tagged_total counter', `wasim_articles_tagged_total ${this.articlesTagged}`);
    out.push('# HELP wasim_articles_stored_total Articles newly stored.', '# TYPE wasim_articles_stored_total counter', `wasim_articles_stored_total ${this.articlesStored}`);
    out.push('# HELP wasim_tagger_compiles_total Vocabulary compilations.', '# TYPE wasim_tagger_compiles_total counter', `wasim_tagger_compiles_total ${this.taggerCompiles}`);
    out.push('# HELP wasim_tagger_vocabulary_size Tags in the vocabulary the tagger uses.', '# TYPE wasim_tagger_vocabulary_size gauge', `wasim_tagger_vocabulary_size ${gauges.vocabularySize}`);
    out.push('# HELP wasim_tagger_vocabulary_version Vocabulary version the tagger was compiled from.', '# TYPE wasim_tagger_vocabulary_version gauge', `wasim_tagger_vocabulary_version ${gauges.vocabularyVersion}`);
    out.push('# HELP wasim_tagger_ready 1 when a compiled tagger is serving.', '# TYPE wasim_tagger_ready gauge', `wasim_tagger_ready ${gauges.taggerReady ? 1 : 0}`);
    const loop = this.eventLoopLag();
    out.push('# HELP wasim_event_loop_lag_seconds Event-loop lag since the previous scrape, by quantile (perf_hooks.monitorEventLoopDelay).', '# TYPE wasim_event_loop_lag_seconds gauge');
    for (const [q, v] of loop.quantiles) out.push(`wasim_event_loop_lag_seconds${labels({ quantile: String(q) })} ${v}`);
    out.push('# HELP wasim_event_loop_lag_max_seconds The longest event-loop lag since the previous scrape.', '# TYPE wasim_event_loop_lag_max_seconds gauge', `wasim_event_loop_lag_max_seconds ${loop.max}`);
    out.push(...renderPool(gauges.pool));
    if (gauges.jobs) {
      const { depth, open } = gauges.jobs;
      out.push('# HELP wasim_job_queue_depth Job chunks waiting for a worker (queued) and held by one (active).', '# TYPE wasim_job_queue_depth gauge');
      out.push(`wasim_job_queue_depth${labels({ state: 'queued' })} ${depth.queued}`, `wasim_job_queue_depth${labels({ state: 'active' })} ${depth.active}`);
      out.push('# HELP wasim_jobs_open Jobs queued or running.', '# TYPE wasim_jobs_open gauge');
      for (const status of ['queued', 'running']) out.push(`wasim_jobs_open${labels({ status })} ${open.filter((j) => j.status === status).length}`);
      out.push('# HELP wasim_job_progress_ratio Done over total of each open job (0 to 1).', '# TYPE wasim_job_progress_ratio gauge');
      for (const j of open) out.push(`wasim_job_progress_ratio${labels({ job: String(j.id), kind: j.kind })} ${j.total ? j.done / j.total : 0}`);
      out.push('# HELP wasim_job_done Articles (or entries) done of each open job.', '# TYPE wasim_job_done gauge');
      for (const j of open) out.push(`wasim_job_done${labels({ job: String(j.id), kind: j.kind })} ${j.done}`);
      out.push('# HELP wasim_job_total Articles (or entries) to do of each open job.', '# TYPE wasim_job_total gauge');
      for (const j of open) out.push(`wasim_job_total${labels({ job: String(j.id), kind: j.kind })} ${j.total}`);
    }
    out.push('# HELP wasim_uptime_seconds Seconds since the service started.', '# TYPE wasim_uptime_seconds gauge', `wasim_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    return out.join('\n') + '\n';
  }
}

/**
 * The tagging pool, by lane ("standard", and "long" for long articles when that lane exists):
 * utilisation now (busy threads over threads) and over any window from the thread-time counter
 * (rate(wasim_tag_pool_busy_seconds_total[1m]) / wasim_tag_pool_threads). Without a pool the
 * standard lane has 0 threads.
 */
function renderPool(pool: TagLanesStats | undefined): string[] {
  const idle: TagPoolStats = { threads: 0, busy: 0, queued: 0, maxQueue: 0, tasks: 0, busySeconds: 0, refused: { queueFull: 0, deadline: 0, workerFailed: 0 } };
  const lanes: [string, TagPoolStats][] = pool ? [['standard', pool.lanes.standard], ...(pool.lanes.long ? [['long', pool.lanes.long] as [string, TagPoolStats]] : [])] : [['standard', idle]];
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, value: (p: TagPoolStats) => number) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [lane, p] of lanes) out.push(`${name}${labels({ lane })} ${value(p)}`);
  };
  family('wasim_tag_pool_threads', 'gauge', 'Worker threads that tag articles (0: tagging on the event loop).', (p) => p.threads);
  family('wasim_tag_pool_busy_threads', 'gauge', 'Tagging threads running an article now.', (p) => p.busy);
  family('wasim_tag_pool_utilization', 'gauge', 'Busy tagging threads over all tagging threads, now (0 to 1).', (p) => (p.threads ? p.busy / p.threads : 0));
  family('wasim_tag_pool_queue_depth', 'gauge', 'Articles waiting for a tagging thread.', (p) => p.queued);
  family('wasim_tag_pool_queue_limit', 'gauge', 'Articles allowed to wait before requests are refused with 503 BUSY.', (p) => p.maxQueue);
  family('wasim_tag_pool_tasks_total', 'counter', 'Tasks the tagging threads finished: articles, and readying each thread for a new vocabulary version.', (p) => p.tasks);
  family('wasim_tag_pool_busy_seconds_total', 'counter', 'Thread time spent tagging.', (p) => p.busySeconds);
  out.push('# HELP wasim_tag_pool_refused_total Tagging requests refused or failed: queue full (503), deadline passed (504), thread stopped (500).', '# TYPE wasim_tag_pool_refused_total counter');
  for (const [lane, p] of lanes) {
    out.push(`wasim_tag_pool_refused_total${labels({ lane, reason: 'queue_full' })} ${p.refused.queueFull}`);
    out.push(`wasim_tag_pool_refused_total${labels({ lane, reason: 'deadline' })} ${p.refused.deadline}`);
    out.push(`wasim_tag_pool_refused_total${labels({ lane, reason: 'worker_failed' })} ${p.refused.workerFailed}`);
  }
  return out;
}

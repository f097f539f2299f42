/**
 * Prometheus text exposition (format 0.0.4), written by hand: a few counters and one histogram
 * do not justify a metrics library. Routes are labelled by their pattern (/v1/articles/:id),
 * never by the raw URL, so the label set stays bounded.
 */

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

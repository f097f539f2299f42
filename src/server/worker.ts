/**
 * `wasim worker`: a process that serves no HTTP and takes background job chunks (re-tag
 * ranges, vocabulary imports) from the PostgreSQL queue the service instances share. It reads
 * the service's configuration (DATABASE_URL, WASIM_VOCAB, WASIM_JOB_*…), keeps its tagger in
 * step with the vocabulary in the database as an instance does, and on SIGTERM stops taking
 * chunks, finishes the ones it holds (up to 30 s) and exits.
 */
import { WasimError } from '../core/index.js';
import { openRepository, type Repository } from '../storage/index.js';
import { AdaptationService, defaultAdaptationOptions } from './adaptation.js';
import { seedVocabulary } from './app.js';
import type { ServerConfig } from './config.js';
import { createJobService, registerJobKinds, type JobService } from './jobs/index.js';
import { Metrics } from './metrics.js';
import { WasimService } from './service.js';
import { TaggerService } from './tagger-service.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** JSON lines on stderr, as the service logs: stdout stays for the one start line. */
export function jsonLogger(level: ServerConfig['logLevel'], fields: Record<string, unknown> = {}) {
  const min = level === 'silent' ? Infinity : LEVELS.indexOf(level);
  const write = (name: (typeof LEVELS)[number], obj: unknown, msg?: string) => {
    if (LEVELS.indexOf(name) < min) return;
    const extra = typeof obj === 'string' ? { msg: obj } : obj instanceof Error ? { msg: msg ?? obj.message, err: { message: obj.message, code: (obj as { code?: unknown }).code } } : { ...(obj as object), msg };
    process.stderr.write(JSON.stringify({ level: name, time: new Date().toISOString(), ...fields, ...extra }) + '\n');
  };
  return {
    info: (obj: unknown, msg?: string) => write('info', obj, msg),
    warn: (obj: unknown, msg?: string) => write('warn', obj, msg),
    error: (obj: unknown, msg?: string) => write('error', obj, msg),
  };
}

export interface RunningWorker {
  repo: Repository;
  jobs: JobService;
  tagger: TaggerService;
  close(): Promise<void>;
}

export async function startWorker(config: ServerConfig): Promise<RunningWorker> {
  if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw WasimError.of('USAGE', 'workerNeedsPostgres', {});
  }
  const repo = openRepository(config.databaseUrl);
  const log = jsonLogger(config.logLevel, { role: 'worker' });
  let jobs: JobService | undefined;
  let tagger: TaggerService | undefined;
  let adaptation: AdaptationService | undefined;
  try {
    await repo.migrate();
    await seedVocabulary(repo, config);
    const metrics = new Metrics();
    tagger = new TaggerService(repo, { maxArticleChars: config.maxArticleChars, hints: config.vocabHints, databaseUrl: config.databaseUrl, log, onCompile: () => metrics.countCompile() });
    jobs = createJobService(config, repo, log, { work: true });
    const service = new WasimService(repo, tagger, config, metrics, log, jobs);
    registerJobKinds(jobs, { config, repo, service, tagger });
    // The newsroom's adaptation, as the instances apply it (a worker only loads it: refits are
    // the instances'), so that a chunk tags alike whichever process takes it.
    adaptation = new AdaptationService(repo, tagger, config, { ...defaultAdaptationOptions(), every: 0 }, log);
    await adaptation.start();
    // Compiled before the first chunk is taken, so a chunk's time is tagging time.
    await tagger.get();
    tagger.startPolling(config.vocabPollMs);
    await jobs.start();
  } catch (e) {
    await jobs?.stop().catch(() => {});
    await adaptation?.stop().catch(() => {});
    await tagger?.stop().catch(() => {});
    await repo.close().catch(() => {});
    throw e;
  }
  const running = { jobs, tagger, adaptation: adaptation! };
  return {
    repo,
    ...running,
    async close() {
      await running.jobs.stop();
      await running.adaptation.stop();
      await running.tagger.stop();
      await repo.close();
    },
  };
}

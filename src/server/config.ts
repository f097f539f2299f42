/**
 * Service configuration: defaults, then an optional JSON file (wasim.config.json in the working
 * directory, or the file WASIM_CONFIG names), then environment variables — the environment wins,
 * so a container can override a checked-in file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { WasimError, type TemplateName, type TemplateParams, type VocabFormat } from '../core/index.js';
import { DEFAULT_DATABASE_URL } from '../storage/index.js';

export interface RateLimitConfig {
  /** Requests per window per client address. */
  max: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  /** The bearer token for writes; when absent one is generated on first start and kept (hashed) in the database. */
  token?: string;
  /** A vocabulary file to seed from instead of the default vocabulary. */
  vocab?: string;
  vocabFormat?: VocabFormat;
  /** Lend the default vocabulary's types and ambiguity flags to an untyped vocabulary. */
  vocabHints: boolean;
  /** Require the token for reads (GET, POST /v1/tag) too. */
  readTokenRequired: boolean;
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** Longest article (title + body), in characters. */
  maxArticleChars: number;
  /** Most articles in one POST /v1/articles. */
  maxBatch: number;
  rateLimit: RateLimitConfig | false;
  /** How often to look for vocabulary changes made by other instances (ms; 0: never). */
  vocabPollMs: number;
  /** Cut applied to stored tags (defaults: the tagger's). */
  tagTop?: number;
  tagMinScore?: number;
  /** Trust X-Forwarded-For (behind a reverse proxy), for rate limiting and logs. */
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve the OpenAPI document and Swagger UI at /docs. */
  docs: boolean;
  /** Worker threads that tag articles (default: one per core); 0 tags on the event loop (tiny deployments, tests). */
  tagThreads: number;
  /** Articles allowed to wait for a tagging thread; a request beyond is answered 503 BUSY with Retry-After. */
  tagQueue: number;
  /** Articles (title + body) of at least this many characters are tagged on lower-priority threads of their own (0: no such lane). */
  tagLongChars: number;
  /** Threads of the long-article lane. */
  tagLongThreads: number;
  /** Longest wait for an article's tags, from its request reaching the pool (ms; 0: none). */
  tagDeadlineMs: number;
  /** Take background job chunks in this process (false: an instance that only serves HTTP). */
  runJobs: boolean;
  /** Articles per re-tag chunk: the unit workers take, report progress on and redo after a crash. */
  jobChunkSize: number;
  /** Seconds a worker may hold a chunk before it counts as dead and another worker takes the chunk (PostgreSQL). */
  jobExpireSeconds: number;
  /** Further tries of a failing chunk before its job fails. */
  jobRetryLimit: number;
  /** How often an idle worker asks PostgreSQL for a chunk (ms, at least 500). */
  jobPollMs: number;
  /** How often chunks held past their expiry are looked for (seconds, PostgreSQL). */
  jobMaintenanceSeconds: number;
  /** Chunks one process runs at once. */
  jobConcurrency: number;
  /** Failed newsroom logins allowed per account and per address in a window (default: 5 and 20 per 15 minutes). */
  loginLimits?: { perAccount: number; perAddress: number; windowMs: number };
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 3000,
  host: '127.0.0.1',
  databaseUrl: DEFAULT_DATABASE_URL,
  vocabHints: true,
  readTokenRequired: false,
  bodyLimit: 2 * 1024 * 1024,
  maxArticleChars: 200_000,
  maxBatch: 100,
  rateLimit: { max: 1200, windowMs: 60_000 },
  vocabPollMs: 5_000,
  trustProxy: false,
  logLevel: 'info',
  docs: true,
  tagThreads: availableParallelism(),
  tagQueue: 64,
  tagDeadlineMs: 10_000,
  tagLongChars: 20_000,
  tagLongThreads: 1,
  runJobs: true,
  jobChunkSize: 200,
  jobExpireSeconds: 120,
  jobRetryLimit: 5,
  jobPollMs: 2000,
  jobMaintenanceSeconds: 30,
  jobConcurrency: 1,
};

/** Environment variable → config key, for docs and error messages. */
export const ENV_KEYS: Record<string, keyof ServerConfig | 'rateLimitMax' | 'rateLimitWindowMs'> = {
  PORT: 'port',
  HOST: 'host',
  DATABASE_URL: 'databaseUrl',
  WASIM_TOKEN: 'token',
  WASIM_VOCAB: 'vocab',
  WASIM_VOCAB_FORMAT: 'vocabFormat',
  WASIM_VOCAB_HINTS: 'vocabHints',
  WASIM_READ_TOKEN_REQUIRED: 'readTokenRequired',
  WASIM_BODY_LIMIT: 'bodyLimit',
  WASIM_MAX_ARTICLE_CHARS: 'maxArticleChars',
  WASIM_MAX_BATCH: 'maxBatch',
  WASIM_RATE_LIMIT: 'rateLimitMax',
  WASIM_RATE_LIMIT_WINDOW_MS: 'rateLimitWindowMs',
  WASIM_VOCAB_POLL_MS: 'vocabPollMs',
  WASIM_TAG_TOP: 'tagTop',
  WASIM_TAG_MIN_SCORE: 'tagMinScore',
  WASIM_TRUST_PROXY: 'trustProxy',
  WASIM_LOG_LEVEL: 'logLevel',
  WASIM_DOCS: 'docs',
  WASIM_TAG_THREADS: 'tagThreads',
  WASIM_TAG_QUEUE: 'tagQueue',
  WASIM_TAG_DEADLINE_MS: 'tagDeadlineMs',
  WASIM_TAG_LONG_CHARS: 'tagLongChars',
  WASIM_TAG_LONG_THREADS: 'tagLongThreads',
  WASIM_RUN_JOBS: 'runJobs',
  WASIM_JOB_CHUNK_SIZE: 'jobChunkSize',
  WASIM_JOB_EXPIRE_SECONDS: 'jobExpireSeconds',
  WASIM_JOB_RETRY_LIMIT: 'jobRetryLimit',
  WASIM_JOB_POLL_MS: 'jobPollMs',
  WASIM_JOB_MAINTENANCE_SECONDS: 'jobMaintenanceSeconds',
  WASIM_JOB_CONCURRENCY: 'jobConcurrency',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const VOCAB_FORMATS = ['txt', 'csv', 'json', 'jsonl'] as const;

type SettingTemplate = Extract<TemplateName<'USAGE'>, `setting${string}`>;

/** A USAGE error about one setting (`source` names it: an environment variable or a key of the file). */
function bad<N extends SettingTemplate>(source: string, template: N, params: Omit<TemplateParams<'USAGE', N>, 'source'>): WasimError {
  return WasimError.of('USAGE', template, { ...params, source } as TemplateParams<'USAGE', N>);
}

function toInt(value: unknown, source: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw bad(source, 'settingInteger', { min, max, value: JSON.stringify(value) });
  return n;
}

function toNumber(value: unknown, source: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw bad(source, 'settingNumber', { value: JSON.stringify(value) });
  return n;
}

/** Sizes as bytes or with a unit: 2097152, "2mb", "512kb". */
function toBytes(value: unknown, source: string): number {
  if (typeof value === 'number') return toInt(value, source, 1024);
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(value) : null;
  if (!m) throw bad(source, 'settingSize', { value: JSON.stringify(value) });
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return toInt(Math.round(Number(m[1]) * factor), source, 1024);
}

function toBool(value: unknown, source: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  throw bad(source, 'settingBoolean', { value: JSON.stringify(value) });
}

function toString(value: unknown, source: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(source, 'settingString', { value: JSON.stringify(value) });
  return value.trim();
}

function toEnum<T extends string>(value: unknown, allowed: readonly T[], source: string): T {
  const s = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!allowed.includes(s as T)) throw bad(source, 'settingOneOf', { choices: allowed.join(', '), value: JSON.stringify(value) });
  return s as T;
}

/** Applies one setting by key; `source` names where it came from for error messages. */
function apply(config: ServerConfig, key: string, value: unknown, source: string): void {
  if (value === undefined || value === null) return;
  switch (key) {
    case 'port':
      config.port = toInt(value, source, 0, 65535);
      return;
    case 'host':
      config.host = toString(value, source);
      return;
    case 'databaseUrl':
      config.databaseUrl = toString(value, source);
      return;
    case 'token': {
      const token = toString(value, source);
      if (token.length < 16) throw bad(source, 'settingToken', {});
      config.token = token;
      return;
    }
    case 'vocab':
      config.vocab = toString(value, source);
      return;
    case 'vocabFormat':
      config.vocabFormat = toEnum(value, VOCAB_FORMATS, source);
      return;
    case 'vocabHints':
      config.vocabHints = toBool(value, source);
      return;
    case 'readTokenRequired':
      config.readTokenRequired = toBool(value, source);
      return;
    case 'bodyLimit':
      config.bodyLimit = toBytes(value, source);
      return;
    case 'maxArticleChars':
      config.maxArticleChars = toInt(value, source, 1);
      return;
    case 'maxBatch':
      config.maxBatch = toInt(value, source, 1, 10_000);
      return;
    case 'rateLimit':
      if (value === false || value === 0 || value === '0' || value === 'false' || value === 'off') config.rateLimit = false;
      else if (typeof value === 'object') {
        const v = value as { max?: unknown; windowMs?: unknown };
        config.rateLimit = {
          max: v.max === undefined ? (config.rateLimit || DEFAULT_CONFIG.rateLimit as RateLimitConfig).max : toInt(v.max, `${source}.max`, 1),
          windowMs: v.windowMs === undefined ? (config.rateLimit || DEFAULT_CONFIG.rateLimit as RateLimitConfig).windowMs : toInt(v.windowMs, `${source}.windowMs`, 1),
        };
      } else throw bad(source, 'settingRateLimit', {});
      return;
    case 'rateLimitMax': {
      const max = toInt(value, source, 0);
      config.rateLimit = max === 0 ? false : { max, windowMs: (config.rateLimit || (DEFAULT_CONFIG.rateLimit as RateLimitConfig)).windowMs };
      return;
    }
    case 'rateLimitWindowMs':
      if (config.rateLimit) config.rateLimit = { ...config.rateLimit, windowMs: toInt(value, source, 1) };
      return;
    case 'vocabPollMs':
      config.vocabPollMs = toInt(value, source, 0);
      return;
    case 'tagTop':
      config.tagTop = toInt(value, source, 1, 1000);
      return;
    case 'tagMinScore':
      config.tagMinScore = toNumber(value, source);
      return;
    case 'trustProxy':
      config.trustProxy = toBool(value, source);
      return;
    case 'logLevel':
      config.logLevel = toEnum(value, LOG_LEVELS, source);
      return;
    case 'docs':
      config.docs = toBool(value, source);
      return;
    case 'tagThreads':
      config.tagThreads = toInt(value, source, 0, 256);
      return;
    case 'tagQueue':
      config.tagQueue = toInt(value, source, 0, 100_000);
      return;
    case 'tagDeadlineMs':
      config.tagDeadlineMs = toInt(value, source, 0);
      return;
    case 'tagLongChars':
      config.tagLongChars = toInt(value, source, 0);
      return;
    case 'tagLongThreads':
      config.tagLongThreads = toInt(value, source, 1, 256);
      return;
    case 'runJobs':
      config.runJobs = toBool(value, source);
      return;
    case 'jobChunkSize':
      config.jobChunkSize = toInt(value, source, 1, 100_000);
      return;
    case 'jobExpireSeconds':
      config.jobExpireSeconds = toInt(value, source, 1, 86_400);
      return;
    case 'jobRetryLimit':
      config.jobRetryLimit = toInt(value, source, 0, 100);
      return;
    case 'jobPollMs':
      config.jobPollMs = toInt(value, source, 500, 3_600_000);
      return;
    case 'jobMaintenanceSeconds':
      config.jobMaintenanceSeconds = toInt(value, source, 1, 3600);
      return;
    case 'jobConcurrency':
      config.jobConcurrency = toInt(value, source, 1, 64);
      return;
    default:
      throw bad(source, 'settingUnknown', { key });
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Settings given in code (tests); applied last. */
  overrides?: Partial<ServerConfig>;
}

export function loadConfig(options: LoadConfigOptions = {}): ServerConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config: ServerConfig = { ...DEFAULT_CONFIG, rateLimit: DEFAULT_CONFIG.rateLimit && { ...DEFAULT_CONFIG.rateLimit } };
  const explicitFile = env.WASIM_CONFIG?.trim();
  const file = resolve(cwd, explicitFile || 'wasim.config.json');
  if (explicitFile && !existsSync(file)) throw WasimError.of('FILE_NOT_FOUND', 'configFile', { path: file });
  if (existsSync(file)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw WasimError.of('BAD_JSON', 'file', { path: file, reason: (e as Error).message });
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw bad(file, 'settingsObject', {});
    for (const [key, value] of Object.entries(data)) apply(config, key, value, `${file}: "${key}"`);
    // A vocabulary path in the file is relative to the file, not to wherever the service starts.
    if (typeof (data as { vocab?: unknown }).vocab === 'string') config.vocab = resolve(file, '..', config.vocab!);
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(config, key, value, name);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

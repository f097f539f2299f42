/**
 * Builds the background model of Arabic news (data/background/) from the SaudiNewsNet corpus
 * (../shared/data/saudinewsnet/dataset/*.zip, each one JSON array of articles):
 *
 *   npm run build && npm run build:background -- [--dataset DIR] [--out DIR]
 *       [--unigram-min-df N] [--bigram-min-df N] [--quiet]
 *
 * Identical articles (same title and content) are counted once. Titles and contents are
 * tokenised with the core tokeniser and counted under the matcher's canonical keys; bigrams
 * never cross a field or punctuation other than quotation marks. Only counts are written, never article text.
 * Output is deterministic: the same corpus gives byte-identical files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { strFromU8, unzipSync } from 'fflate';
import { bigramKey, formatBigramTsv, formatUnigramTsv, type UnigramStats } from '../core/background.js';
import { matchTokens } from '../core/match.js';
import { tokenize } from '../core/tokenize.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATASET_DIR = resolve(REPO_ROOT, '..', 'shared', 'data', 'saudinewsnet', 'dataset');
export const DEFAULT_OUT_DIR = join(REPO_ROOT, 'data', 'background');

export const DEFAULT_UNIGRAM_MIN_DF = 2;
/** Chosen so that both files stay well under 8 MB gzipped (see data/background/README.md). */
export const DEFAULT_BIGRAM_MIN_DF = 2;

/** An article as the corpus stores it; only title and content are read. */
export interface CorpusArticle {
  title?: unknown;
  content?: unknown;
  [field: string]: unknown;
}

/** A field's token keys, and for each token whether it forms a pair with the previous one. */
interface FieldTokens {
  keys: string[];
  joined: boolean[];
}

/**
 * What may stand between the two tokens of a pair: white space and quotation marks, which
 * wrap a name (صحيفة «الحياة») rather than end a clause. Any other punctuation breaks the pair.
 */
const PAIR_GAP = /^[\s«»"“”„‹›'‘’]*$/;

export function fieldTokens(text: string): FieldTokens {
  const tokens = tokenize(text);
  const keys = matchTokens(tokens).map((t) => t.key);
  const joined = tokens.map((t, i) => i > 0 && PAIR_GAP.test(text.slice(tokens[i - 1]!.end, t.start)));
  return { keys, joined };
}

/**
 * A ligature such as ﷺ folds to several words (صلى الله عليه وسلم) inside one token; such
 * keys cannot sit in a space-separated bigram and are left out of the statistics.
 */
function hasWhiteSpace(key: string): boolean {
  return /\s/.test(key);
}

/** Counts documents, unigrams and bigrams article by article. */
export class BackgroundCounter {
  documents = 0;
  duplicates = 0;
  /** Articles with neither title nor content text. */
  empty = 0;
  tokens = 0;
  readonly unigrams = new Map<string, [df: number, titleDf: number, cf: number]>();
  readonly bigrams = new Map<string, number>();
  private readonly seen = new Set<string>();

  /** Counts one article; returns false when it was skipped (duplicate or empty). */
  add(article: CorpusArticle): boolean {
    const title = typeof article.title === 'string' ? article.title : '';
    const content = typeof article.content === 'string' ? article.content : '';
    if (title.trim() === '' && content.trim() === '') {
      this.empty++;
      return false;
    }
    const fingerprint = createHash('sha1').update(title).update('\u0000').update(content).digest('base64');
    if (this.seen.has(fingerprint)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(fingerprint);
    this.documents++;

    const inDoc = new Set<string>();
    const inTitle = new Set<string>();
    const pairs = new Set<string>();
    for (const [text, isTitle] of [[title, true], [content, false]] as const) {
      const { keys, joined } = fieldTokens(text);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (hasWhiteSpace(key)) continue;
        this.tokens++;
        let s = this.unigrams.get(key);
        if (s === undefined) {
          s = [0, 0, 0];
          this.unigrams.set(key, s);
        }
        s[2]++;
        inDoc.add(key);
        if (isTitle) inTitle.add(key);
        if (joined[i] && !hasWhiteSpace(keys[i - 1]!)) pairs.add(bigramKey(keys[i - 1]!, key));
      }
    }
    for (const key of inDoc) this.unigrams.get(key)![0]++;
    for (const key of inTitle) this.unigrams.get(key)![1]++;
    for (const p of pairs) this.bigrams.set(p, (this.bigrams.get(p) ?? 0) + 1);
    return true;
  }
}

/** The articles of one corpus zip (every .json entry in it, each a JSON array). */
export function readCorpusZip(path: string): CorpusArticle[] {
  const entries = unzipSync(readFileSync(path), { filter: (f) => f.name.endsWith('.json') && !f.name.includes('__MACOSX') });
  const out: CorpusArticle[] = [];
  for (const name of Object.keys(entries).sort()) {
    const parsed: unknown = JSON.parse(strFromU8(entries[name]!));
    if (!Array.isArray(parsed)) throw new Error(`${path}: ${name} is not a JSON array of articles`);
    for (const a of parsed) if (a !== null && typeof a === 'object') out.push(a as CorpusArticle);
  }
  return out;
}

export interface BuildOptions {
  datasetDir?: string;
  outDir?: string;
  unigramMinDf?: number;
  bigramMinDf?: number;
  log?: (line: string) => void;
}

export interface BuildSummary {
  zips: number;
  articles: number;
  documents: number;
  duplicates: number;
  empty: number;
  tokens: number;
  unigramTypes: number;
  bigramTypes: number;
  unigramsWritten: number;
  bigramsWritten: number;
  /** How many bigrams reach each df threshold, to choose --bigram-min-df. */
  bigramsAtLeast: Record<string, number>;
  files: Record<string, number>;
  seconds: number;
}

export function buildBackground(options: BuildOptions = {}): BuildSummary {
  const started = Date.now();
  const datasetDir = options.datasetDir ?? DEFAULT_DATASET_DIR;
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const unigramMinDf = options.unigramMinDf ?? DEFAULT_UNIGRAM_MIN_DF;
  const bigramMinDf = options.bigramMinDf ?? DEFAULT_BIGRAM_MIN_DF;
  const log = options.log ?? (() => {});

  let zips: string[];
  try {
    zips = readdirSync(datasetDir).filter((f) => f.endsWith('.zip')).sort();
  } catch {
    throw new Error(`corpus not found: ${datasetDir} (expected the SaudiNewsNet dataset/*.zip)`);
  }
  if (zips.length === 0) throw new Error(`no .zip files in ${datasetDir}`);

  const counter = new BackgroundCounter();
  const corpusHash = createHash('sha256');
  let articles = 0;
  for (const zip of zips) {
    const path = join(datasetDir, zip);
    corpusHash.update(zip).update(readFileSync(path));
    const batch = readCorpusZip(path);
    articles += batch.length;
    for (const a of batch) counter.add(a);
    log(`${zip}: ${batch.length} articles (${counter.documents} documents so far, ${counter.duplicates} duplicates)`);
  }

  const thresholds = [2, 3, 4, 5, 8, 10, 20];
  const bigramsAtLeast: Record<string, number> = {};
  for (const t of thresholds) bigramsAtLeast[t] = 0;
  for (const df of counter.bigrams.values()) for (const t of thresholds) if (df >= t) bigramsAtLeast[t]!++;

  const unigramText = formatUnigramTsv(counter.unigrams as Map<string, UnigramStats>, unigramMinDf);
  const bigramText = formatBigramTsv(counter.bigrams, bigramMinDf);
  const unigramGz = gzipSync(unigramText, { level: 9 });
  const bigramGz = gzipSync(bigramText, { level: 9 });
  const unigramsWritten = countLines(unigramText);
  const bigramsWritten = countLines(bigramText);
  const meta = {
    source: {
      name: 'Saudi Newspapers Arabic Corpus (SaudiNewsNet)',
      author: 'M. Alhagri',
      year: 2015,
      url: 'http://github.com/ParallelMazen/SaudiNewsNet',
      license: 'CC BY-NC-SA 4.0',
      articles: 'July–August 2015, 14 Saudi newspapers',
      zips: zips.length,
      sha256: corpusHash.digest('hex'),
    },
    documents: counter.documents,
    articlesRead: articles,
    duplicatesRemoved: counter.duplicates,
    emptyRemoved: counter.empty,
    tokens: counter.tokens,
    keys: 'canonical token keys as the matcher sees them: matchTokens(tokenize(text))[i].key',
    thresholds: { unigramMinDf, bigramMinDf },
    counts: { unigrams: unigramsWritten, bigrams: bigramsWritten, unigramTypes: counter.unigrams.size, bigramTypes: counter.bigrams.size },
    generated: { by: 'src/tools/build-background.ts', command: 'npm run build && npm run build:background' },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'unigrams.tsv.gz'), unigramGz);
  writeFileSync(join(outDir, 'bigrams.tsv.gz'), bigramGz);
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');

  return {
    zips: zips.length,
    articles,
    documents: counter.documents,
    duplicates: counter.duplicates,
    empty: counter.empty,
    tokens: counter.tokens,
    unigramTypes: counter.unigrams.size,
    bigramTypes: counter.bigrams.size,
    unigramsWritten,
    bigramsWritten,
    bigramsAtLeast,
    files: { 'unigrams.tsv.gz': unigramGz.length, 'bigrams.tsv.gz': bigramGz.length },
    seconds: (Date.now() - started) / 1000,
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function parseArgs(argv: string[]): BuildOptions & { quiet: boolean } {
  const opts: BuildOptions & { quiet: boolean } = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const count = (): number => {
      const v = value();
      if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`${arg} needs a positive integer, got ${v}`);
      return Number(v);
    };
    if (arg === '--dataset') opts.datasetDir = resolve(value());
    else if (arg === '--out') opts.outDir = resolve(value());
    else if (arg === '--unigram-min-df') opts.unigramMinDf = count();
    else if (arg === '--bigram-min-df') opts.bigramMinDf = count();
    else if (arg === '--quiet') opts.quiet = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return opts;
}

function main(): void {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const log = opts.quiet ? undefined : (line: string) => process.stderr.write(line + '\n');
    const summary = buildBackground({ ...opts, log });
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } catch (e) {
    process.stderr.write(`build-background: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

#!/usr/bin/env node
// The proof that a restructure kept the output: one sha-256 per vocabulary over every result of
// every article, evidence included, ranked (--explain) and in mention mode (--all-mentions
// --explain). Run it on two builds and compare the lines.
//
//   node --max-old-space-size=8192 scripts/output-identity.mjs [--build DIR] [--vocab default|1000|100000|1000000|dev|FILE.txt]... [--articles N]
//
// Numeric vocabularies are the bench's generated lists (made into its cache as `npm run bench`
// does, seed 20150721); `dev` runs the three shared dev sets with the vocabularies they were
// judged against. The corpus is the whole of SaudiNewsNet unless --articles limits it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const many = (name) => args.flatMap((a, i) => (a === name && i + 1 < args.length ? [args[i + 1]] : []));
const build = resolve(opt('--build', fileURLToPath(new URL('..', import.meta.url))));
const vocabs = many('--vocab');
if (vocabs.length === 0) vocabs.push('default', 'dev');
const articleLimit = Number(opt('--articles', 'Infinity'));
const SEED = 20150721;
const DATA = fileURLToPath(new URL('../shared/data/', new URL(`file://${build}/`)));

const dist = (p) => import(join(build, 'dist', p));
const core = await dist('core/index.js');
const files = await dist('node/vocab-file.js');
const { createNodeTagger } = await dist('node/tagger.js');
const corpus = await dist('bench/corpus.js');

function entriesOf(vocab) {
  if (vocab === 'default') return files.readDefaultEntries();
  if (/^\d+$/.test(vocab)) return core.parseVocabulary(readFileSync(generated(Number(vocab)), 'utf8'), 'txt', `vocab-${vocab}.txt`).entries;
  return core.parseVocabulary(readFileSync(vocab, 'utf8'), 'txt', vocab).entries;
}

function generated(size) {
  const gen = corpus.cacheDir();
  const { GENERATOR_VERSION, generateVocabulary } = generatorModule;
  const dir = join(gen, `vocab-g${GENERATOR_VERSION}-s${SEED}-${corpus.corpusFingerprint()}`);
  const path = join(dir, `vocab-${size}.txt`);
  if (existsSync(path)) return path;
  const sizes = [1_000, 10_000, 100_000, 1_000_000];
  if (!sizes.includes(size)) throw new Error(`generated sizes: ${sizes.join(', ')}`);
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating the bench vocabularies into ${dir}\n`);
  const g = generateVocabulary(corpus.loadCorpus().articles, Math.max(...sizes), SEED);
  for (const n of sizes) writeFileSync(join(dir, `vocab-${n}.txt`), g.tags.slice(0, n).join('\n') + '\n');
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ seed: SEED, generator: GENERATOR_VERSION, tags: g.tags.length, stopWords: g.stopWords, corpusWords: g.corpusWords, draws: g.draws, shapeOf1M: g.shape }, null, 2));
  return path;
}
const generatorModule = await dist('bench/vocab-gen.js');

function digest(tagger, articles) {
  const ranked = createHash('sha256');
  const mentions = createHash('sha256');
  let errors = 0;
  for (const a of articles) {
    for (const [hash, options] of [[ranked, { explain: true }], [mentions, { allMentions: true, explain: true }]]) {
      try {
        hash.update(JSON.stringify(tagger.tag(a, options)));
      } catch (e) {
        if (!core.isWasimError(e)) throw e;
        errors++;
        hash.update(`!${e.code}`);
      }
      hash.update('\n');
    }
  }
  return `${ranked.digest('hex').slice(0, 16)} ${mentions.digest('hex').slice(0, 16)} (${articles.length} articles, ${errors / 2} refused)`;
}

const jsonl = (path) => readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

for (const vocab of vocabs) {
  const t0 = Date.now();
  if (vocab === 'dev') {
    const sets = [
      ['dev', join(DATA, 'dev/articles.jsonl'), () => core.compileVocabulary(entriesOf(join(DATA, 'dev/vocab.txt')), files.defaultHints())],
      ['dev-default', join(DATA, 'dev-default/articles.jsonl'), () => files.loadDefaultVocabulary()],
      ['aner-dev', join(DATA, 'aner-dev/docs.jsonl'), () => core.compileVocabulary(entriesOf(join(DATA, 'aner-dev/vocab.txt')))],
    ];
    for (const [name, path, compiled] of sets) {
      if (!existsSync(path)) console.log(`${name}: absent`);
      else console.log(`${name}: ${digest(createNodeTagger(compiled()), jsonl(path))}`);
    }
    continue;
  }
  const { articles } = corpus.loadCorpus(undefined, articleLimit);
  const tagger = createNodeTagger(core.compileVocabulary(entriesOf(vocab), files.defaultHints()));
  console.log(`${vocab}: ${digest(tagger, articles)} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

#!/usr/bin/env node
// Speed A/B of two builds of wasim in one process: both taggers loaded side by side, passes over
// the same SaudiNewsNet articles alternating between them, the best pass of each in CPU time.
// One process and alternation keep a shared or noisy machine from favouring either side.
//
//   node scripts/ab-speed.mjs --before ../wasim-old --after . [--vocab default|FILE.txt] [--articles 800] [--passes 6]
//
// Both directories must be built (dist/). A vocabulary file is read by each build's own parser and
// compiled with its own hints; the bench's generated lists are in its cache (npm run bench).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const before = opt('--before');
const after = opt('--after', '.');
const vocab = opt('--vocab', 'default');
const articleCount = Number(opt('--articles', '800'));
const passes = Number(opt('--passes', '6'));
if (!before || !Number.isInteger(articleCount) || articleCount < 1 || !Number.isInteger(passes) || passes < 1) {
  console.error('usage: node scripts/ab-speed.mjs --before DIR --after DIR [--vocab default|FILE.txt] [--articles N] [--passes N]');
  process.exit(2);
}

async function side(dir) {
  const root = resolve(dir);
  const core = await import(`${root}/dist/core/index.js`);
  const files = await import(`${root}/dist/node/vocab-file.js`);
  const node = await import(`${root}/dist/node/tagger.js`);
  const entries = vocab === 'default' ? files.readDefaultEntries() : core.parseVocabulary(readFileSync(vocab, 'utf8'), 'txt', vocab).entries;
  return { tagger: node.createNodeTagger(core.compileVocabulary(entries, files.defaultHints())), isWasimError: core.isWasimError };
}

const { loadCorpus, utf8Bytes } = await import(`${resolve(after)}/dist/bench/corpus.js`);
const { articles } = loadCorpus(undefined, articleCount);
if (articles.length === 0) {
  console.error('no articles: the SaudiNewsNet corpus (../shared/data/saudinewsnet) is missing');
  process.exit(1);
}
let bytes = 0;
for (const a of articles) bytes += utf8Bytes(a);
const sides = { before: await side(before), after: await side(after) };

function pass(s) {
  const t0 = process.cpuUsage();
  for (const a of articles) {
    try {
      s.tagger.tag(a);
    } catch (e) {
      if (!s.isWasimError(e)) throw e;
    }
  }
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1e6;
}

pass(sides.before);
pass(sides.after);
const best = { before: Infinity, after: Infinity };
for (let i = 0; i < passes; i++) for (const k of i % 2 ? ['after', 'before'] : ['before', 'after']) best[k] = Math.min(best[k], pass(sides[k]));
const mb = bytes / 1048576;
console.log(`${vocab}: ${articles.length} articles, before ${(mb / best.before).toFixed(2)} MB/s, after ${(mb / best.after).toFixed(2)} MB/s, cost ${((best.after / best.before - 1) * 100).toFixed(1)} %`);

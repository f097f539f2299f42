#!/usr/bin/env node
/**
 * Held-out test of new-tag discovery (issue 17). Takes the default vocabulary, removes a seeded
 * random 20 % of its person and organisation entries that occur in SaudiNewsNet, runs discovery
 * on the whole corpus with the rest, and reports how many of the removed entries come back in
 * the top 200 / 500, and with which type. Then reports precision at 50 and 200 of what discovery
 * proposes with the whole default vocabulary, from the judgements in
 * scripts/discover-judged.tsv (label → 1 a correct new tag / 0 not; unjudged labels are listed).
 *
 *   npm run build && node scripts/discover-heldout.mjs [--seed N] [--share 0.2] [--dataset DIR]
 *       [--write-top FILE]   (writes the top 200 of the full-vocabulary run, for judging)
 *
 * Skips with a message when the corpus is absent. Nothing from the corpus is written to the repo.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = (p) => join(ROOT, 'dist', p);
const { compileVocabulary, createMatcher, createTokenizer, foldKey } = await import(dist('core/index.js'));
const { readDefaultEntries, defaultHints } = await import(dist('node/vocab-file.js'));
const { discoverFile } = await import(dist('node/discover.js'));
const { corpusLines } = await import(dist('tools/corpus-jsonl.js'));
const { DEFAULT_DATASET_DIR } = await import(dist('tools/build-background.js'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const seed = Number(opt('--seed', '17'));
const share = Number(opt('--share', '0.2'));
const datasetDir = resolve(opt('--dataset', DEFAULT_DATASET_DIR));
const writeTop = opt('--write-top', undefined);

if (!existsSync(datasetDir)) {
  console.log(`skipped: SaudiNewsNet not found at ${datasetDir}`);
  process.exit(0);
}

/** mulberry32: a small seeded generator, so that the held-out set is the same on every run. */
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'wasim-heldout-'));
const corpus = join(work, 'saudinewsnet.jsonl');
const lines = [];
for (const line of corpusLines(datasetDir)) lines.push(JSON.stringify(line));
writeFileSync(corpus, lines.join('\n') + '\n');
lines.length = 0;

// Which person and organisation entries occur in the corpus (articles in which the tagger's matcher finds them).
const entries = readDefaultEntries();
const pool = entries.filter((e) => e.type === 'person' || e.type === 'organisation');
const poolVocab = compileVocabulary(pool.map((e, i) => ({ ...e, id: `p${i}` })));
const articlesOf = new Int32Array(pool.length);
const tokenizer = createTokenizer();
const poolMatcher = createMatcher(poolVocab);
for (const raw of readFileSync(corpus, 'utf8').split('\n')) {
  if (raw === '') continue;
  const a = JSON.parse(raw);
  const here = new Set();
  for (const text of [a.title, a.body]) for (const m of poolMatcher.match(tokenizer.tokenize(text)).matches) here.add(Number(poolVocab.tags.get(m.tag).id.slice(1)));
  for (const i of here) articlesOf[i]++;
}
const occurring = pool.map((e, i) => ({ entry: e, index: i, articles: articlesOf[i] })).filter((x) => x.articles > 0);

// The seeded 20 %.
const random = rng(seed);
const shuffled = occurring.map((x) => ({ x, r: random() })).sort((a, b) => a.r - b.r).map((y) => y.x);
const removed = shuffled.slice(0, Math.round(share * occurring.length));
const removedIds = new Set(removed.map((x) => x.entry.id));
const rest = entries.filter((e) => !removedIds.has(e.id));
const restPath = join(work, 'vocab-heldout.jsonl');
writeFileSync(restPath, rest.map((e) => JSON.stringify(e)).join('\n') + '\n');
const restVocab = compileVocabulary(rest, defaultHints());

const { suggestions, stats } = await discoverFile(corpus, { vocabulary: restVocab, top: Number(opt('--top-heldout', '500')) });

// A removed entry comes back when a suggestion's label (or one of its variants) is one of the
// entry's names: the entry's patterns match the whole label.
const removedVocab = compileVocabulary(removed.map((x, i) => ({ ...x.entry, id: `r${i}` })));
const removedMatcher = createMatcher(removedVocab);
const found = new Map(); // removed index → { rank, type }
// Names compared without the titles they may carry (الأمير سلطان بن سلمان = سلطان بن سلمان).
const TITLES = new Set(['الامير', 'الملك', 'الشيخ', 'الرئيس', 'الملكه', 'الاميره', 'الدكتور', 'المشير', 'الملا', 'الامام', 'البابا', 'السلطان', 'خادم', 'الحرمين', 'الشريفين'].map(foldKey));
const bare = (name) => {
  const words = foldKey(name).split(' ');
  while (words.length > 1 && TITLES.has(words[0])) words.shift();
  return words.join(' ');
};
const removedByName = new Map();
removed.forEach((x, r) => {
  for (const n of [x.entry.label, ...(x.entry.aliases ?? [])]) if (!removedByName.has(bare(n))) removedByName.set(bare(n), r);
});
suggestions.forEach((s, rank) => {
  for (const text of [s.label, ...s.variants.slice(0, 3)]) {
    const same = removedByName.get(bare(text));
    if (same !== undefined && !found.has(same)) found.set(same, { rank: rank + 1, type: s.type, label: s.label });
    const tokens = tokenizer.tokenize(text);
    for (const m of removedMatcher.match(tokens).matches) {
      if (m.tokenStart !== 0 || m.tokenEnd !== tokens.length) continue;
      const r = Number(removedVocab.tags.get(m.tag).id.slice(1));
      if (!found.has(r)) found.set(r, { rank: rank + 1, type: s.type, label: s.label });
    }
  }
});
const within = (k) => [...found.values()].filter((f) => f.rank <= k);
const typed = (k) => within(k).filter((f, _, __) => true);
const report = [];
report.push(`held-out: seed ${seed}, ${removed.length} of ${occurring.length} person/organisation entries occurring in SaudiNewsNet removed (${removed.filter((x) => x.entry.type === 'person').length} person, ${removed.filter((x) => x.entry.type === 'organisation').length} organisation)`);
report.push(`discovery with the rest: ${stats.articles} articles, ${stats.candidates} candidates counted, ${stats.seconds.toFixed(1)} s`);
for (const k of [200, 500]) {
  const hits = within(k);
  const byType = { person: 0, organisation: 0 };
  const rightType = { person: 0, organisation: 0 };
  for (const [r, f] of found) {
    if (f.rank > k) continue;
    const t = removed[r].entry.type;
    byType[t]++;
    if (f.type === t) rightType[t]++;
  }
  report.push(`top ${k}: ${hits.length} of ${removed.length} removed entries come back (${((100 * hits.length) / removed.length).toFixed(1)} %); person ${byType.person} (type right ${rightType.person}), organisation ${byType.organisation} (type right ${rightType.organisation})`);
}
const frequent = removed.filter((x) => x.articles >= 3);
const frequentBack = [...found.entries()].filter(([r, f]) => f.rank <= 500 && removed[r].articles >= 3).length;
report.push(`of the ${frequent.length} removed entries named in ≥ 3 articles (discovery's default --min-articles): ${frequentBack} in the top 500`);
report.push('recovered (rank, label, suggested type / vocabulary type):');
for (const [r, f] of [...found.entries()].sort((a, b) => a[1].rank - b[1].rank).slice(0, 40)) report.push(`  ${f.rank}\t${f.label}\t${f.type ?? '-'} / ${removed[r].entry.type}\t(${removed[r].entry.label})`);
void typed;
report.push(`all ${suggestions.length} suggestions: ${found.size} removed entries among them`);
if (args.includes('--show-missed')) {
  const missed = removed.map((x, r) => ({ ...x, r })).filter((x) => !found.has(x.r)).sort((a, b) => b.articles - a.articles);
  report.push('missed, most named first: ' + missed.slice(0, 60).map((x) => `${x.entry.label} (${x.articles})`).join('، '));
}

// Precision of what is proposed with the whole default vocabulary, from the judgements.
if (args.includes("--no-precision")) { console.log(report.join("\n")); process.exit(0); }
const full = await discoverFile(corpus, { vocabulary: compileVocabulary(entries, defaultHints()), top: 200 });
if (writeTop) writeFileSync(writeTop, full.suggestions.map((s, i) => `${i + 1}\t${s.label}\t${s.type ?? ''}\t${s.articles}`).join('\n') + '\n');
const judgedPath = join(ROOT, 'scripts', 'discover-judged.tsv');
const judged = new Map();
if (existsSync(judgedPath)) {
  for (const line of readFileSync(judgedPath, 'utf8').split('\n')) {
    const [label, verdict] = line.split('\t');
    if (label && (verdict === '1' || verdict === '0') && !label.startsWith('#')) judged.set(foldKey(label), verdict === '1');
  }
}
for (const k of [50, 200]) {
  const top = full.suggestions.slice(0, k);
  const verdicts = top.map((s) => judged.get(foldKey(s.label)));
  const yes = verdicts.filter((v) => v === true).length;
  const no = verdicts.filter((v) => v === false).length;
  report.push(`precision at ${k} (full default vocabulary; judged by hand): ${yes}/${yes + no} = ${yes + no > 0 ? (yes / (yes + no)).toFixed(3) : 'n/a'}${top.length - yes - no > 0 ? ` (${top.length - yes - no} unjudged)` : ''}`);
}
const unjudged = full.suggestions.filter((s) => !judged.has(foldKey(s.label)));
if (unjudged.length > 0) report.push(`unjudged: ${unjudged.slice(0, 20).map((s) => s.label).join('، ')}${unjudged.length > 20 ? ' …' : ''}`);
report.push(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(report.join('\n'));

#!/usr/bin/env node
/**
 * `npm run learning-curve`: the learning curve of the adaptation layer (src/eval/learning-curve.ts)
 * on the shared dev sets, each gold set read as one editor's decisions in date order, and the
 * table written into README.md between <!-- learning-curve:start --> and <!-- learning-curve:end -->
 * (added before "## New-tag discovery" when the README has no markers). A set that is absent is
 * left out with a note. Runs on the built dist/.
 *
 *   node scripts/learning-curve.mjs [--orders 5] [--print]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = new URL('../', import.meta.url);
const DATA = new URL('../shared/data/', ROOT);
const START = '<!-- learning-curve:start -->';
const END = '<!-- learning-curve:end -->';
const KS = [0, 5, 10, 15];

const { values } = parseArgs({ options: { orders: { type: 'string', default: '5' }, print: { type: 'boolean', default: false } } });
const orders = Number(values.orders);

const path = (set, name) => fileURLToPath(new URL(`${set}/${name}`, DATA));
const dist = (p) => new URL(`dist/${p}`, ROOT).href;
const { compileVocabulary, LEARN_DEFAULTS } = await import(dist('core/index.js'));
const { readVocabularyFile, defaultHints, loadDefaultVocabulary } = await import(dist('node/vocab-file.js'));
const { createNodeTagger } = await import(dist('node/tagger.js'));
const { loadArticlesFile, loadGoldFile } = await import(dist('eval/files.js'));
const { alignGold } = await import(dist('eval/gold.js'));
const { learningCurve } = await import(dist('eval/learning-curve.js'));

const sets = [
  { name: 'dev-default', label: 'dev-default/ — the embedded default vocabulary', vocabulary: () => loadDefaultVocabulary(), files: ['gold.jsonl', 'articles.jsonl'] },
  { name: 'dev', label: 'dev/ — the dirty news-site list', vocabulary: () => compileVocabulary(readVocabularyFile(path('dev', 'vocab.txt')).entries, defaultHints()), files: ['gold.jsonl', 'articles.jsonl', 'vocab.txt'] },
];

const f3 = (x) => x.toFixed(3);
const pm = (mean, sd) => `${f3(mean)} ± ${f3(sd)}`;
const sections = [];
for (const set of sets) {
  if (!set.files.every((f) => existsSync(path(set.name, f)))) {
    sections.push(`**${set.name}/** — absent, not measured.`);
    continue;
  }
  const cv = set.vocabulary();
  const pairs = alignGold(loadGoldFile(path(set.name, 'gold.jsonl')), loadArticlesFile(path(set.name, 'articles.jsonl'))).pairs;
  const curve = learningCurve({ name: set.name, pairs, tagger: createNodeTagger(cv), adapted: (model) => createNodeTagger(cv, { adaptation: model }) }, { ks: KS, orders });
  const rows = (points, rest) =>
    points.map((p) => {
      const k = p.k === p.asked ? `${p.k}` : `${p.k} (all; ${p.asked} asked)`;
      const cells = [k, `${p.scored}`, f3(p.date.precision), f3(p.date.mustRecall), f3(p.date.f1), pm(p.mean.precision, p.sd.precision), pm(p.mean.mustRecall, p.sd.mustRecall), pm(p.mean.f1, p.sd.f1)];
      if (rest) cells.push(f3(p.shipped.f1), `${p.mean.f1 - p.shipped.f1 >= 0 ? '+' : ''}${f3(p.mean.f1 - p.shipped.f1)}`);
      return `| ${cells.join(' | ')} |`;
    });
  const head = '| k learned | scored | P | must-R | F1 | P (mean ± sd) | must-R (mean ± sd) | F1 (mean ± sd) |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|';
  // The guard, shown: the same held-out half with weights and cut refitted from the first decision on.
  const forced = learningCurve({ name: set.name, pairs, tagger: createNodeTagger(cv), adapted: (model) => createNodeTagger(cv, { adaptation: model }) }, { ks: [5, 10], orders, learn: { minDecisions: 1, minExamples: 1 } });
  sections.push(
    [
      `**${set.label}** (${pairs.length} articles; ${curve.pool} to learn from, the later ${curve.heldOutSize} held out)`,
      '',
      `Held-out half — always the same ${curve.heldOutSize} later articles, never learned from:`,
      '',
      head,
      rule,
      ...rows(curve.heldOut, false),
      '',
      'The rest — learn from the first k, score every other article (fewer as k grows; the shipped model on the same articles beside it):',
      '',
      `${head} shipped F1 | Δ F1 |`,
      `${rule}---:|---:|`,
      ...rows(curve.rest, true),
      '',
      `Not the shipped setting — the held-out half again with weights and cut refitted from the first decision on, to show why refits wait for ${LEARN_DEFAULTS.minDecisions} decisions:`,
      '',
      head,
      rule,
      ...rows(forced.heldOut, false),
    ].join('\n'),
  );
}

const table = [
  `Each gold set is read as one editor's decisions (must and ok kept; no, and predicted tags the gold does not list, rejected), articles in date order (the date in the SaudiNewsNet id, then its number that day). P, must-R and F1 are the date-order run; mean ± sd are over date order and ${orders} seeded random orders of the articles learned from. Defaults: pseudo-count ${LEARN_DEFAULTS.pseudoCount}; weights and cut are refitted only from ${LEARN_DEFAULTS.minDecisions} decisions on, so at these sizes only the per-tag and per-form priors act. Regenerate with \`npm run learning-curve\`.`,
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');

if (values.print) process.stdout.write(table + '\n');
const readmePath = new URL('README.md', ROOT);
const readme = readFileSync(readmePath, 'utf8');
const block = `${START}\n${table}${END}`;
let next;
if (readme.includes(START) && readme.includes(END)) next = readme.slice(0, readme.indexOf(START)) + block + readme.slice(readme.indexOf(END) + END.length);
else if (readme.includes('\n## New-tag discovery')) next = readme.replace('\n## New-tag discovery', `\n${block}\n\n## New-tag discovery`);
else next = `${readme.trimEnd()}\n\n${block}\n`;
writeFileSync(readmePath, next);
process.stderr.write(`learning-curve: README.md updated (${sections.length} set(s))\n`);

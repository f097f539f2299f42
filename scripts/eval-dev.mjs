#!/usr/bin/env node
/**
 * `npm run eval:dev`: scores the substring and whole-word reference taggers and wasim on the three
 * shared dev sets and writes the tables into README.md between <!-- eval:dev:start --> and
 * <!-- eval:dev:end --> (adding the markers at the end of the README when it has none):
 * - dev/ (13 articles, its dirty vocabulary, compiled as `wasim tag --vocab vocab.txt` does);
 * - dev-default/ (20 articles, the embedded default vocabulary);
 * - aner-dev/ (135 ANERcorp documents, mention mode: `--all-mentions --no-hints`).
 * A set that is absent is left out with a note. Runs on the built dist/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
const DATA = new URL('../shared/data/', ROOT);
const START = '<!-- eval:dev:start -->';
const END = '<!-- eval:dev:end -->';

const path = (set, name) => fileURLToPath(new URL(`${set}/${name}`, DATA));
const present = (...files) => files.every((f) => existsSync(f));

const dist = (p) => new URL(`dist/${p}`, ROOT).href;
const { compileVocabulary } = await import(dist('core/index.js'));
const { readVocabularyFile, defaultHints, readDefaultEntries, loadDefaultVocabulary } = await import(dist('node/vocab-file.js'));
const { evaluate } = await import(dist('eval/evaluate.js'));
const { loadArticlesFile, loadGoldFile } = await import(dist('eval/files.js'));
const { markdownTable } = await import(dist('eval/report.js'));
const { evaluateMentions, mentionMarkdownTable, parseMentionGold } = await import(dist('eval/mentions.js'));
const { createReferenceTagger } = await import(dist('eval/reference-taggers.js'));
const { createNodeTagger } = await import(dist('node/tagger.js'));
const { DEFAULT_CUT } = await import(dist('core/pipeline.js'));

const cut = `\`--top ${DEFAULT_CUT.top} --min-score ${DEFAULT_CUT.minScore}\``;
const sections = [];
const tables = [];

try {
  const dev = { gold: path('dev', 'gold.jsonl'), articles: path('dev', 'articles.jsonl'), vocab: path('dev', 'vocab.txt') };
  if (present(...Object.values(dev))) {
    const vocabulary = readVocabularyFile(dev.vocab);
    const report = evaluate({
      gold: loadGoldFile(dev.gold),
      articles: loadArticlesFile(dev.articles),
      articlesSource: 'articles.jsonl',
      entries: vocabulary.entries,
      // As `wasim tag --vocab vocab.txt` compiles it: with the default vocabulary's hints.
      compiled: compileVocabulary(vocabulary.entries, defaultHints()),
      taggers: ['substring', 'wholeword', 'wasim'],
    });
    sections.push(`**dev/** — ${report.scored} articles, the dirty \`vocab.txt\` (${vocabulary.entries.length} entries), wasim at its default cut (${cut}):\n\n${markdownTable(report.rows)}`);
    tables.push(['dev', report.rows]);
  } else sections.push('**dev/** — absent, not scored.');

  const dd = { gold: path('dev-default', 'gold.jsonl'), articles: path('dev-default', 'articles.jsonl') };
  if (present(...Object.values(dd))) {
    const entries = readDefaultEntries();
    const report = evaluate({
      gold: loadGoldFile(dd.gold),
      articles: loadArticlesFile(dd.articles),
      articlesSource: 'articles.jsonl',
      entries,
      compiled: loadDefaultVocabulary(),
      taggers: ['substring', 'wholeword', 'wasim'],
    });
    sections.push(`**dev-default/** — ${report.scored} articles, the embedded default vocabulary (${entries.length} entries), wasim at its default cut; tags judged \`no\` count as wrong:\n\n${markdownTable(report.rows)}`);
    tables.push(['dev-default', report.rows]);
  } else sections.push('**dev-default/** — absent, not scored.');

  const aner = { gold: path('aner-dev', 'gold.jsonl'), docs: path('aner-dev', 'docs.jsonl'), vocab: path('aner-dev', 'vocab.txt') };
  if (present(...Object.values(aner))) {
    const gold = parseMentionGold(readFileSync(aner.gold, 'utf8'), 'gold.jsonl');
    const docs = loadArticlesFile(aner.docs);
    const { entries } = readVocabularyFile(aner.vocab);
    const rows = [];
    for (const name of ['substring', 'wholeword']) {
      const t = createReferenceTagger(name, entries);
      rows.push({ label: name, score: evaluateMentions(gold, docs, (d) => t.tag(d).flatMap((r) => r.mentions.map((m) => ({ field: m.field, start: m.start, end: m.end, tag: r.tag })))) });
    }
    const wasim = createNodeTagger(compileVocabulary(entries));
    rows.push({ label: 'wasim', score: evaluateMentions(gold, docs, (d) => wasim.tag(d, { allMentions: true }).flatMap((r) => r.mentions.map((m) => ({ field: m.field, start: m.start, end: m.end, tag: r.tag, matched: m.matched })))) });
    sections.push(`**aner-dev/** — ${rows[0].score.documents} ANERcorp documents, ${rows[0].score.gold} gold mentions, its ${entries.length}-entry vocabulary; mention mode (\`wasim tag --all-mentions --no-hints\`, \`wasim eval --mentions\`): P = predicted mentions (by tag and span) overlapping a gold mention of the same tag, R = gold mentions found:\n\n${mentionMarkdownTable(rows)}`);
  } else sections.push('**aner-dev/** — absent, not scored.');

  const section = [
    START,
    'P = correct tags / predicted tags; R(must) = must entities found; R(all) = must + ok entities found; ' +
      'P@k divides by k. Micro-averaged. Regenerate with `npm run eval:dev`.',
    '',
    sections.join('\n\n'),
    END,
  ].join('\n');

  const readme = fileURLToPath(new URL('README.md', ROOT));
  if (!existsSync(readme)) {
    console.log(section);
    console.log('(no README.md: tables printed only)');
  } else {
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    let updated;
    if (start !== -1 && end > start) {
      updated = text.slice(0, start) + section + text.slice(end + END.length);
    } else if (start === -1 && end === -1) {
      updated = text.replace(/\s*$/, '\n\n') + section + '\n';
    } else {
      console.error(`eval:dev: README.md has a broken ${START} … ${END} pair; fix it by hand. Tables:`);
      console.log(section);
      process.exit(1);
    }
    if (updated !== text) writeFileSync(readme, updated);
    console.log(sections.join('\n\n'));
    console.log(updated !== text ? 'README.md updated.' : 'README.md already up to date.');
  }
} catch (e) {
  console.error(`eval:dev: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  process.exit(1);
}

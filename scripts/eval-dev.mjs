#!/usr/bin/env node
/**
 * `npm run eval:dev`: scores the substring and whole-word reference taggers and wasim on the
 * shared dev set (../shared/data/dev) and writes the table into README.md between
 * <!-- eval:dev:start --> and <!-- eval:dev:end --> (adding the markers at the end of the README
 * when it has none). Without a README the table is only printed. Runs on the built dist/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);
const DEV = new URL('../shared/data/dev/', ROOT);
const START = '<!-- eval:dev:start -->';
const END = '<!-- eval:dev:end -->';

const path = (name) => fileURLToPath(new URL(name, DEV));
const files = { gold: path('gold.jsonl'), articles: path('articles.jsonl'), vocab: path('vocab.txt') };
if (!Object.values(files).every((f) => existsSync(f))) {
  console.log(`eval:dev skipped: the shared dev set is absent (${fileURLToPath(DEV)})`);
  process.exit(0);
}

const dist = (p) => new URL(`dist/${p}`, ROOT).href;
const { compileVocabulary } = await import(dist('core/index.js'));
const { readVocabularyFile, defaultHints } = await import(dist('node/vocab-file.js'));
const { evaluate } = await import(dist('eval/evaluate.js'));
const { loadArticlesFile, loadGoldFile } = await import(dist('eval/files.js'));
const { markdownTable } = await import(dist('eval/report.js'));

try {
  const vocabulary = readVocabularyFile(files.vocab);
  const report = evaluate({
    gold: loadGoldFile(files.gold),
    articles: loadArticlesFile(files.articles),
    articlesSource: 'articles.jsonl',
    entries: vocabulary.entries,
    // As `wasim tag --vocab vocab.txt` compiles it: with the default vocabulary's hints.
    compiled: compileVocabulary(vocabulary.entries, defaultHints()),
    taggers: ['substring', 'wholeword', 'wasim'],
  });
  for (const w of report.warnings) console.error(`warning: ${w}`);

  const section = [
    START,
    `Dev set (\`../shared/data/dev\`: ${report.scored} articles, \`vocab.txt\` with ${vocabulary.entries.length} entries), wasim at its default cut. ` +
      'P = correct tags / predicted tags; R(must) = must entities found; R(all) = must + ok entities found; ' +
      'P@k divides by k. Micro-averaged. Regenerate with `npm run eval:dev`.',
    '',
    markdownTable(report.rows),
    END,
  ].join('\n');

  const readme = fileURLToPath(new URL('README.md', ROOT));
  if (!existsSync(readme)) {
    console.log(section);
    console.log('(no README.md: table printed only)');
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
      console.error(`eval:dev: README.md has a broken ${START} … ${END} pair; fix it by hand. Table:`);
      console.log(section);
      process.exit(1);
    }
    if (updated !== text) writeFileSync(readme, updated);
    console.log(markdownTable(report.rows));
    console.log(updated !== text ? 'README.md updated.' : 'README.md already up to date.');
  }
} catch (e) {
  console.error(`eval:dev: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  process.exit(1);
}

/** Rendering an evaluation: a compact text table, a markdown table (README), JSON, error listings. */
import type { TagOptions } from '../core/types.js';
import type { ArticleErrors, EvaluationReport, TaggerRow } from './evaluate.js';
import type { Cut } from './optimize.js';
import type { Metrics } from './score.js';

const COLUMNS: { head: string; value: (m: Metrics) => string }[] = [
  { head: 'P', value: (m) => fixed(m.precision) },
  { head: 'R(must)', value: (m) => fixed(m.mustRecall) },
  { head: 'F1', value: (m) => fixed(m.f1) },
  { head: 'R(all)', value: (m) => fixed(m.allRecall) },
  { head: 'P@1', value: (m) => fixed(m.precisionAt[1]) },
  { head: 'P@3', value: (m) => fixed(m.precisionAt[3]) },
  { head: 'P@5', value: (m) => fixed(m.precisionAt[5]) },
  { head: 'tags', value: (m) => String(m.predicted) },
  { head: 'correct', value: (m) => String(m.correct) },
  { head: 'must found', value: (m) => `${m.mustFound}/${m.mustEntities}` },
];

function fixed(x: number): string {
  return x.toFixed(3);
}

export function describeCut(cut: Cut | TagOptions | undefined): string {
  if (!cut) return '';
  const parts: string[] = [];
  if (cut.top !== undefined) parts.push(`top ${Number.isFinite(cut.top) ? cut.top : '∞'}`);
  if (cut.minScore !== undefined) parts.push(`min-score ${cut.minScore}`);
  const byType = (cut as Cut).minScoreByType;
  if (byType && Object.keys(byType).length > 0) {
    parts.push(
      'per type ' +
        Object.entries(byType)
          .map(([t, s]) => `${t} ≥ ${s}`)
          .join(', '),
    );
  }
  return parts.length > 0 ? parts.join(', ') : 'default cut';
}

function rowCells(row: TaggerRow): string[] {
  return [row.label, ...COLUMNS.map((c) => c.value(row.metrics))];
}

export function metricsTable(rows: readonly TaggerRow[]): string {
  const table = [['tagger', ...COLUMNS.map((c) => c.head)], ...rows.map(rowCells)];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

export function markdownTable(rows: readonly TaggerRow[]): string {
  const head = ['tagger', ...COLUMNS.map((c) => c.head)];
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${rowCells(r).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function mentionList(mentions: ArticleErrors['falsePositives'][number]['mentions'], max = 3): string {
  if (mentions.length === 0) return '';
  const shown = mentions
    .slice(0, max)
    .map((m) => `${m.field}[${m.start}:${m.end}] «${m.text}»${m.inWord ? ` in «${m.inWord}»` : ''}`);
  if (mentions.length > max) shown.push(`+${mentions.length - max}`);
  return shown.join(', ');
}

function score(s: number | undefined): string {
  return s === undefined ? '' : ` (${s.toFixed(3)})`;
}

export function errorsText(row: TaggerRow): string {
  const out: string[] = [`== ${row.label}: false positives and missed must entities ==`];
  const articles = row.errors ?? [];
  if (articles.length === 0) out.push('(none)');
  for (const a of articles) {
    out.push(`${a.id}  ${a.title}`);
    for (const fp of a.falsePositives) {
      const where = mentionList(fp.mentions);
      out.push(`  + ${fp.tag}${score(fp.score)}${where ? '  ' + where : ''}`);
    }
    for (const m of a.missedMust) {
      const why = m.belowCut
        ? `  ranked #${m.belowCut.rank} as ${m.belowCut.tag}${score(m.belowCut.score)}, below the cut`
        : '  not matched';
      out.push(`  - ${m.entity}: ${m.tags.join(' / ')}${why}`);
    }
  }
  return out.join('\n');
}

export interface ReportHeader {
  gold: string;
  input: string;
  vocabulary: string;
  entries: number;
  /** The adaptation model wasim was scored with. */
  adaptation?: string;
}

export function textReport(report: EvaluationReport, header: ReportHeader, withErrors: boolean): string {
  const out: string[] = [
    `${report.scored} article(s) scored — gold ${header.gold}, articles ${header.input}, vocabulary ${header.vocabulary} (${header.entries} entries)${header.adaptation ? `, adaptation ${header.adaptation}` : ''}`,
    metricsTable(report.rows),
  ];
  const cuts = report.rows.filter((r) => r.cut);
  if (cuts.length > 0) out.push('', ...cuts.map((r) => `${r.label}: ${describeCut(r.cut)}`));
  if (report.optimized) {
    const c = report.optimized.cut;
    const flags = [`--top ${Number.isFinite(c.top) ? c.top : 'Infinity'}`, `--min-score ${c.minScore}`].join(' ');
    const perType = c.minScoreByType && Object.keys(c.minScoreByType).length > 0 ? ', with the per-type thresholds above' : '';
    out.push(`optimised cut (best F1 of ${report.optimized.evaluated} tried on this gold set): ${flags}${perType}`);
  }
  out.push('', 'P: correct tags / predicted tags; R(must): must entities found; R(all): must+ok entities found;');
  out.push('P@k: correct among the first k / k (fewer than k predictions count as misses). Micro-averaged.');
  if (withErrors) for (const r of report.rows.filter((x) => x.errors)) out.push('', errorsText(r));
  return out.join('\n') + '\n';
}

/** JSON has no Infinity: an unlimited top is written as null. */
function jsonCut(cut: Cut | TagOptions | undefined): unknown {
  if (!cut) return undefined;
  return { ...cut, ...(cut.top !== undefined ? { top: Number.isFinite(cut.top) ? cut.top : null } : {}) };
}

export function jsonReport(report: EvaluationReport, header: ReportHeader): string {
  const doc = {
    gold: header.gold,
    input: header.input,
    vocabulary: { source: header.vocabulary, entries: header.entries },
    ...(header.adaptation ? { adaptation: header.adaptation } : {}),
    scored: report.scored,
    goldWithoutArticle: report.goldWithoutArticle,
    articlesWithoutGold: report.articlesWithoutGold,
    warnings: report.warnings,
    taggers: report.rows.map((r) => ({
      label: r.label,
      tagger: r.tagger,
      ...(r.cut ? { cut: jsonCut(r.cut) } : {}),
      metrics: r.metrics,
      ...(r.errors ? { errors: r.errors } : {}),
    })),
    ...(report.optimized
      ? { optimized: { cut: jsonCut(report.optimized.cut), metrics: report.optimized.metrics, evaluated: report.optimized.evaluated } }
      : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

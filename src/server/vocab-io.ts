/** Vocabulary export in the formats import reads (txt, csv, jsonl): an export imports back to the same entries. */
import type { VocabEntry, VocabFormat } from '../core/index.js';

export type ExportFormat = 'txt' | 'csv' | 'jsonl';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

const CSV_COLUMNS = ['id', 'label', 'aliases', 'type', 'parent', 'ambiguous', 'nisba', 'note'] as const;

function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvRow(e: VocabEntry): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: e.id ?? '',
    label: e.label,
    aliases: (e.aliases ?? []).join('|'),
    type: e.type ?? '',
    parent: e.parent ?? '',
    ambiguous: e.ambiguous ? 'true' : '',
    nisba: (e.nisba ?? []).join('|'),
    note: e.note ?? '',
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',');
}

function jsonLine(e: VocabEntry): string {
  const o: Record<string, unknown> = {};
  if (e.id !== undefined) o.id = e.id;
  o.label = e.label;
  if (e.aliases?.length) o.aliases = e.aliases;
  if (e.nisba?.length) o.nisba = e.nisba;
  if (e.type) o.type = e.type;
  if (e.parent) o.parent = e.parent;
  if (e.ambiguous) o.ambiguous = true;
  if (e.note) o.note = e.note;
  return JSON.stringify(o);
}

export function exportVocabulary(entries: readonly VocabEntry[], format: ExportFormat): string {
  if (format === 'txt') return entries.map((e) => e.label + '\n').join('');
  if (format === 'csv') return [CSV_COLUMNS.join(','), ...entries.map(csvRow)].join('\r\n') + '\r\n';
  return entries.map((e) => jsonLine(e) + '\n').join('');
}

/**
 * The format of a vocabulary sent as bytes with no format named (application/octet-stream, as
 * `curl -T` or a file upload sends it): JSON when it is an array or {"entries": […]}, JSONL when
 * its first line is a JSON object or string, CSV when its first line is a header with a
 * "label" column, else plain text, one label a line.
 */
export function sniffVocabularyFormat(text: string): VocabFormat {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[')) return 'json';
  const first = t.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const header = first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
  if (!first.startsWith('{') && header.length > 1 && header.includes('label')) return 'csv';
  if (first.startsWith('{') || first.startsWith('"')) {
    if (t.startsWith('{')) {
      try {
        const v = JSON.parse(t) as { entries?: unknown };
        if (v && typeof v === 'object' && Array.isArray(v.entries)) return 'json';
      } catch {
        // several lines: JSONL
      }
    }
    return 'jsonl';
  }
  return 'txt';
}

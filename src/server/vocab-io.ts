/** Vocabulary export in the formats import reads (txt, csv, jsonl): an export imports back to the same entries. */
import type { VocabEntry } from '../core/index.js';

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

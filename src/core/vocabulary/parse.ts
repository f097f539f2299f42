/**
 * Reading vocabularies as publishers export them: plain text (one tag per line, as WordPress
 * exports), CSV with a header, JSON arrays and JSONL. Dirty input is cleaned with warnings;
 * a line that cannot be read is an error naming the source and the line.
 */
import { WasimError, type Localized, type TemplateName, type TemplateParams } from '../errors.js';
import { foldKey, foldLight, hasOddSpace, isFormatMark, isIgnorable } from '../fold.js';
import { inexactNumbers } from '../json-numbers.js';
import { TAG_TYPES, type TagType, type VocabEntry } from '../types.js';
import { StringIndex } from './string-index.js';

export type VocabFormat = 'txt' | 'csv' | 'json' | 'jsonl';
export const VOCAB_FORMATS: readonly VocabFormat[] = ['txt', 'csv', 'json', 'jsonl'];

export interface VocabWarning {
  line: number;
  message: string;
}

export interface ParsedVocabulary {
  entries: VocabEntry[];
  warnings: VocabWarning[];
  /** Source line of each entry (parallel to entries). */
  lines: number[];
  /** Lines that could not be read, when parsing with { collectErrors: true }. */
  errors: WasimError[];
}

export interface ParseOptions {
  /** Keep going past broken lines and report them all (for `wasim vocab lint`). */
  collectErrors?: boolean;
}

interface Sink {
  entries: VocabEntry[];
  lines: number[];
  /** The folded label of each entry (parallel to entries): checking a label folds it, and deduplication needs the fold. */
  keys: string[];
  warnings: VocabWarning[];
  errors: WasimError[] | null;
  /** The folded label of the entry being read, set by its label's check. */
  key: string;
}

function attempt(sink: Sink, line: number, build: () => VocabEntry | undefined): void {
  try {
    const e = build();
    if (e) {
      sink.entries.push(e);
      sink.lines.push(line);
      sink.keys.push(sink.key);
    }
  } catch (err) {
    if (sink.errors && err instanceof WasimError) sink.errors.push(err);
    else throw err;
  }
}

const MAX_LABEL = 200;
// Control characters (other than tab) and U+FFFD mean the file is binary or mis-decoded.
const BROKEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const HAS_LETTER = /[\p{L}\p{N}]/u;

type LineTemplate = TemplateName<'BAD_VOCAB_LINE'>;

/** A BAD_VOCAB_LINE error at `source:line`, from one of the catalogue's templates. */
function lineError<N extends LineTemplate>(source: string, line: number, template: N, params: Omit<TemplateParams<'BAD_VOCAB_LINE', N>, 'where'>): WasimError {
  return WasimError.of('BAD_VOCAB_LINE', template, { ...params, where: `${source}:${line}` } as TemplateParams<'BAD_VOCAB_LINE', N>, { source, line });
}

/** What a label is, in the words of a message: the label, an alias, a nisba form, or an entry of a JSON array. */
const LABEL: Localized = { en: 'label', ar: 'التسمية' };
const ALIAS: Localized = { en: 'alias', ar: 'الاسم البديل' };
const NISBA_FORM: Localized = { en: 'nisba form', ar: 'صيغة النسبة' };
const entryLabel = (n: number): Localized => ({ en: `entry ${n} label`, ar: `تسمية المدخل ${n}` });

/** Removes what a CMS copy-paste leaves in a label: bidi/zero-width marks, tashkeel, tatweel, doubled spaces. */
export function cleanLabel(raw: string): { label: string; changes: string[] } {
  const changes: string[] = [];
  let out = '';
  let marks = false;
  let formats = false;
  // Nearly every label is clean: it is then its own output, with no string built a letter at a time.
  let clean = true;
  for (let i = 0; i < raw.length && clean; i++) clean = !isIgnorable(raw.charCodeAt(i));
  if (clean) out = raw;
  else {
    for (const ch of raw) {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && isIgnorable(c)) {
        if (isFormatMark(c)) formats = true;
        else marks = true;
        continue;
      }
      out += ch;
    }
  }
  if (!marks && !formats && !hasOddSpace(out)) return { label: out, changes };
  const spaced = out.replace(/[\s\u00a0]+/g, ' ').trim();
  if (formats) changes.push('removed zero-width/bidi marks');
  if (marks) changes.push('removed diacritics/tatweel');
  // Surrounding white space is just trimmed; doubled or odd spaces inside a name are dirt worth saying.
  if (spaced !== out.trim() || /\S[\s\u00a0]{2,}\S/.test(out)) changes.push('collapsed spaces');
  return { label: spaced, changes };
}

/** The label cleaned, or an error saying why it is none; `sink`: for an entry's own label, whose fold is kept there. */
function checkLabel(source: string, line: number, raw: string, warnings: VocabWarning[], what: Localized = LABEL, sink?: Sink): string {
  if (BROKEN_CHARS.test(raw)) throw lineError(source, line, 'brokenChars', { what });
  const { label, changes } = cleanLabel(raw);
  if (label.length === 0) throw lineError(source, line, 'emptyLabel', { what });
  if (label.length > MAX_LABEL) throw lineError(source, line, 'labelTooLong', { what, max: MAX_LABEL });
  if (!HAS_LETTER.test(label)) throw lineError(source, line, 'noLetters', { what, label });
  const key = foldKey(label);
  if (key.length === 0) throw lineError(source, line, 'emptyAfterFolding', { what, label });
  if (sink !== undefined) sink.key = key;
  for (const c of changes) warnings.push({ line, message: `${what.en} "${label}": ${c}` });
  return label;
}

function parseBool(v: unknown, source: string, line: number): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', '1', 'y', 'نعم'].includes(s)) return true;
    if (['false', 'no', '0', 'n', 'لا'].includes(s)) return false;
  }
  throw lineError(source, line, 'notBoolean', { field: 'ambiguous', value: JSON.stringify(v) });
}

function parseList(v: unknown, field: string, source: string, line: number): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return v.split('|').map((s) => s.trim()).filter((s) => s.length > 0);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).map((s) => s.trim()).filter((s) => s.length > 0);
  throw lineError(source, line, 'notList', { field });
}

function optString(v: unknown, field: string, source: string, line: number, literals?: Literals): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return literals?.(field) ?? String(v);
  if (typeof v !== 'string') throw lineError(source, line, 'notString', { field });
  return v.trim() || undefined;
}

/**
 * A JSON record's number literals as written, by field, where JSON.parse changed them (an id
 * of 20 digits): ids and parents keep those digits.
 */
type Literals = (field: string) => string | undefined;

/** Builds an entry from a record (CSV row or JSON object) and validates every field. */
function entryFromRecord(rec: Record<string, unknown>, source: string, line: number, sink: Sink, literals?: Literals): VocabEntry {
  const warnings = sink.warnings;
  const rawLabel = rec.label ?? rec.name ?? rec.tag;
  if (typeof rawLabel !== 'string') throw lineError(source, line, 'missingLabel', {});
  const label = checkLabel(source, line, rawLabel, warnings, LABEL, sink);
  const entry: VocabEntry = { label };
  const id = optString(rec.id, 'id', source, line, literals);
  if (id !== undefined) entry.id = id;
  const aliases = parseList(rec.aliases, 'aliases', source, line).map((a) => checkLabel(source, line, a, warnings, ALIAS));
  if (aliases.length) entry.aliases = aliases;
  const nisba = parseList(rec.nisba, 'nisba', source, line).map((a) => checkLabel(source, line, a, warnings, NISBA_FORM));
  if (nisba.length) entry.nisba = nisba;
  const type = optString(rec.type, 'type', source, line);
  if (type !== undefined) {
    const t = type.toLowerCase() === 'organization' ? 'organisation' : type.toLowerCase();
    if (!TAG_TYPES.includes(t as TagType)) throw lineError(source, line, 'unknownType', { type, types: TAG_TYPES.join(', ') });
    entry.type = t as TagType;
  }
  const parent = optString(rec.parent, 'parent', source, line, literals);
  if (parent !== undefined) entry.parent = parent;
  const ambiguous = parseBool(rec.ambiguous, source, line);
  if (ambiguous !== undefined) entry.ambiguous = ambiguous;
  const note = optString(rec.note, 'note', source, line);
  if (note !== undefined) entry.note = note;
  return entry;
}

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, newlines inside quotes. Returns rows with their first line number. */
export function parseCsvRows(text: string, source: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let atCellStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      atCellStart = true;
      line++;
      rowLine = line;
    } else {
      if (ch === '"') throw lineError(source, line, 'strayQuote', {});
      cell += ch;
      atCellStart = false;
    }
  }
  if (quoted) throw lineError(source, rowLine, 'unterminatedQuote', {});
  cells.push(cell);
  if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

/** The lines of a text, ended by \r\n, \n or \r (a split on a string is several times faster than on a pattern). */
export function splitLines(text: string): string[] {
  return text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n');
}

/**
 * Can a line starting with this code unit start with white space, a mark a label is cleaned of, or a
 * list's "- "? Letters and digits of the Arabic block and printable ASCII but "-" cannot: for them,
 * nearly every line, the patterns that strip such a start need not run.
 */
function mayNeedStrip(c: number): boolean {
  return !((c >= 0x21 && c <= 0x7e && c !== 0x2d) || (c >= 0x0600 && c <= 0x06ff && !isIgnorable(c)));
}

function parseTxt(text: string, source: string, sink: Sink): void {
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const plain = !mayNeedStrip(raw.charCodeAt(0));
    const trimmed = plain ? raw : raw.replace(/^[\s\ufeff\u200e\u200f]+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!plain && cleanLabel(raw).label === '' && !BROKEN_CHARS.test(raw)) continue;
    // WordPress exports sometimes prefix tags with "- " (a list).
    attempt(sink, i + 1, () => ({ label: checkLabel(source, i + 1, plain ? trimmed : trimmed.replace(/^-\s+/, ''), sink.warnings, LABEL, sink) }));
  }
}

function parseCsv(text: string, source: string, sink: Sink): void {
  const rows = parseCsvRows(text, source);
  if (rows.length === 0) return;
  const header = rows[0]!.cells.map((h) => h.trim().toLowerCase().replace(/^\ufeff/, ''));
  if (!header.includes('label')) throw lineError(source, rows[0]!.line, 'noLabelColumn', { columns: 'label, aliases, type, id, parent, ambiguous, nisba, note' });
  for (const row of rows.slice(1)) {
    attempt(sink, row.line, () => {
      if (row.cells.length > header.length) throw lineError(source, row.line, 'tooManyFields', { fields: row.cells.length, columns: header.length });
      const rec: Record<string, unknown> = {};
      header.forEach((h, k) => (rec[h] = row.cells[k] ?? ''));
      return entryFromRecord(rec, source, row.line, sink);
    });
  }
}

function parseJsonValue(text: string, source: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw lineError(source, line, 'invalidJson', { reason: (e as Error).message });
  }
}

function parseJsonl(text: string, source: string, sink: Sink): void {
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#') || raw.startsWith('//')) continue;
    attempt(sink, i + 1, () => {
      const v = parseJsonValue(raw, source, i + 1);
      if (typeof v === 'string') return { label: checkLabel(source, i + 1, v, sink.warnings, LABEL, sink) };
      if (v && typeof v === 'object' && !Array.isArray(v)) return entryFromRecord(v as Record<string, unknown>, source, i + 1, sink, (field) => inexactNumbers(raw).get('/' + field));
      throw lineError(source, i + 1, 'notEntryObject', {});
    });
  }
}

/** In a JSON array the "line" of an entry is its position in the array (1-based). */
function parseJson(text: string, source: string, sink: Sink): void {
  const v = parseJsonValue(text, source, 1);
  const list = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as { entries?: unknown }).entries) ? (v as { entries: unknown[] }).entries : null;
  if (!list) throw lineError(source, 1, 'notEntryList', {});
  let literals: Map<string, string> | undefined;
  const prefix = Array.isArray(v) ? '' : '/entries';
  list.forEach((item, k) =>
    attempt(sink, k + 1, () => {
      if (typeof item === 'string') return { label: checkLabel(source, k + 1, item, sink.warnings, entryLabel(k + 1), sink) };
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw lineError(source, k + 1, 'entryNotObject', { n: k + 1 });
      return entryFromRecord(item as Record<string, unknown>, source, k + 1, sink, (field) => (literals ??= inexactNumbers(text)).get(`${prefix}/${k}/${field}`));
    }),
  );
}

/**
 * A parenthesised qualifier ends a label as a note on which of several places or people of that
 * name is meant («زنجبار (اليمن)»): it is not part of the name, which the text never writes with
 * it. It becomes the entry's parent when it has none (the disambiguation stage looks for it in
 * the article) and its note.
 */
export function withQualifier(e: VocabEntry): VocabEntry {
  const last = e.label.charCodeAt(e.label.length - 1);
  // The pattern ends with a closing parenthesis: most labels do not, and need not run it.
  if (last !== 0x29 && last !== 0xff09) return e;
  const m = /^(.*[^\s(])\s*[(（]\s*([^()（）]*[^\s()（）])\s*[)）]$/u.exec(e.label);
  if (m === null || !HAS_LETTER.test(m[1]!)) return e;
  const out: VocabEntry = { ...e, label: m[1]! };
  if (out.parent === undefined) out.parent = m[2]!;
  if (out.note === undefined) out.note = m[2]!;
  return out;
}

/**
 * Parses a vocabulary. Exact duplicates (same folded label, no distinct id) are dropped with
 * a warning; entries that merely fold alike are kept — the compiler makes them one tag.
 */
export function parseVocabulary(text: string, format: VocabFormat, source = 'vocabulary', options: ParseOptions = {}): ParsedVocabulary {
  if (!VOCAB_FORMATS.includes(format)) throw WasimError.of('BAD_VOCAB_FORMAT', 'unknown', { source, format });
  const sink: Sink = { entries: [], lines: [], keys: [], warnings: [], errors: options.collectErrors ? [] : null, key: '' };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'txt') parseTxt(body, source, sink);
  else if (format === 'csv') parseCsv(body, source, sink);
  else if (format === 'jsonl') parseJsonl(body, source, sink);
  else parseJson(body, source, sink);
  // Per distinct key below: the index in `entries` of its first entry.
  const seen = new StringIndex(sink.entries.length);
  const firstAt: number[] = [];
  const entries: VocabEntry[] = [];
  const lines: number[] = [];
  sink.entries.forEach((raw, k) => {
    const e = withQualifier(raw);
    const line = sink.lines[k]!;
    const folded = e === raw ? sink.keys[k]! : foldKey(e.label);
    // A folded label holds no NUL, so an entry without id and parent is told by its fold alone
    // (no string built per entry); ids and parents are never empty.
    const key = e.id === undefined && e.parent === undefined ? folded : (e.id ?? '') + '\u0000' + folded + '\u0000' + (e.parent ?? '');
    const keyNumber = seen.add(key);
    const first = keyNumber < firstAt.length ? firstAt[keyNumber] : undefined;
    if (first !== undefined && e.id === undefined && !e.aliases && !e.type) {
      const kept = entries[first]!;
      // Another hamza seat or ى/ي is a spelling the text may use: kept as one (أسبانيا, إسبانيا).
      if (foldLight(e.label) !== foldLight(kept.label) && !(kept.aliases ?? []).some((a) => foldLight(a) === foldLight(e.label))) {
        kept.aliases = [...(kept.aliases ?? []), e.label];
        sink.warnings.push({ line, message: `"${e.label}" folds like line ${lines[first]} ("${kept.label}"): kept as its spelling variant` });
      } else sink.warnings.push({ line, message: `"${e.label}" duplicates line ${lines[first]}, dropped` });
      return;
    }
    if (first === undefined) firstAt.push(entries.length);
    entries.push(e);
    lines.push(line);
  });
  return { entries, warnings: sink.warnings, lines, errors: sink.errors ?? [] };
}

/** `wasim vocab stats|lint|export|compile|upgrade`: inspect, check, convert, compile and upgrade vocabularies. */
import type { Command } from 'commander';
import { compileVocabulary, deserializeCompiled, foldKey, isWasimError, serializeCompiled, TAG_TYPES, WasimError, type CompiledVocabulary, type VocabEntry } from '../../core/index.js';
import { parseVocabulary } from '../../core/vocabulary/parse.js';
import { writeOutputFile } from '../../node/output-file.js';
import { defaultHints, formatFromPath, readCompiledFile, readDefaultEntries, readTextFile } from '../../node/vocab-file.js';
import { choices } from '../../core/index.js';
import { EXIT_OK, EXIT_PARTIAL, parseVocabFormat, reportError, usageError } from '../common.js';

interface Loaded {
  entries: VocabEntry[];
  lines: number[];
  errors: WasimError[];
  warnings: { line: number; message: string }[];
  source: string;
}

function load(path: string | undefined, format: string | undefined, collectErrors: boolean): Loaded {
  if (!path) {
    const entries = readDefaultEntries();
    return { entries, lines: entries.map((_, k) => k + 1), errors: [], warnings: [], source: 'default vocabulary' };
  }
  const fmt = parseVocabFormat(format) ?? formatFromPath(path);
  if (fmt === 'compiled') throw usageError('compiledNotSource', { path });
  const parsed = parseVocabulary(readTextFile(path), fmt, path, { collectErrors });
  return { ...parsed, source: path };
}

export interface VocabStats {
  entries: number;
  tags: number;
  byType: Record<string, number>;
  ambiguous: number;
  aliases: number;
  nisbaForms: number;
  withParent: number;
  foldedDuplicates: number;
}

export function vocabStats(entries: readonly VocabEntry[]): VocabStats {
  const byType: Record<string, number> = Object.fromEntries([...TAG_TYPES, 'untyped'].map((t) => [t, 0]));
  const labels = new Map<string, number>();
  let ambiguous = 0;
  let aliases = 0;
  let nisbaForms = 0;
  let withParent = 0;
  for (const e of entries) {
    byType[e.type ?? 'untyped']!++;
    if (e.ambiguous) ambiguous++;
    aliases += e.aliases?.length ?? 0;
    nisbaForms += e.nisba?.length ?? 0;
    if (e.parent) withParent++;
    const k = foldKey(e.label);
    labels.set(k, (labels.get(k) ?? 0) + 1);
  }
  let foldedDuplicates = 0;
  for (const n of labels.values()) if (n > 1) foldedDuplicates += n - 1;
  return { entries: entries.length, tags: labels.size, byType, ambiguous, aliases, nisbaForms, withParent, foldedDuplicates };
}

export interface LintProblem {
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Broken lines, duplicate ids, parents that do not exist, labels that fold to another entry's label. */
export function lintVocabulary(loaded: Loaded): LintProblem[] {
  const problems: LintProblem[] = loaded.errors.map((e) => ({ line: Number((e.details?.line as number) ?? 0), severity: 'error' as const, message: e.message }));
  for (const w of loaded.warnings) problems.push({ line: w.line, severity: 'warning', message: w.message });
  const ids = new Map<string, number>();
  const labelOwner = new Map<string, { line: number; id?: string; label: string }>();
  loaded.entries.forEach((e, k) => {
    const line = loaded.lines[k]!;
    if (e.id !== undefined) {
      const prev = ids.get(e.id);
      if (prev !== undefined) problems.push({ line, severity: 'error', message: `duplicate id "${e.id}" (first at line ${prev})` });
      else ids.set(e.id, line);
    }
    // One name under two parents is two places or people (زنجبار in Tanzania and in Yemen).
    const key = foldKey(e.label) + '\u0000' + (e.parent ?? '');
    const owner = labelOwner.get(key);
    if (owner && (owner.id !== e.id || e.id === undefined)) {
      const sev = e.id !== undefined && owner.id !== undefined ? 'error' : 'warning';
      problems.push({ line, severity: sev, message: `label "${e.label}" folds to the label "${owner.label}" of line ${owner.line}${sev === 'warning' ? ' (merged into one tag)' : ''}` });
    } else if (!owner) labelOwner.set(key, { line, id: e.id, label: e.label });
  });
  const known = new Set([...ids.keys(), ...loaded.entries.map((e) => e.label)]);
  loaded.entries.forEach((e, k) => {
    if (e.parent && !known.has(e.parent)) problems.push({ line: loaded.lines[k]!, severity: 'error', message: `parent "${e.parent}" of "${e.label}" does not exist` });
  });
  return problems.sort((a, b) => a.line - b.line);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportVocabulary(entries: readonly VocabEntry[], format: string): string {
  if (format === 'txt') return entries.map((e) => e.label).join('\n') + '\n';
  if (format === 'jsonl') return entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
  if (format === 'csv') {
    const rows = [['label', 'aliases', 'type', 'id', 'parent', 'ambiguous', 'nisba', 'note'].join(',')];
    for (const e of entries) {
      rows.push([e.label, (e.aliases ?? []).join('|'), e.type ?? '', e.id ?? '', e.parent ?? '', e.ambiguous ? 'true' : '', (e.nisba ?? []).join('|'), e.note ?? ''].map(csvCell).join(','));
    }
    return rows.join('\n') + '\n';
  }
  throw usageError('oneOf', { option: '--format', choices: choices(['txt', 'csv', 'jsonl']), value: format });
}

/** A compiled vocabulary of any version, read: refused naming the command a source vocabulary needs. */
function readAnyCompiled(path: string): CompiledVocabulary {
  try {
    return deserializeCompiled(readCompiledFile(path));
  } catch (e) {
    if (isWasimError(e) && e.code === 'BAD_COMPILED_VOCAB') throw WasimError.of('BAD_COMPILED_VOCAB', 'notCompiled', { path, reason: e.text });
    throw e;
  }
}

function formatStats(s: VocabStats, source: string): string {
  const lines = [`vocabulary: ${source}`, `entries: ${s.entries}`, `distinct labels (after folding): ${s.tags}`];
  for (const [t, n] of Object.entries(s.byType)) lines.push(`  ${t}: ${n}`);
  lines.push(`ambiguous: ${s.ambiguous}`, `aliases: ${s.aliases}`, `nisba forms: ${s.nisbaForms}`, `with parent: ${s.withParent}`, `duplicates after folding: ${s.foldedDuplicates}`);
  return lines.join('\n') + '\n';
}

export function registerVocab(program: Command): Command {
  const vocab = program.command('vocab').description('inspect, check, convert and compile vocabularies');
  const wrap =
    <A extends unknown[]>(name: string, fn: (...args: A) => number) =>
    (...args: A): void => {
      try {
        process.exitCode = fn(...args);
      } catch (e) {
        process.exitCode = reportError(`vocab ${name}`, e);
      }
    };
  vocab
    .command('stats')
    .argument('[path]', 'vocabulary file (default: the embedded vocabulary)')
    .option('--vocab-format <format>', 'txt, csv, json or jsonl')
    .option('--format <format>', 'text or json', 'text')
    .description('counts per type, ambiguous entries, duplicates after folding')
    .action(
      wrap('stats', (path: string | undefined, opts: { vocabFormat?: string; format: string }) => {
        const loaded = load(path, opts.vocabFormat, false);
        const stats = vocabStats(loaded.entries);
        process.stdout.write(opts.format === 'json' ? JSON.stringify(stats, null, 2) + '\n' : formatStats(stats, loaded.source));
        return EXIT_OK;
      }),
    );
  vocab
    .command('lint')
    .argument('[path]', 'vocabulary file (default: the embedded vocabulary)')
    .option('--vocab-format <format>', 'txt, csv, json or jsonl')
    .description('broken lines, duplicate ids, missing parents, labels folding to another label')
    .action(
      wrap('lint', (path: string | undefined, opts: { vocabFormat?: string }) => {
        const loaded = load(path, opts.vocabFormat, true);
        const problems = lintVocabulary(loaded);
        for (const p of problems) process.stdout.write(`${loaded.source}:${p.line}: ${p.severity}: ${p.message.replace(`${loaded.source}:${p.line}: `, '')}\n`);
        const errors = problems.filter((p) => p.severity === 'error').length;
        process.stdout.write(`${loaded.entries.length} entries, ${errors} error(s), ${problems.length - errors} warning(s)\n`);
        return errors > 0 ? EXIT_PARTIAL : EXIT_OK;
      }),
    );
  vocab
    .command('export')
    .argument('[path]', 'vocabulary file (default: the embedded vocabulary)')
    .option('--vocab-format <format>', 'input format: txt, csv, json or jsonl')
    .option('--format <format>', 'txt, csv or jsonl', 'jsonl')
    .description('write a vocabulary as txt, csv or jsonl on standard output')
    .action(
      wrap('export', (path: string | undefined, opts: { vocabFormat?: string; format: string }) => {
        process.stdout.write(exportVocabulary(load(path, opts.vocabFormat, false).entries, opts.format));
        return EXIT_OK;
      }),
    );
  vocab
    .command('compile')
    .argument('<path>', 'vocabulary file')
    .requiredOption('-o, --output <file>', 'where to write the compiled vocabulary (binary; name it .wasim)')
    .option('--vocab-format <format>', 'txt, csv, json or jsonl')
    .option('--no-hints', "do not lend the default vocabulary's types and ambiguity flags")
    .description('compile a vocabulary into the fast-loading form (use it with --vocab)')
    .action(
      wrap('compile', (path: string, opts: { output: string; vocabFormat?: string; hints?: boolean }) => {
        const loaded = load(path, opts.vocabFormat, false);
        const compiled = compileVocabulary(loaded.entries, opts.hints === false ? {} : defaultHints());
        writeOutputFile(opts.output, serializeCompiled(compiled));
        process.stderr.write(`compiled ${compiled.tags.length} tags, ${compiled.patterns.length} forms → ${opts.output}\n`);
        return EXIT_OK;
      }),
    );
  vocab
    .command('upgrade')
    .argument('<in>', 'compiled vocabulary of any version (a .wasim file, or a .compiled.json from before the binary form)')
    .argument('<out>', 'where to write it in the current form')
    .description('rewrite a compiled vocabulary of an older version in the current form (it loads faster)')
    .action(
      wrap('upgrade', (input: string, output: string) => {
        const compiled = readAnyCompiled(input);
        writeOutputFile(output, serializeCompiled(compiled));
        process.stderr.write(`upgraded ${compiled.tags.length} tags, ${compiled.patterns.length} forms → ${output}\n`);
        return EXIT_OK;
      }),
    );
  return vocab;
}

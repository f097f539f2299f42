/**
 * Builds the embedded default vocabulary: reads every `vocab/*.jsonl` source file, merges the
 * Arabic country, region and city names of CLDR (npm packages cldr-localenames-full,
 * cldr-dates-full and cldr-bcp47, read at build time rather than typed by hand), validates the
 * whole, and writes `dist/vocab/default.jsonl`, one entry per line, sorted by id.
 *
 *   node dist/tools/build-default-vocab.js [--out FILE] [--quiet]
 *
 * The hand-written files always win over CLDR: an entry whose id CLDR would also produce keeps
 * its label, and the CLDR spelling is only added as an alias (unless `vocab/cldr-import.json`
 * rejects it or it would steal another entry's form).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldKey } from '../core/fold.js';
import { TAG_TYPES, type TagType, type VocabEntry } from '../core/types.js';

/** An entry of the default vocabulary: unlike a publisher's list, every entry has an id and a type. */
export interface DefaultEntry extends VocabEntry {
  id: string;
  type: TagType;
}

export interface BuildIssue {
  source: string;
  message: string;
}

export interface BuildResult {
  entries: DefaultEntry[];
  /** Problems that make the vocabulary unusable (the build fails). */
  errors: BuildIssue[];
  /** Problems worth a look that do not fail the build (labels folding alike …). */
  warnings: BuildIssue[];
  /** How many entries each source contributed. */
  counts: { bySource: Record<string, number>; byType: Record<string, number>; ambiguous: number };
}

/** How CLDR is brought in: see vocab/cldr-import.json. */
interface CldrImportConfig {
  /** Territory codes that are not places (EU, UN, pseudo-locales …). */
  excludeTerritories: string[];
  /** Numeric CLDR region code → id of a supranational place (002 → place-africa). */
  regions: Record<string, string>;
  /** Time zones whose exemplar city is not worth a tag (Antarctic stations, tiny settlements). */
  excludeZones: string[];
  /** Time zone → id, where the zone's own name gives a poor slug (Asia/Calcutta → place-in-kolkata). */
  zoneIds: Record<string, string>;
  /** Time zone → country code, where the zone's own country is not the one the Arabic press uses. */
  zoneCountries: Record<string, string>;
  /** CLDR spellings never used, keyed by territory code or time zone (misspellings, common words). */
  rejectNames: Record<string, string[]>;
}

const ENTRY_FIELDS = new Set(['id', 'label', 'aliases', 'nisba', 'type', 'parent', 'ambiguous', 'note']);
const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function repoRoot(): string {
  // dist/tools/build-default-vocab.js → repository root
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Reads one JSONL source; broken lines become errors naming file and line. */
export function parseSourceFile(text: string, source: string, errors: BuildIssue[]): DefaultEntry[] {
  const out: DefaultEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `${source}:${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      errors.push({ source: where, message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const problem = checkEntryShape(obj);
    if (problem) {
      errors.push({ source: where, message: problem });
      continue;
    }
    out.push(obj as DefaultEntry);
  }
  return out;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x.trim() !== '');
}

function checkEntryShape(obj: unknown): string | undefined {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
  const e = obj as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!ENTRY_FIELDS.has(k)) return `unknown field "${k}"`;
  if (typeof e.id !== 'string' || e.id.trim() === '') return 'id missing: every default entry needs a stable id';
  if (typeof e.label !== 'string' || e.label.trim() === '' || foldKey(e.label) === '') return `${e.id}: empty label`;
  if (typeof e.type !== 'string' || !(TAG_TYPES as readonly string[]).includes(e.type)) {
    return `${e.id}: type must be one of ${TAG_TYPES.join(', ')}`;
  }
  if (e.aliases !== undefined && !isStringArray(e.aliases)) return `${e.id}: aliases must be non-empty strings`;
  if (e.nisba !== undefined && !isStringArray(e.nisba)) return `${e.id}: nisba must be non-empty strings`;
  if (e.parent !== undefined && (typeof e.parent !== 'string' || e.parent === '')) return `${e.id}: parent must be an id`;
  if (e.ambiguous !== undefined && typeof e.ambiguous !== 'boolean') return `${e.id}: ambiguous must be true or false`;
  if (e.note !== undefined && typeof e.note !== 'string') return `${e.id}: note must be a string`;
  if (e.ambiguous === true && (typeof e.note !== 'string' || e.note.trim() === '')) return `${e.id}: an ambiguous entry needs a note`;
  return undefined;
}

/**
 * CLDR writes some names with a bracketed gloss ("ميانمار (بورما)") or a spaced dash
 * ("الكونغو - كينشاسا"); the press writes the parts, so each part becomes a form of its own.
 */
export function cldrNameForms(name: string): string[] {
  const forms: string[] = [];
  const m = /^(.*?)\s*\((.*)\)\s*$/.exec(name);
  const main = (m ? m[1]! : name).replace(/\s+-\s+/g, ' ').trim();
  if (main) forms.push(main);
  if (m) {
    const inner = m[2]!.replace(/\s+-\s+/g, ' ').trim();
    // a gloss such as "منطقة إدارية خاصة" is a description, not a name
    if (inner && !/منطقة|مدينة/.test(inner)) forms.push(inner);
  }
  return forms;
}

interface CldrData {
  territories: Record<string, string>;
  zones: Array<{ zone: string; country: string; city: string }>;
  versions: Record<string, string>;
}

export function loadCldr(): CldrData {
  const require = createRequire(import.meta.url);
  const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  const versions: Record<string, string> = {};
  for (const name of ['cldr-localenames-full', 'cldr-dates-full', 'cldr-bcp47']) {
    versions[name] = (readJson(join(pkgDir(name), 'package.json')) as { version: string }).version;
  }
  const terr = readJson(join(pkgDir('cldr-localenames-full'), 'main/ar/territories.json')) as {
    main: { ar: { localeDisplayNames: { territories: Record<string, string> } } };
  };
  const tz = readJson(join(pkgDir('cldr-bcp47'), 'bcp47/timezone.json')) as {
    keyword: { u: { tz: Record<string, { _alias?: string; _region?: string; _deprecated?: boolean }> } };
  };
  const zoneCountry = new Map<string, string>();
  for (const [key, v] of Object.entries(tz.keyword.u.tz)) {
    if (key.startsWith('_') || !v._alias || v._deprecated) continue;
    // BCP 47 time zone keys start with the ISO country code unless _region says otherwise
    const cc = (v._region ?? key.slice(0, 2)).toUpperCase();
    for (const alias of v._alias.split(' ')) zoneCountry.set(alias, cc);
  }
  const names = readJson(join(pkgDir('cldr-dates-full'), 'main/ar/timeZoneNames.json')) as {
    main: { ar: { dates: { timeZoneNames: { zone: Record<string, unknown> } } } };
  };
  const zones: CldrData['zones'] = [];
  const walk = (node: Record<string, unknown>, path: string[]) => {
    for (const [k, v] of Object.entries(node)) {
      if (v === null || typeof v !== 'object') continue;
      const rec = v as Record<string, unknown>;
      const zone = [...path, k].join('/');
      if (typeof rec.exemplarCity === 'string') {
        const country = zoneCountry.get(zone);
        if (country) zones.push({ zone, country, city: rec.exemplarCity });
      } else {
        walk(rec, [...path, k]);
      }
    }
  };
  walk(names.main.ar.dates.timeZoneNames.zone, []);
  zones.sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  return { territories: terr.main.ar.localeDisplayNames.territories, zones, versions };
}

function zoneSlug(zone: string): string {
  const last = zone.split('/').pop()!;
  return last
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Every form an entry can be found by, folded: label, aliases and nisba. */
function formKeys(e: VocabEntry): string[] {
  return [e.label, ...(e.aliases ?? []), ...(e.nisba ?? [])].map(foldKey);
}

export interface BuildOptions {
  /** Repository root holding vocab/ (default: this file's repository). */
  root?: string;
  /** CLDR data; loaded from node_modules when absent. */
  cldr?: CldrData;
}

export function buildDefaultVocabulary(options: BuildOptions = {}): BuildResult & { cldrVersions: Record<string, string> } {
  const root = options.root ?? repoRoot();
  const vocabDir = join(root, 'vocab');
  const errors: BuildIssue[] = [];
  const warnings: BuildIssue[] = [];
  const bySource: Record<string, number> = {};

  const byId = new Map<string, DefaultEntry>();
  const sourceOf = new Map<string, string>();
  const files = readdirSync(vocabDir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  for (const file of files) {
    const source = `vocab/${file}`;
    const entries = parseSourceFile(readFileSync(join(vocabDir, file), 'utf8'), source, errors);
    bySource[source] = entries.length;
    for (const e of entries) {
      const prev = sourceOf.get(e.id);
      if (prev !== undefined) {
        errors.push({ source, message: `duplicate id ${e.id} (first in ${prev})` });
        continue;
      }
      byId.set(e.id, { ...e });
      sourceOf.set(e.id, source);
    }
  }

  const config = readJson(join(vocabDir, 'cldr-import.json')) as CldrImportConfig;
  const cldr = options.cldr ?? loadCldr();
  mergeCldr(byId, sourceOf, bySource, cldr, config, warnings);

  const entries = [...byId.values()].map(normalise).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  validate(entries, errors, warnings);

  const byType: Record<string, number> = {};
  for (const t of TAG_TYPES) byType[t] = 0;
  let ambiguous = 0;
  for (const e of entries) {
    byType[e.type] = (byType[e.type] ?? 0) + 1;
    if (e.ambiguous) ambiguous++;
  }
  return { entries, errors, warnings, counts: { bySource, byType, ambiguous }, cldrVersions: cldr.versions };
}

function mergeCldr(
  byId: Map<string, DefaultEntry>,
  sourceOf: Map<string, string>,
  bySource: Record<string, number>,
  cldr: CldrData,
  config: CldrImportConfig,
  warnings: BuildIssue[],
): void {
  // Forms already claimed by hand-written entries: a CLDR name never becomes an alias of a second entry.
  const owner = new Map<string, string>();
  const claim = (e: VocabEntry & { id: string }) => {
    for (const k of formKeys(e)) if (!owner.has(k)) owner.set(k, e.id);
  };
  for (const e of byId.values()) claim(e);
  const rejected = (key: string, name: string) => (config.rejectNames[key] ?? []).some((r) => foldKey(r) === foldKey(name));

  const addForms = (e: DefaultEntry, names: string[], source: string) => {
    for (const name of names) {
      const k = foldKey(name);
      const o = owner.get(k);
      if (o !== undefined && o !== e.id) {
        warnings.push({ source, message: `CLDR name «${name}» for ${e.id} already belongs to ${o}; not added` });
        continue;
      }
      if (!formKeys(e).includes(k)) e.aliases = [...(e.aliases ?? []), name];
      owner.set(k, e.id);
    }
  };

  const excludedTerritories = new Set(config.excludeTerritories);
  const territoryNames = new Map<string, string[]>();
  for (const [code, name] of Object.entries(cldr.territories)) {
    const base = code.split('-alt-')[0]!;
    if (excludedTerritories.has(base)) continue;
    if (rejected(base, name)) continue;
    const list = territoryNames.get(base) ?? [];
    // the plain name first, then the -alt- forms, as CLDR orders them
    if (code === base) list.unshift(...cldrNameForms(name));
    else list.push(...cldrNameForms(name));
    territoryNames.set(base, list);
  }

  let fromCldr = 0;
  for (const [code, names] of [...territoryNames].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    let id: string | undefined;
    if (/^[A-Z]{2}$/.test(code)) id = `place-${code.toLowerCase()}`;
    else id = config.regions[code];
    if (id === undefined) continue; // a statistical region nobody tags (e.g. "Melanesia")
    const source = `CLDR territories ${code}`;
    let e = byId.get(id);
    if (e === undefined) {
      e = { id, label: names[0]!, type: 'place' };
      if (/^[A-Z]{2}$/.test(code)) e.note = 'Name from CLDR.';
      byId.set(id, e);
      sourceOf.set(id, 'CLDR');
      claim(e);
      fromCldr++;
    }
    addForms(e, names, source);
  }

  const excludedZones = new Set(config.excludeZones);
  for (const { zone, country: zoneCountry, city } of cldr.zones) {
    if (excludedZones.has(zone) || zone.startsWith('Etc/') || zone.startsWith('Antarctica/')) continue;
    const country = config.zoneCountries[zone] ?? zoneCountry;
    const parent = `place-${country.toLowerCase()}`;
    if (!byId.has(parent)) {
      warnings.push({ source: `CLDR zone ${zone}`, message: `country ${parent} unknown; city skipped` });
      continue;
    }
    const names = cldrNameForms(city).filter((n) => !rejected(zone, n));
    const id = config.zoneIds[zone] ?? `place-${country.toLowerCase()}-${zoneSlug(zone)}`;
    const source = `CLDR zone ${zone}`;
    let e = byId.get(id);
    if (e === undefined) {
      const usable = names.filter((n) => {
        const o = owner.get(foldKey(n));
        return o === undefined;
      });
      // a zone named after its country or a place already tagged (Asia/Kuwait, Asia/Bahrain) adds nothing
      if (usable.length === 0) continue;
      e = { id, label: usable[0]!, type: 'place', parent, note: 'Name from CLDR.' };
      const key = foldKey(e.label);
      if (!key.includes(' ') && key.length <= 3) {
        e.ambiguous = true;
        e.note = 'Name from CLDR; a short name that may be a common word.';
      }
      byId.set(id, e);
      sourceOf.set(id, 'CLDR');
      claim(e);
      fromCldr++;
      addForms(e, usable.slice(1), source);
    } else {
      addForms(e, names, source);
    }
  }
  bySource['CLDR (new entries)'] = fromCldr;
}

/** Canonical field order; aliases and nisba deduplicated; forms equal to the label dropped. */
function normalise(e: DefaultEntry): DefaultEntry {
  const label = e.label.trim();
  const seen = new Set([label]);
  const uniq = (xs: string[] | undefined) => {
    const out: string[] = [];
    for (const x of xs ?? []) {
      const t = x.trim();
      if (seen.has(t)) continue;
      seen.add(t);
      out.push(t);
    }
    return out;
  };
  const aliases = uniq(e.aliases);
  const nisba = uniq(e.nisba);
  // canonical key order keeps the output diffable from one build to the next
  const out = { id: e.id, label } as DefaultEntry;
  if (aliases.length) out.aliases = aliases;
  if (nisba.length) out.nisba = nisba;
  out.type = e.type;
  if (e.parent !== undefined) out.parent = e.parent;
  if (e.ambiguous !== undefined) out.ambiguous = e.ambiguous;
  if (e.note !== undefined && e.note !== '') out.note = e.note;
  return out;
}

function validate(entries: DefaultEntry[], errors: BuildIssue[], warnings: BuildIssue[]): void {
  const ids = new Set(entries.map((e) => e.id));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const labelOwner = new Map<string, string>();
  for (const e of entries) {
    if (!ID_RE.test(e.id)) warnings.push({ source: e.id, message: 'id is not a lowercase ASCII slug' });
    if (e.parent !== undefined) {
      if (!ids.has(e.parent)) errors.push({ source: e.id, message: `parent ${e.parent} does not exist` });
      else if (e.parent === e.id) errors.push({ source: e.id, message: 'is its own parent' });
    }
    const key = foldKey(e.label);
    const other = labelOwner.get(key);
    if (other !== undefined) warnings.push({ source: e.id, message: `label «${e.label}» folds like the label of ${other}` });
    else labelOwner.set(key, e.id);
  }
  // a parent chain must end: city → region → country, never round in a circle
  for (const e of entries) {
    const seen = new Set<string>([e.id]);
    let p = e.parent;
    while (p !== undefined) {
      if (seen.has(p)) {
        errors.push({ source: e.id, message: `parent chain loops through ${p}` });
        break;
      }
      seen.add(p);
      p = byId.get(p)?.parent;
    }
  }
}

export function serialise(entries: DefaultEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

function main(argv: string[]): number {
  const quiet = argv.includes('--quiet');
  const outIdx = argv.indexOf('--out');
  const root = repoRoot();
  const out = outIdx >= 0 && argv[outIdx + 1] ? resolve(argv[outIdx + 1]!) : join(root, 'dist', 'vocab', 'default.jsonl');
  const t0 = performance.now();
  const result = buildDefaultVocabulary({ root });
  for (const w of result.warnings) if (!quiet) console.error(`warning: ${w.source}: ${w.message}`);
  for (const e of result.errors) console.error(`error: ${e.source}: ${e.message}`);
  if (result.errors.length > 0) {
    console.error(`build-default-vocab: ${result.errors.length} error(s); nothing written`);
    return 1;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialise(result.entries));
  const types = Object.entries(result.counts.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  console.log(
    `build-default-vocab: ${result.entries.length} entries (${types}; ${result.counts.ambiguous} ambiguous), ` +
      `${result.warnings.length} warning(s), ${Math.round(performance.now() - t0)} ms → ${out}`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

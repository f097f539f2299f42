/**
 * Reading a gold set and the articles it judges, both JSON Lines. Pure: text in, data out;
 * the file name is only used to make error messages point at the right line.
 *
 * Gold lines come in two shapes:
 * - the dev format `{"id","tags":[{"tag","label":"must"|"ok","entity"}]}` — tags naming the same
 *   thing share an `entity` key, and an article's entity is `must` when any of its tags is;
 * - the simple publisher format `{"id","tags":["…","…"]}` — every listed tag is `must` and is its
 *   own entity (tags that fold alike are one entity).
 * A tag object may also carry `"label":"no"`: an explicit judgement that the tag is wrong, which
 * scores exactly as if it were not listed.
 */
import { WasimError, type TemplateName, type TemplateParams } from '../core/errors.js';
import { numberLiteral } from '../core/json-numbers.js';
import type { Article } from '../core/types.js';
import { foldForScoring } from './fold.js';

export type GoldLabel = 'must' | 'ok' | 'no';

export interface GoldTag {
  tag: string;
  /** foldForScoring(tag): the key predictions are compared on. */
  key: string;
  label: GoldLabel;
  entity: string;
  /** The vocabulary id the tag was judged as (dev-default's format), when the line gives one. */
  id?: string;
}

export interface GoldArticle {
  id: string;
  /** 1-based line in the gold file, for messages. */
  line: number;
  tags: GoldTag[];
}

export interface GoldSet {
  source: string;
  articles: GoldArticle[];
}

export interface ArticleRecord extends Article {
  id: string;
  line: number;
}

interface JsonLine {
  line: number;
  value: unknown;
  /** The line as written, for what JSON.parse loses (a number id beyond 2^53). */
  text: string;
}

function where(source: string, line: number): string {
  return `${source}:${line}`;
}

/** Non-blank lines parsed as JSON; a BOM and CRLF line ends are tolerated. */
export function readJsonLines(text: string, source: string, emptyCode: 'BAD_GOLD' | 'BAD_ARTICLE'): JsonLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: JsonLine[] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw WasimError.of('BAD_JSON', 'line', { where: where(source, index + 1), reason }, { file: source, line: index + 1 });
    }
    out.push({ line: index + 1, value, text: raw });
  });
  if (out.length === 0) {
    throw WasimError.of(emptyCode, 'emptyFile', { path: source }, { file: source });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Ids are compared as strings; integer ids are accepted because many exports write them. An
 * integer written out in digits is its digits, however many (JSON.parse would round
 * 12345678901234567890 and make two ids one); `text` is the line it came from.
 */
export function readId(
  obj: Record<string, unknown>,
  source: string,
  line: number,
  code: 'BAD_GOLD' | 'BAD_ARTICLE',
  text?: string,
): string {
  const id = obj.id;
  if (typeof id === 'string' && id.trim() !== '') return id;
  const at = { where: where(source, line) };
  const details = { file: source, line };
  if (typeof id === 'number') {
    const literal = text === undefined ? undefined : numberLiteral(text, '/id', id);
    if (literal !== undefined && /^-?[0-9]+$/.test(literal)) return literal === '-0' ? '0' : literal;
    if (Number.isSafeInteger(id)) return String(id);
    if (literal !== undefined) throw WasimError.of(code, 'inexactId', { ...at, literal }, details);
  }
  throw WasimError.of(code, id === undefined ? 'missingId' : 'badId', at, details);
}

function checkUnique(
  seen: Map<string, number>,
  id: string,
  source: string,
  line: number,
  code: 'BAD_GOLD' | 'BAD_ARTICLE',
): void {
  const first = seen.get(id);
  if (first !== undefined) {
    throw WasimError.of(code, 'duplicateId', { where: where(source, line), id, first }, { file: source, line });
  }
  seen.set(id, line);
}

export function parseGold(text: string, source: string): GoldSet {
  const seen = new Map<string, number>();
  const articles: GoldArticle[] = [];
  for (const { line, value, text: lineText } of readJsonLines(text, source, 'BAD_GOLD')) {
    const fail = <N extends TemplateName<'BAD_GOLD'>>(template: N, params: Omit<TemplateParams<'BAD_GOLD', N>, 'where'>): never => {
      throw WasimError.of('BAD_GOLD', template, { ...params, where: where(source, line) } as TemplateParams<'BAD_GOLD', N>, { file: source, line });
    };
    if (!isObject(value)) fail('notObject', {});
    const obj = value as Record<string, unknown>;
    const id = readId(obj, source, line, 'BAD_GOLD', lineText);
    checkUnique(seen, id, source, line, 'BAD_GOLD');
    if (!Array.isArray(obj.tags)) fail(obj.tags === undefined ? 'missingTags' : 'tagsNotArray', {});
    const tags: GoldTag[] = [];
    const byKey = new Map<string, GoldTag>();
    (obj.tags as unknown[]).forEach((item, n) => {
      const at = `tags[${n}]`;
      let tag: GoldTag;
      if (typeof item === 'string') {
        const key = foldForScoring(item);
        tag = { tag: item, key, label: 'must', entity: key };
      } else if (isObject(item)) {
        if (typeof item.tag !== 'string') fail('tagNotString', { at });
        const label = item.label;
        if (label !== 'must' && label !== 'ok' && label !== 'no') {
          fail('badLabel', { at });
        }
        if (item.entity !== undefined && (typeof item.entity !== 'string' || item.entity === '')) {
          fail('badEntity', { at });
        }
        const key = foldForScoring(item.tag as string);
        tag = {
          tag: item.tag as string,
          key,
          label: label as GoldLabel,
          entity: (item.entity as string | undefined) ?? key,
          ...(typeof item.id === 'string' && item.id !== '' ? { id: item.id } : {}),
        };
      } else {
        return fail('badTag', { at });
      }
      if (tag.key === '') fail('emptyTag', { at });
      // The same tag spelled twice (أ/ا, ة/ه …) is fine; judged two ways it is a contradiction.
      const earlier = byKey.get(tag.key);
      if (earlier && (earlier.label !== tag.label || earlier.entity !== tag.entity)) {
        fail('judgedTwice', { at, tag: tag.tag, earlier: earlier.tag, judged: `${earlier.label}/${earlier.entity}` });
      }
      byKey.set(tag.key, tag);
      tags.push(tag);
    });
    articles.push({ id, line, tags });
  }
  return { source, articles };
}

export function parseArticles(text: string, source: string): ArticleRecord[] {
  const seen = new Map<string, number>();
  const out: ArticleRecord[] = [];
  for (const { line, value, text: lineText } of readJsonLines(text, source, 'BAD_ARTICLE')) {
    const fail = <N extends TemplateName<'BAD_ARTICLE'>>(template: N, params: Omit<TemplateParams<'BAD_ARTICLE', N>, 'where'>): never => {
      throw WasimError.of('BAD_ARTICLE', template, { ...params, where: where(source, line) } as TemplateParams<'BAD_ARTICLE', N>, { file: source, line });
    };
    if (!isObject(value)) fail('notObject', {});
    const obj = value as Record<string, unknown>;
    const id = readId(obj, source, line, 'BAD_ARTICLE', lineText);
    checkUnique(seen, id, source, line, 'BAD_ARTICLE');
    for (const field of ['title', 'body'] as const) {
      if (obj[field] !== undefined && obj[field] !== null && typeof obj[field] !== 'string') {
        fail('fieldNotString', { field });
      }
    }
    const title = (obj.title as string | undefined | null) ?? '';
    const body = (obj.body as string | undefined | null) ?? '';
    if (title.trim() === '' && body.trim() === '') fail('noText', {});
    out.push({ id, line, title, body });
  }
  return out;
}

export interface Alignment {
  /** Gold articles that have text to tag, in gold-file order. */
  pairs: { gold: GoldArticle; article: ArticleRecord }[];
  /** Judged in the gold file but absent from the articles: not scored. */
  goldWithoutArticle: string[];
  /** Present in the articles but not judged: not scored. */
  articlesWithoutGold: string[];
  warnings: string[];
}

export function alignGold(gold: GoldSet, articles: readonly ArticleRecord[], articlesSource = 'articles'): Alignment {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const goldIds = new Set(gold.articles.map((g) => g.id));
  const pairs: Alignment['pairs'] = [];
  const goldWithoutArticle: string[] = [];
  for (const g of gold.articles) {
    const article = byId.get(g.id);
    if (article) pairs.push({ gold: g, article });
    else goldWithoutArticle.push(g.id);
  }
  const articlesWithoutGold = articles.filter((a) => !goldIds.has(a.id)).map((a) => a.id);
  const warnings: string[] = [];
  const sample = (ids: string[]) => ids.slice(0, 5).join(', ') + (ids.length > 5 ? ', …' : '');
  if (goldWithoutArticle.length > 0) {
    warnings.push(
      `${goldWithoutArticle.length} gold id(s) not found in ${articlesSource}, not scored: ${sample(goldWithoutArticle)}`,
    );
  }
  if (articlesWithoutGold.length > 0) {
    warnings.push(
      `${articlesWithoutGold.length} article(s) in ${articlesSource} have no gold judgement, not scored: ${sample(articlesWithoutGold)}`,
    );
  }
  return { pairs, goldWithoutArticle, articlesWithoutGold, warnings };
}

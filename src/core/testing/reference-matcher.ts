/**
 * A deliberately naive matcher of the same rules, for property tests: no trie, no hashes, no
 * candidate lists. Every pattern is tried at every text position, and every way of cutting a
 * text token into prefix + middle + suffix is tested against the tag token.
 */
import type { CompiledVocabulary, Pattern } from '../vocabulary/compile.js';
import { compatible } from '../fold.js';
import { KIND_RANK, matchTokens, type Match, type MatchToken } from '../match.js';
import {
  ARTICLE,
  ARTICLE_PREFIXES,
  inflectionBase,
  INFLECTION_ENDINGS,
  MIN_BASE,
  MIN_INFLECTION_BASE,
  MIN_STEM,
  nisbaBaseFor,
  NISBA_ENDINGS,
  POSSESSIVE_SUFFIXES,
  PROCLITICS,
} from '../morph.js';
import type { Token } from '../tokenize.js';
import type { MatchKind } from '../types.js';
import { keyOfLight } from '../fold.js';

interface Cut {
  prefix: string;
  /** The part of the text token left after the prefix, with its light form. */
  key: string;
  light: string;
  article: boolean;
}

/** Every legal way to read a text token as prefix + rest. */
function cuts(t: MatchToken): Cut[] {
  const out: Cut[] = [{ prefix: '', key: t.key, light: t.light, article: false }];
  const take = (prefix: string, n: number, article: boolean): void => {
    if (t.key.startsWith(prefix) && t.key.length - prefix.length >= MIN_STEM) out.push({ prefix, key: t.key.slice(n), light: t.light.slice(n), article });
  };
  for (const p of PROCLITICS) take(p, p.length, false);
  for (const a of ARTICLE_PREFIXES) {
    take(a, a.length, true);
    if (a.endsWith('لل') && t.key.startsWith(a) && t.key.length - a.length >= MIN_STEM) out.push({ prefix: a, key: t.key.slice(a.length - 1), light: t.light.slice(a.length - 1), article: true });
  }
  return out;
}

function lightsAgree(p: Pattern, pos: number, light: string, rewritten: boolean): boolean {
  return p.rewritten[pos] || rewritten || compatible(p.lights[pos]!, light);
}

/** Kinds under which text token t realises the first token of pattern p (by name). */
function nameKinds(p: Pattern, tagKey: string, t: MatchToken, single: boolean, topicNoun: boolean): MatchKind[] {
  const kinds: MatchKind[] = [];
  for (const c of cuts(t)) {
    if (c.key === tagKey && lightsAgree(p, 0, c.light, t.rewritten)) kinds.push(c.prefix === '' ? 'exact' : 'clitic');
    if (c.article && c.prefix !== ARTICLE && ARTICLE + c.key === tagKey && lightsAgree(p, 0, ARTICLE + c.light, t.rewritten)) kinds.push('clitic');
    if (single && topicNoun && !c.article && !c.key.startsWith(ARTICLE) && ARTICLE + c.key === tagKey && lightsAgree(p, 0, ARTICLE + c.light, t.rewritten)) kinds.push('inflected');
  }
  return kinds;
}

function inflects(p: Pattern, tagKey: string, t: MatchToken): boolean {
  const base = inflectionBase(tagKey);
  for (const c of cuts(t)) {
    const readings: { key: string; light: string }[] = [{ key: c.key, light: c.light }];
    for (const s of POSSESSIVE_SUFFIXES) {
      if (c.key.endsWith(s) && c.key.length - s.length >= MIN_INFLECTION_BASE) {
        const k = c.key.slice(0, -s.length);
        const l = c.light.slice(0, -s.length);
        readings.push(k.endsWith('ت') ? { key: k.slice(0, -1) + 'ه', light: l.slice(0, -1) + 'ه' } : { key: k, light: l });
      }
    }
    for (const r of readings) {
      for (const e of INFLECTION_ENDINGS) {
        if (r.key === base + e && base.length >= MIN_INFLECTION_BASE && (t.rewritten || p.rewritten[0] || compatible(p.inflectionBaseLight!, r.light.slice(0, base.length)))) return true;
      }
    }
  }
  return false;
}

function nisbaOf(p: Pattern, tagKey: string, type: string | undefined, t: MatchToken): boolean {
  const base = nisbaBaseFor(tagKey, type);
  if (!base) return false;
  for (const c of cuts(t)) {
    for (const e of NISBA_ENDINGS) {
      if (c.key === base + e && (t.rewritten || p.rewritten[0] || compatible(p.nisbaBaseLight!, c.light.slice(0, base.length)))) return true;
    }
  }
  return false;
}

function best(kinds: MatchKind[]): MatchKind | undefined {
  let b: MatchKind | undefined;
  for (const k of kinds) if (b === undefined || KIND_RANK[k] < KIND_RANK[b]) b = k;
  return b;
}

export function referenceMatch(cv: CompiledVocabulary, tokens: readonly Token[]): Match[] {
  const text = matchTokens(tokens);
  const raw: Match[] = [];
  cv.patterns.forEach((p, pid) => {
    const keys = p.lights.map((l, k) => (p.rewritten[k] ? l : keyOfLight(l)));
    const n = keys.length;
    for (let i = 0; i + n <= text.length; i++) {
      // Only topic and event nouns gain the article or inflect: a name's form is its own.
      const type = cv.tags.get(p.tag).type;
      const kinds = nameKinds(p, keys[0]!, text[i]!, n === 1, type === 'topic' || type === 'event');
      let kind = best(kinds);
      if (kind !== undefined) {
        let ok = true;
        if (text[i]!.rewritten !== p.rewritten[0]) kind = KIND_RANK[kind] >= KIND_RANK.variant ? kind : 'variant';
        for (let k = 1; k < n && ok; k++) {
          const t = text[i + k]!;
          ok = t.key === keys[k] && lightsAgree(p, k, t.light, t.rewritten);
          if (t.rewritten !== p.rewritten[k] && KIND_RANK[kind] < KIND_RANK.variant) kind = 'variant';
        }
        if (ok) raw.push({ pattern: pid, tag: p.tag, tokenStart: i, tokenEnd: i + n, kind: p.nisba ? 'nisba' : kind, confidence: 1, reasons: undefined });
      }
      if (n === 1 && p.inflectionBaseLight !== undefined && inflects(p, keys[0]!, text[i]!)) raw.push({ pattern: pid, tag: p.tag, tokenStart: i, tokenEnd: i + 1, kind: 'inflected', confidence: 1, reasons: undefined });
      if (n === 1 && p.nisbaBaseLight !== undefined && nisbaOf(p, keys[0]!, cv.tags.get(p.tag).type, text[i]!)) raw.push({ pattern: pid, tag: p.tag, tokenStart: i, tokenEnd: i + 1, kind: 'nisba', confidence: 1, reasons: undefined });
    }
  });
  // Longest match: drop spans strictly inside another span; per span keep the strongest kind, one per tag.
  const kept = raw.filter((m) => !raw.some((o) => o.tokenStart <= m.tokenStart && o.tokenEnd >= m.tokenEnd && (o.tokenStart !== m.tokenStart || o.tokenEnd !== m.tokenEnd)));
  const out: Match[] = [];
  for (const m of kept) {
    const same = kept.filter((o) => o.tokenStart === m.tokenStart && o.tokenEnd === m.tokenEnd);
    const bestRank = Math.min(...same.map((o) => KIND_RANK[o.kind]));
    if (KIND_RANK[m.kind] !== bestRank) continue;
    if (out.some((o) => o.tokenStart === m.tokenStart && o.tokenEnd === m.tokenEnd && o.tag === m.tag)) continue;
    out.push(m);
  }
  return out;
}

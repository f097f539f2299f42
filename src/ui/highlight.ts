/**
 * Article text with its tag mentions wrapped in <mark>. Mentions of different tags may overlap
 * (القاهرة inside «القاهرة الإخبارية»); marks cannot, so the longest mention at a place gets the
 * mark and the tags it covers are listed on it too. Every piece of text is escaped.
 */
import type { Field, Mention } from '../core/index.js';
import { html, raw, type SafeHtml } from './html.js';
import { formatScore, kindLabel } from './labels.js';

export interface HighlightTag {
  id: string;
  label: string;
  score: number | null;
  type?: string;
  mentions: readonly Mention[];
  /** id of the element describing the tag (its entry in the tag list), for aria-describedby. */
  descId?: string;
}

interface Span {
  start: number;
  end: number;
  kind: string;
  tag: HighlightTag;
  /** Other tags whose mentions lie under this mark. */
  also: { tag: HighlightTag; kind: string }[];
}

/** Mentions of `field` whose offsets still point at their text, as non-overlapping spans. */
export function spansOf(text: string, field: Field, tags: readonly HighlightTag[]): Span[] {
  const all: { start: number; end: number; kind: string; tag: HighlightTag }[] = [];
  for (const tag of tags) {
    for (const m of tag.mentions) {
      if (m.field !== field) continue;
      // Offsets from another version of the text (an edited article) would mark the wrong words.
      if (!(m.start >= 0 && m.end > m.start && m.end <= text.length && text.slice(m.start, m.end) === m.text)) continue;
      all.push({ start: m.start, end: m.end, kind: m.kind, tag });
    }
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end || (b.tag.score ?? 0) - (a.tag.score ?? 0));
  const spans: Span[] = [];
  for (const m of all) {
    const last = spans[spans.length - 1];
    if (last && m.start < last.end) {
      if (m.tag !== last.tag && !last.also.some((a) => a.tag === m.tag)) last.also.push({ tag: m.tag, kind: m.kind });
      continue;
    }
    spans.push({ ...m, also: [] });
  }
  return spans;
}

function tipOf(tag: HighlightTag, kind: string): string {
  return `${tag.label} · ${formatScore(tag.score)} · ${kindLabel(kind)}`;
}

/** Below this score a tag's marks are drawn as weak readings. */
export const WEAK_SCORE = 0.5;

function markOf(text: string, span: Span, from: number, to: number): SafeHtml {
  const tags = [{ tag: span.tag, kind: span.kind }, ...span.also];
  const describedBy = tags.map((t) => t.tag.descId).filter((d): d is string => !!d).join(' ');
  // A weak reading (a nisba adjective, or a tag the ranker doubts) is marked less strongly than a strong one.
  const weak = span.kind === 'nisba' || (typeof span.tag.score === 'number' && span.tag.score < WEAK_SCORE);
  return html`<mark class="hl${span.tag.type ? ` type-${span.tag.type}` : ''}${weak ? ' weak' : ''}" tabindex="-1" data-tag-id="${span.tag.id}" data-tag="${span.tag.label}" data-tags="${tags.map((t) => t.tag.id).join(' ')}" data-score="${formatScore(span.tag.score)}" data-kind="${span.kind}" data-tip="${tags.map((t) => tipOf(t.tag, t.kind)).join(' | ')}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>${text.slice(from, to)}</mark>`;
}

function inline(text: string, spans: readonly Span[], from: number, to: number): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = from;
  for (const s of spans) {
    if (s.end <= from || s.start >= to) continue;
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    if (a > at) parts.push(html`${text.slice(at, a)}`);
    parts.push(markOf(text, s, a, b));
    at = b;
  }
  if (at < to) parts.push(html`${text.slice(at, to)}`);
  return html`${parts}`;
}

/** A title (one line) with its marks. */
export function highlightLine(text: string, field: Field, tags: readonly HighlightTag[]): SafeHtml {
  return inline(text, spansOf(text, field, tags), 0, text.length);
}

/** A body as paragraphs (one per line of the text), with its marks. */
export function highlightParagraphs(text: string, field: Field, tags: readonly HighlightTag[]): SafeHtml {
  const spans = spansOf(text, field, tags);
  const paragraphs: SafeHtml[] = [];
  const lines = /[^\n]+/g;
  for (let m = lines.exec(text); m; m = lines.exec(text)) {
    if (m[0].trim() === '') continue;
    paragraphs.push(html`<p>${inline(text, spans, m.index, m.index + m[0].length)}</p>`);
  }
  return paragraphs.length ? html`${paragraphs}` : raw('');
}

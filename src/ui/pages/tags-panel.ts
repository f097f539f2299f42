/** The list of an article's tags beside its text: score, type, evidence kinds, why, and the editor's buttons. */
import type { Mention } from '../../core/index.js';
import { tagChip } from '../components.js';
import { scoreBar } from '../components.js';
import type { HighlightTag } from '../highlight.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatNumber, formatScore, kindLabel, reasonsOf, statusLabel, timesLabel, typeLabel } from '../labels.js';

export interface ShownTag extends HighlightTag {
  status?: string;
  evidence?: Record<string, unknown>;
  descId: string;
}

export function shownTags<T extends { id: string; score: number | null; type?: string; mentions: Mention[]; evidence?: Record<string, unknown>; status?: string }>(
  tags: readonly T[],
  label: (t: T) => string,
): ShownTag[] {
  return tags.map((t, i) => ({
    id: t.id,
    label: label(t),
    score: t.score,
    mentions: t.mentions,
    descId: `tag-desc-${i}`,
    ...(t.type ? { type: t.type } : {}),
    ...(t.evidence ? { evidence: t.evidence } : {}),
    ...(t.status ? { status: t.status } : {}),
  }));
}

/** "تطابق تام ×3، نسبة ×2" */
export function kindsSummary(mentions: readonly Mention[]): string {
  const counts = new Map<string, number>();
  for (const m of mentions) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kindLabel(kind)} ×${formatNumber(n)}`)
    .join('، ');
}

function description(t: ShownTag): string {
  const parts = [`وسم ${t.label}`, typeLabel(t.type), `الدرجة ${formatScore(t.score)}`];
  if (t.status) parts.push(statusLabel(t.status));
  if (t.mentions.length) parts.push(`ذُكر ${timesLabel(t.mentions.length)}: ${kindsSummary(t.mentions)}`);
  return parts.join('، ');
}

function reasons(t: ShownTag): SafeHtml {
  const list = reasonsOf(t.evidence);
  // What this newsroom's editors taught wasim about the tag (src/core/adapt.ts), when anything.
  const learned = typeof t.evidence?.adaptationAr === 'string' ? t.evidence : undefined;
  if (!list.length && !learned) return raw('');
  const shift = Number(learned?.adaptationShift ?? 0);
  return html`<details class="why"><summary>لماذا هذه الدرجة؟</summary><ul class="reasons">${list.map(
    (r) => html`<li><span>${r.label}</span><span class="${r.contribution > 0 ? 'up' : 'down'}" title="${r.en} (${r.feature} = ${Number.isInteger(r.value) ? r.value : r.value.toFixed(2)})">${r.contribution > 0 ? '▲' : '▼'} ${Math.abs(r.contribution).toFixed(2)}</span></li>`,
  )}${learned ? html`<li data-learned><span>تعلّمه من المحررين: ${String(learned.adaptationAr)}</span>${shift !== 0 ? html`<span class="${shift > 0 ? 'up' : 'down'}" title="${String(learned.adaptationEn)}">${shift > 0 ? '▲' : '▼'} ${Math.abs(shift).toFixed(2)}</span>` : ''}</li>` : ''}</ul></details>`;
}

export interface PanelOptions {
  /** Renders the accept/reject controls of one tag (editors only). */
  decide?: (t: ShownTag) => SafeHtml;
}

export function tagEntry(t: ShownTag, options: PanelOptions = {}): SafeHtml {
  return html`<li data-emph="${t.id}" data-tag-item="${t.id}" data-status="${t.status ?? ''}" tabindex="-1" aria-describedby="${t.descId}">
  <span id="${t.descId}" class="visually-hidden">${description(t)}</span>
  <div class="tag-head">${tagChip({ id: t.id, label: t.label, type: t.type ?? null, ...(t.status ? { status: t.status } : {}) })}<span class="badge">${typeLabel(t.type)}</span>${t.status ? html`<span class="badge ${t.status}">${statusLabel(t.status)}</span>` : ''}</div>
  <div class="tag-meta">${scoreBar(t.score)}<span class="kinds">${t.mentions.length ? html`${timesLabel(t.mentions.length)}: ${kindsSummary(t.mentions)}` : 'لا يرد نصًا في المقالة'}</span></div>
  <div class="tag-foot">${reasons(t)}${options.decide ? options.decide(t) : ''}</div>
</li>`;
}

export function tagPanel(tags: readonly ShownTag[], options: PanelOptions = {}): SafeHtml {
  if (!tags.length) return html`<p class="muted">لم يُعثر على وسوم.</p>`;
  // One Tab stop for the whole list: j/k (or the arrow keys) move between tags inside it.
  return html`<ol class="tag-list" tabindex="0" aria-label="الوسوم المقترحة: j وk أو الأسهم للتنقل" data-tag-list>${tags.map((t) => tagEntry(t, options))}</ol>`;
}

export const KIND_ORDER = ['exact', 'clitic', 'inflected', 'variant', 'nisba'] as const;

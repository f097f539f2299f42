/**
 * HTML building with escaping by default. `html\`…\`` escapes every interpolated value unless it
 * is already SafeHtml (the result of another `html` template or of `raw`), so article text,
 * tag labels, editor names and error messages can only ever reach the page as text.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup we wrote ourselves (constants, already-escaped output); never user text. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** `when(isChosen, ' selected')`: fixed markup or nothing, for boolean attributes and optional parts. */
export function when(condition: unknown, markup: SafeHtml | string): SafeHtml {
  return condition ? (markup instanceof SafeHtml ? markup : raw(markup)) : raw('');
}

/** A query string from parameters, leaving out empty ones. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (entries.length === 0) return '';
  return '?' + new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/**
 * HTML built with escaping by default: in html`<td>${value}</td>` every interpolated string or
 * number is escaped for content and attribute values alike; only {@link Html} (the result of
 * another html`` or of {@link trusted}) passes through as markup. Lists are joined; undefined,
 * null and false leave nothing.
 */

export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type HtmlPart = Html | string | number | boolean | null | undefined | readonly HtmlPart[];

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function part(value: HtmlPart): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value as string | number | boolean as string);
}

export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup from a trusted source (the report's own stylesheet and script), not escaped. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** An attribute value that keeps its line breaks (title tooltips). */
export function attrLines(text: string): Html {
  return new Html(escapeHtml(text).replace(/\r?\n/g, '&#10;'));
}

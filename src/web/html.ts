/**
 * @module
 * HTML as strings, safely: the `html` tagged template escapes every interpolated value unless it
 * is already {@link Html} (made by `html` itself or by {@link raw} for trusted markup such as our
 * own SVG charts). Child-level data passes through here, so escaping is the default and the
 * exception is spelled out. Arrays are joined; null, undefined and false render as nothing.
 */

/** Markup that is already safe to put in a page. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** Something an `html` template accepts. */
export type Renderable = Html | string | number | boolean | null | undefined | readonly Renderable[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(v: Renderable): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return (v as readonly Renderable[]).map(render).join("");
  return escapeHtml(String(v));
}

/** The template tag: literal parts as written, values escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly Renderable[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup, inserted as it is: only for strings this program made (charts). */
export function raw(s: string): Html {
  return new Html(s);
}

/** Join renderables into one {@link Html}. */
export function join(parts: readonly Renderable[], separator: Renderable = ""): Html {
  return new Html(parts.map(render).join(render(separator)));
}

const UNESCAPES: Record<string, string> = Object.fromEntries(Object.entries(ESCAPES).map(([c, e]) => [e, c]));

/** The text a reader sees of some markup (tags dropped, our own escapes undone): for a label. */
export function textOf(v: Renderable): string {
  return render(v)
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39);/g, (e) => UNESCAPES[e]!)
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * @module
 * The GOV.UK Frontend stylesheet as Lantern serves it: without its `@font-face` rules. They
 * declare GDS Transport from /assets/fonts, a typeface for GOV.UK only that Lantern rightly does
 * not serve (lantern.css sets Arial), yet browsers still asked for it before lantern.css arrived,
 * and every such request was a 404 in the console. Nothing else in the stylesheet is changed.
 */

const FONT_FACE = /@font-face\s*\{[^}]*\}/g;

/** `css` less every `@font-face` rule whose source is under /assets/fonts (the GOV.UK typeface). */
export function withoutGovukFonts(css: string): string {
  return css.replace(FONT_FACE, (rule) => (/url\(\s*["']?\/assets\/fonts\//.test(rule) ? "" : rule));
}

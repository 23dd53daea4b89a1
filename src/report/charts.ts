/**
 * @module
 * The report's own small SVG pieces: the Making Data Count icons and the flow bar chart (in which
 * a suppressed stage has no bar at all, only `c`). SPC charts come from `src/render/charts.ts`,
 * the same as the web app's. Vector, so Chromium keeps
 * them sharp in the PDF; no script and no external asset, so the HTML stays self-contained.
 * Every chart is an `<svg role="img">` with a `<title>` and a text equivalent beside it.
 */

/** Escape text for HTML and SVG. */
export function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function n(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** A Making Data Count icon: a coloured disc with a dark outline and its letter, drawn as on the web (colours from the icon data). */
export function iconSvg(icon: { letter: string; colour: string; letterColour: string; outline: string; label: string }): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28" width="28" height="28" role="img" aria-label="${esc(icon.label)}" class="icon">` +
    `<title>${esc(icon.label)}</title><circle cx="14" cy="14" r="12.5" fill="${icon.colour}" stroke="${icon.outline}" stroke-width="2"/>` +
    (icon.letter ? `<text x="14" y="18.5" text-anchor="middle" font-size="13" font-weight="bold" fill="${icon.letterColour}">${esc(icon.letter)}</text>` : "") +
    `</svg>`
  );
}

/** Horizontal bars, one per stage; a suppressed stage gets no bar, only `c`. */
export function flowBarsSvg(stages: readonly { label: string; value: number | null; shown: string }[], title: string): string {
  const W = 640;
  const row = 22;
  const L = 190;
  const H = stages.length * row + 8;
  const max = Math.max(1, ...stages.map((s) => s.value ?? 0));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" class="chart"><title>${esc(title)}</title>`];
  stages.forEach((s, i) => {
    const yy = 4 + i * row;
    parts.push(`<text x="${L - 6}" y="${yy + 14}" text-anchor="end" font-size="10">${esc(s.label)}</text>`);
    const w = s.value === null ? 0 : Math.max(1, ((W - L - 60) * s.value) / max);
    if (w) parts.push(`<rect x="${L}" y="${yy + 3}" width="${n(w)}" height="${row - 7}" fill="#1d70b8"/>`);
    parts.push(`<text x="${n(L + w + 4)}" y="${yy + 14}" font-size="10">${esc(s.shown)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

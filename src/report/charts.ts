/**
 * @module
 * The report's charts as small, deterministic SVG strings: an SPC (XmR) chart with its limits,
 * mean and target; the Making Data Count icons; and the flow bar chart. Vector, so Chromium keeps
 * them sharp in the PDF; no script and no external asset, so the HTML stays self-contained.
 * Every chart is an `<svg role="img">` with a `<title>` and a text equivalent beside it.
 *
 * (The web app's charts come from `src/render/charts.ts` with Observable Plot; these are the
 * report's own until the two are merged, so that a report never waits on the browser bundle.)
 */

import type { ChartPoint } from "./content.ts";

/** Escape text for HTML and SVG. */
export function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

const TYPE_COLOUR: Record<string, string> = {
  common_cause: "#7f7f7f",
  special_cause_improvement: "#00B0F0",
  special_cause_concern: "#E46C0A",
  special_cause_neutral_high: "#490092",
  special_cause_neutral_low: "#490092",
};

function n(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** Round tick values spanning [lo, hi]. */
function ticks(lo: number, hi: number, count = 4): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** An XmR chart of monthly points; `format` writes axis labels. */
export function spcChartSvg(points: readonly ChartPoint[], opts: { title: string; target: number | null; format: (v: number) => string }): string {
  const W = 640;
  const H = 190;
  const L = 52;
  const R = 12;
  const T = 12;
  const B = 28;
  const ys = points.flatMap((p) => [p.value, p.lpl, p.upl, p.mean]);
  if (opts.target !== null) ys.push(opts.target);
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (i: number) => L + (points.length === 1 ? 0 : (i * (W - L - R)) / (points.length - 1));
  const y = (v: number) => T + ((hi - v) * (H - T - B)) / (hi - lo);
  const path = (f: (p: ChartPoint) => number) => {
    // Limits and mean step at rebases: draw each segment of equal values as its own run.
    return points.map((p, i) => `${i === 0 ? "M" : "L"}${n(x(i))},${n(y(f(p)))}`).join("");
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(opts.title)}" class="chart">`);
  parts.push(`<title>${esc(opts.title)}</title>`);
  for (const t of ticks(lo, hi)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${L - 4}" y="${n(y(t) + 3)}" text-anchor="end" font-size="9">${esc(opts.format(t))}</text>`);
  }
  const labelAt = [0, Math.floor((points.length - 1) / 2), points.length - 1];
  for (const i of [...new Set(labelAt)]) {
    const anchor = i === 0 ? "start" : i === points.length - 1 ? "end" : "middle";
    parts.push(`<text x="${n(x(i))}" y="${H - 10}" text-anchor="${anchor}" font-size="9">${esc(points[i]!.period)}</text>`);
  }
  parts.push(`<path d="${path((p) => p.upl)}" fill="none" stroke="#8c8c8c" stroke-dasharray="4 3"/>`);
  parts.push(`<path d="${path((p) => p.lpl)}" fill="none" stroke="#8c8c8c" stroke-dasharray="4 3"/>`);
  parts.push(`<path d="${path((p) => p.mean)}" fill="none" stroke="#404040"/>`);
  if (opts.target !== null) parts.push(`<line x1="${L}" x2="${W - R}" y1="${n(y(opts.target))}" y2="${n(y(opts.target))}" stroke="#d4351c" stroke-dasharray="6 3"/>`);
  parts.push(`<path d="${path((p) => p.value)}" fill="none" stroke="#505a5f" stroke-width="1.2"/>`);
  points.forEach((p, i) => {
    parts.push(`<circle cx="${n(x(i))}" cy="${n(y(p.value))}" r="2.6" fill="${TYPE_COLOUR[p.type] ?? "#7f7f7f"}"><title>${esc(`${p.period}: ${opts.format(p.value)}`)}</title></circle>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

/** A Making Data Count icon: a coloured disc with its letter. */
export function iconSvg(icon: { letter: string; colour: string; label: string }): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28" width="28" height="28" role="img" aria-label="${esc(icon.label)}" class="icon">` +
    `<title>${esc(icon.label)}</title><circle cx="14" cy="14" r="12" fill="#fff" stroke="${icon.colour}" stroke-width="3"/>` +
    (icon.letter ? `<text x="14" y="18.5" text-anchor="middle" font-size="13" font-weight="bold" fill="${icon.colour}">${esc(icon.letter)}</text>` : `<circle cx="14" cy="14" r="4" fill="${icon.colour}"/>`) +
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

/**
 * @module
 * Charts as SVG strings, made on the server with Observable Plot over linkedom's DOM, so the
 * same chart appears on a web page and in a printed committee report, with no JavaScript and no
 * request anywhere. Every chart carries a <title> and <desc> (its text equivalent) and the caller
 * shows a table beside it. Output is deterministic (fixed class names and ids, UTC dates, no
 * random or clock input), which the golden tests rely on. Plot's inline <style> element is
 * dropped so a strict Content-Security-Policy (no inline styles) holds; CHART_CSS carries it.
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { RULE_WORDS, VARIATION_ICONS, type VariationIconId, variationIconId } from "../analysis/spc-icons.ts";
import type { SpcResult } from "../analysis/spc.ts";
import type { Unit } from "../kpi/types.ts";

/** The CSS Plot would have put inline; served in the app's stylesheet and report CSS. */
export const CHART_CSS = `svg.lantern-chart { display: block; height: auto; max-width: 100%; background: white; }
svg.lantern-chart text, svg.lantern-chart tspan { white-space: pre; }`;

const FONT = "Arial, Helvetica, sans-serif";
/** Lines and common-cause points: GOV.UK secondary text colour (7:1 on white). */
const INK = "#505a5f";
const TARGET = "#d4351c";
const LIMIT = "#6f777b";

/** The little of the DOM this module touches (the project compiles without the DOM lib). */
interface SvgElement {
  readonly outerHTML: string;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelectorAll(selector: string): Iterable<{ remove(): void; removeAttribute(name: string): void }>;
}
type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

function doc(): PlotDocument {
  return parseHTML("<!doctype html><html><body></body></html>").document as unknown as PlotDocument;
}

/** A date string `YYYY-MM-DD` as a UTC Date (Plot scales in UTC, so no time zone leaks in). */
function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "chart"
  );
}

/** A month-end date `YYYY-MM-DD` as a person names the month: "September 2025". */
export function monthName(date: string): string {
  return utc(date).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}

/**
 * The last value of a series in words: "latest 26.5%" where it is the series' last point, else
 * "26.5% in September 2024, the last month with a value shown": the months after it are drawn as
 * gaps (not shown, or not computed), and "latest" would say it was the month the reader has
 * chosen.
 */
function lastValueWords(value: string, isLastPoint: boolean, month: string): string {
  return isLastPoint ? `latest ${value}` : `${value} in ${month}, the last month with a value shown`;
}

/** Number for a person: percentages and rates to 1 d.p., counts whole (as kpi/format). */
export function chartNumber(v: number, unit: Unit | undefined): string {
  if (unit === "percent") return `${v.toFixed(1)}%`;
  if (unit === "rate") return v.toFixed(1);
  if (unit === "days") return `${Number.isInteger(v) ? v : v.toFixed(1)} days`;
  return Number.isInteger(v) ? v.toLocaleString("en-GB") : v.toLocaleString("en-GB", { maximumFractionDigits: 1 });
}

/** Finish a Plot SVG: drop the inline style, add role, <title> and <desc>, serialise. */
function finish(svg: SvgElement, _d: PlotDocument, rawId: string, title: string, desc: string): string {
  const id = rawId.replace(/[^A-Za-z0-9_-]/g, "-");
  for (const s of [...svg.querySelectorAll("style")]) s.remove();
  // The chart is one image (role="img"); Plot's aria-label on its <g> groups is not allowed there.
  for (const g of [...svg.querySelectorAll("[aria-label]")]) g.removeAttribute("aria-label");
  svg.setAttribute("class", "lantern-chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${id}-title ${id}-desc`);
  svg.setAttribute("id", id);
  svg.setAttribute("focusable", "false");
  svg.removeAttribute("aria-label");
  svg.removeAttribute("aria-description");
  // Written as text rather than DOM nodes: linkedom serialises an HTML <title>'s text unescaped.
  const html = svg.outerHTML;
  const open = html.indexOf(">") + 1;
  return `${html.slice(0, open)}<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>${html.slice(open)}`;
}

/** Escape text for XML/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A dated note drawn as a vertical rule. */
export interface ChartAnnotation {
  readonly date: string;
  readonly label: string;
}

/** What every chart of monthly values over time takes (the SPC chart and the run chart). */
interface MonthlyChartInput {
  readonly title: string;
  readonly unit?: Unit;
  /** A period label per point date, for tooltips (default: the date). */
  readonly labels?: ReadonlyMap<string, string>;
  readonly target?: number | null;
  readonly annotations?: readonly ChartAnnotation[];
  readonly width?: number;
  readonly height?: number;
  /** Element id (default from the title); the <title> and <desc> ids derive from it. */
  readonly id?: string;
}

/** What {@link spcChartSvg} draws. */
export interface SpcChartInput extends MonthlyChartInput {
  /** The text equivalent (e.g. describeSpc's sentences); a summary is written when absent. */
  readonly description?: string;
  readonly spc: SpcResult;
}

/**
 * A point's fill where its icon's colour has less than 3:1 against the chart's white background
 * (WCAG 1.4.11): Making Data Count's improvement blue #00B0F0 has 2.48:1. The icon keeps it, as
 * its disc has a dark outline and a letter; a point is too small for either, so is drawn in a
 * darker blue (4.02:1), still read as "blue, improvement" beside the orange of a concern.
 */
const CHART_FILLS: Partial<Record<VariationIconId, string>> = { improvement_high: "#0086C6", improvement_low: "#0086C6" };

/** Fill colour of a point by its SPC type (Making Data Count's meaning; common cause in dark grey), 3:1 or more against white. */
export function pointColour(type: SpcResult["points"][number]["type"], improvement: SpcResult["options"]["improvement"]): string {
  if (type === "common_cause") return INK;
  const id = variationIconId(type, improvement);
  return CHART_FILLS[id] ?? VARIATION_ICONS[id].colour;
}

/**
 * A point's signal in words, as its tooltip says it and the table beside the chart repeats it:
 * "common cause", or the variation's label and the rule that fired ("…, beyond a process limit").
 */
export function signalWords(p: Pick<SpcResult["points"][number], "type" | "rule">, improvement: SpcResult["options"]["improvement"]): string {
  if (p.type === "common_cause") return "common cause";
  const kind = VARIATION_ICONS[variationIconId(p.type, improvement)].label;
  return `${kind}${p.rule ? `, ${RULE_WORDS[p.rule] ?? p.rule.replaceAll("_", " ")}` : ""}`;
}

/**
 * The shape of a point by its SPC type, so a special cause is told by shape as well as colour
 * (WCAG 1.4.1): a small circle for common cause, and a larger triangle (improvement), diamond
 * (concern) or square (special cause where neither direction is better).
 */
export function pointSymbol(type: SpcResult["points"][number]["type"]): { readonly symbol: "circle" | "triangle" | "diamond" | "square"; readonly r: number } {
  if (type === "special_cause_improvement") return { symbol: "triangle", r: 5.5 };
  if (type === "special_cause_concern") return { symbol: "diamond", r: 5.5 };
  if (type === "common_cause") return { symbol: "circle", r: 3.5 };
  return { symbol: "square", r: 4.5 };
}

/**
 * An XmR chart: values joined by a line, the mean and process limits per segment (stepping at
 * rebases), points coloured and shaped by special cause, a target line and annotations as
 * vertical rules.
 */
export function spcChartSvg(input: SpcChartInput): string {
  const d = doc();
  const { spc } = input;
  const unit = input.unit;
  const id = input.id ?? `spc-${slug(input.title)}`;
  const pts = spc.points.map((p) => ({ ...p, at: utc(p.date), label: input.labels?.get(p.date) ?? p.date }));
  const improvement = spc.options.improvement;
  const target = input.target ?? spc.options.target;
  const notes = (input.annotations ?? []).filter((a) => pts.length && a.date >= pts[0]!.date && a.date <= pts.at(-1)!.date);
  const ys = pts.flatMap((p) => [p.value, p.upl, p.lpl]);
  if (target !== null && target !== undefined) ys.push(target);
  const tip = (p: (typeof pts)[number]) => `${p.label}: ${chartNumber(p.value, unit)} (${signalWords(p, improvement)})`;
  const marks: Plot.Markish[] = [
    Plot.line(pts, { x: "at", y: "upl", z: "segment", stroke: LIMIT, strokeDasharray: "4,3", curve: "step-after" }),
    Plot.line(pts, { x: "at", y: "lpl", z: "segment", stroke: LIMIT, strokeDasharray: "4,3", curve: "step-after" }),
    Plot.line(pts, { x: "at", y: "mean", z: "segment", stroke: "#0b0c0c", strokeWidth: 1 }),
    Plot.line(pts, { x: "at", y: "value", stroke: INK, strokeWidth: 1.5 }),
    // One mark per shape, each at its own constant size (a size channel would be rescaled).
    ...(["circle", "triangle", "diamond", "square"] as const).flatMap((shape) => {
      const these = pts.filter((p) => pointSymbol(p.type).symbol === shape);
      if (!these.length) return [];
      return [Plot.dot(these, { x: "at", y: "value", r: pointSymbol(these[0]!.type).r, symbol: shape, fill: (p: (typeof pts)[number]) => pointColour(p.type, improvement), stroke: "#0b0c0c", strokeWidth: 0.5, title: tip })];
    }),
    ...targetAndNotes(target, notes, unit),
  ];
  const svg = monthlyPlot(d, marks, valueDomain(ys), unit, input);
  const last = spc.points.at(-1);
  const seg = spc.segments.at(-1);
  const desc =
    input.description ??
    (last && seg
      ? `${pts.length} points from ${pts[0]!.label} to ${pts.at(-1)!.label}; latest ${chartNumber(last.value, unit)}; mean ${chartNumber(seg.mean, unit)}, process limits ${chartNumber(seg.lpl, unit)} to ${chartNumber(seg.upl, unit)}.`
      : "No points.");
  return finish(svg, d, id, input.title, desc);
}

/** The target as a dashed rule with its label, and each annotation as a numbered vertical rule. */
function targetAndNotes(target: number | null | undefined, notes: readonly ChartAnnotation[], unit: Unit | undefined): Plot.Markish[] {
  const marks: Plot.Markish[] = [];
  if (target !== null && target !== undefined) {
    marks.push(Plot.ruleY([target], { stroke: TARGET, strokeWidth: 1.5, strokeDasharray: "8,4", title: () => `Target: ${chartNumber(target, unit)}` }));
    marks.push(Plot.text([target], { y: (t: number) => t, frameAnchor: "right", dy: -6, text: () => `target ${chartNumber(target, unit)}`, fill: "#942514", textAnchor: "end" }));
  }
  if (notes.length) {
    const ns = notes.map((n, i) => ({ at: utc(n.date), text: `${i + 1}`, title: `${n.date}: ${n.label}` }));
    marks.push(Plot.ruleX(ns, { x: "at", stroke: "#1d70b8", strokeWidth: 1, title: "title" }));
    marks.push(Plot.text(ns, { x: "at", frameAnchor: "top", dy: 4, dx: 4, text: "text", fill: "#1d70b8", textAnchor: "start", fontWeight: "bold", title: "title" }));
  }
  return marks;
}

/**
 * The value axis: every value with a margin, never below 0 when nothing is (no figure here can be
 * negative, so a "-0.1%" tick means nothing), and at least 1 wide, so a series of one value (a
 * percentage at 0 every month) is a line on an axis of 0 to 1, not on ticks that all read "0.0%".
 */
export function valueDomain(ys: readonly number[]): [number, number] {
  if (!ys.length) return [0, 1];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  const low = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
  return [low, Math.max(hi + pad, low + 1)];
}

/** A chart of monthly values over time (the SPC chart's frame, and the run chart's). */
function monthlyPlot(d: PlotDocument, marks: Plot.Markish[], domain: [number, number], unit: Unit | undefined, size: { readonly width?: number; readonly height?: number }): SvgElement {
  const svg = Plot.plot({
    document: d,
    className: "lantern-chart",
    width: size.width ?? 720,
    height: size.height ?? 300,
    marginLeft: 56,
    marginRight: 16,
    x: { type: "utc", label: null },
    y: { domain, label: null, grid: true, tickFormat: (v: number) => chartNumber(v, unit === "count" ? "count" : unit === "percent" ? "percent" : undefined) },
    marks,
  }) as unknown as SvgElement;
  svg.setAttribute("font-family", FONT);
  svg.setAttribute("font-size", "12");
  return svg;
}

/** What {@link runChartSvg} draws. */
export interface RunChartInput extends MonthlyChartInput {
  /** Monthly values by their month's last day, oldest first; a null (a month not shown) is a gap. */
  readonly values: readonly { readonly date: string; readonly value: number | null }[];
  /** Why there are no process limits, said after the summary in the chart's text equivalent. */
  readonly why: string;
}

/**
 * The monthly values alone, joined by a line, with the target and annotations but no mean or
 * process limits: for a series SPC does not judge (too few months, or too few records a month),
 * so that it can still be looked at rather than read from a table.
 */
export function runChartSvg(input: RunChartInput): string {
  const d = doc();
  const unit = input.unit;
  const id = input.id ?? `run-${slug(input.title)}`;
  const pts = input.values.map((v) => ({ date: v.date, at: utc(v.date), value: v.value, label: input.labels?.get(v.date) ?? v.date }));
  const valued = pts.filter((p): p is (typeof pts)[number] & { value: number } => p.value !== null);
  const notes = (input.annotations ?? []).filter((a) => pts.length && a.date >= input.values[0]!.date && a.date <= input.values.at(-1)!.date);
  const target = input.target;
  const ys = valued.map((p) => p.value);
  if (target !== null && target !== undefined) ys.push(target);
  const marks: Plot.Markish[] = [
    Plot.line(pts, { x: "at", y: "value", stroke: INK, strokeWidth: 1.5 }),
    Plot.dot(valued, { x: "at", y: "value", r: 3, fill: INK, stroke: "#0b0c0c", strokeWidth: 0.5, title: (p: (typeof valued)[number]) => `${p.label}: ${chartNumber(p.value, unit)}` }),
    ...targetAndNotes(target, notes, unit),
  ];
  const svg = monthlyPlot(d, marks, valueDomain(ys), unit, input);
  const first = valued[0];
  const last = valued.at(-1);
  const gaps = pts.length - valued.length;
  const summary =
    first && last
      ? `${valued.length} monthly values from ${first.label} to ${last.label}${gaps ? ` (${gaps} not shown)` : ""}, between ${chartNumber(Math.min(...valued.map((p) => p.value)), unit)} and ${chartNumber(Math.max(...valued.map((p) => p.value)), unit)}; ${lastValueWords(chartNumber(last.value, unit), last === pts.at(-1), input.labels?.get(last.date) ?? monthName(last.date))}.`
      : "No values.";
  return finish(svg, d, id, input.title, `${summary} No mean or process limits: ${input.why}.`);
}

/** What {@link sparklineSvg} draws. */
export interface SparklineInput {
  readonly title: string;
  readonly values: readonly { readonly date: string; readonly value: number | null }[];
  readonly unit?: Unit;
  readonly width?: number;
  readonly height?: number;
  readonly id?: string;
}

/**
 * A small line of recent values with the latest point marked; no axes. Null values are gaps, and a
 * value with a gap either side (a member's month between two not shown) is a dot: a line needs two.
 */
export function sparklineSvg(input: SparklineInput): string {
  const d = doc();
  const id = input.id ?? `spark-${slug(input.title)}`;
  const pts = input.values.map((v) => ({ at: utc(v.date), value: v.value }));
  const valued = input.values.filter((v): v is { date: string; value: number } => v.value !== null);
  const last = valued.at(-1);
  const latestAt = last ? utc(last.date).getTime() : Number.NaN;
  const alone = pts.filter((p, i) => p.value !== null && p.at.getTime() !== latestAt && (pts[i - 1]?.value ?? null) === null && (pts[i + 1]?.value ?? null) === null);
  const svg = Plot.plot({
    document: d,
    className: "lantern-chart",
    width: input.width ?? 120,
    height: input.height ?? 32,
    margin: 3,
    axis: null,
    x: { type: "utc" },
    y: { insetTop: 2, insetBottom: 2 },
    marks: [
      Plot.line(pts, { x: "at", y: "value", stroke: INK, strokeWidth: 1.5 }),
      ...(alone.length ? [Plot.dot(alone, { x: "at", y: "value", r: 2, fill: INK })] : []),
      ...(last ? [Plot.dot([{ at: utc(last.date), value: last.value }], { x: "at", y: "value", r: 2.5, fill: "#0b0c0c" })] : []),
    ],
  }) as unknown as SvgElement;
  const lo = valued.length ? Math.min(...valued.map((v) => v.value)) : 0;
  const hi = valued.length ? Math.max(...valued.map((v) => v.value)) : 0;
  const lastIsEnd = last !== undefined && input.values.at(-1)?.date === last.date;
  const desc = last ? `${valued.length} values from ${valued[0]!.date.slice(0, 7)} to ${last.date.slice(0, 7)}, between ${chartNumber(lo, input.unit)} and ${chartNumber(hi, input.unit)}; ${lastValueWords(chartNumber(last.value, input.unit), lastIsEnd, monthName(last.date))}.` : "No values.";
  return finish(svg, d, id, input.title, desc);
}

/** One bar of {@link barChartSvg}. */
export interface Bar {
  readonly label: string;
  readonly value: number | null;
  /** Text after the bar, e.g. "62.0% of contacts" or "101.7 per 100 referrals" (default: the value). */
  readonly note?: string;
  /** What a bar with no value says in its place (default "no value"), e.g. "c — not shown to protect the children". */
  readonly missing?: string;
}

/** Horizontal bars in the given order (the system flow: contacts to care); a null value has no bar, only its words. */
export function barChartSvg(input: { readonly title: string; readonly bars: readonly Bar[]; readonly unit?: Unit; readonly width?: number; readonly id?: string; readonly description?: string }): string {
  const d = doc();
  const id = input.id ?? `bars-${slug(input.title)}`;
  const bars = input.bars.map((b) => ({ ...b, v: b.value ?? 0, text: b.value === null ? (b.missing ?? "no value") : `${chartNumber(b.value, input.unit)}${b.note ? ` · ${b.note}` : ""}` }));
  const max = Math.max(1, ...bars.map((b) => b.v));
  const svg = Plot.plot({
    document: d,
    className: "lantern-chart",
    width: input.width ?? 720,
    height: 28 * bars.length + 40,
    marginLeft: 210,
    marginRight: 16,
    x: { domain: [0, max * 1.35], label: null, grid: true, tickFormat: (v: number) => chartNumber(v, input.unit) },
    y: { domain: bars.map((b) => b.label), label: null, padding: 0.25 },
    marks: [
      Plot.barX(bars.filter((b) => b.value !== null), { x: "v", y: "label", fill: "#1d70b8", title: (b: (typeof bars)[number]) => `${b.label}: ${b.text}` }),
      Plot.text(bars, { x: "v", y: "label", text: "text", dx: 4, textAnchor: "start", fill: "#0b0c0c" }),
      Plot.ruleX([0], { stroke: "#0b0c0c" }),
    ],
  }) as unknown as SvgElement;
  svg.setAttribute("font-family", FONT);
  svg.setAttribute("font-size", "12");
  const desc = input.description ?? bars.map((b) => `${b.label}: ${b.text}`).join("; ") + ".";
  return finish(svg, d, id, input.title, desc);
}

// Every colour a chart draws with has the contrast WCAG 2.2 AA asks against the chart's actual
// background (white: CHART_CSS for the web's and the report's SVG charts, the report's page for its
// flow bars): 3:1 for a mark, line or area (1.4.11), 4.5:1 for text (1.4.3). Read from the charts
// as drawn, every kind of SPC point under each direction of improvement included, so a colour
// added later is checked too; and the text colours of the dashboard's and the report's CSS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseHTML } from "linkedom";
import { contrastRatio } from "../analysis/contrast.ts";
import { xmr } from "../analysis/spc.ts";
import { flowBarsSvg } from "../report/charts.ts";
import { REPORT_CSS } from "../report/html.ts";
import { barChartSvg, CHART_CSS, pointColour, runChartSvg, sparklineSvg, spcChartSvg } from "./charts.ts";

const WHITE = "#ffffff";
const NAMED: Record<string, string> = { white: WHITE, black: "#000000" };
const TYPES = ["common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral_high", "special_cause_neutral_low"] as const;

const POINTS = Array.from({ length: 16 }, (_, i) => {
  const y = 2024 + Math.floor(i / 12);
  const m = (i % 12) + 1;
  return { date: `${y}-${String(m).padStart(2, "0")}-${new Date(Date.UTC(y, m, 0)).getUTCDate()}`, value: [5, 6, 7, 5, 6, 8, 7, 6, 5, 6, 7, 6, 5, 12, 6, 7][i]! };
});

/** A colour as #rrggbb, or null for none, currentColor (the page's text colour) and the like. */
function hex(c: string | null): string | null {
  if (!c) return null;
  const v = c.trim().toLowerCase();
  if (NAMED[v]) return NAMED[v];
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((d) => d + d).join("")}`;
  assert.ok(v === "none" || v === "currentcolor", `a colour the test cannot read: ${c}`);
  return null;
}

/** Every colour an SVG draws with: [what, colour, whether it colours text]. */
function colours(svg: string): [string, string, boolean][] {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  const out: [string, string, boolean][] = [];
  for (const el of document.querySelectorAll("svg [fill], svg [stroke]")) {
    const tag = el.tagName.toLowerCase();
    // A group's colour is its children's: text when all it holds is text.
    const text = tag === "text" || tag === "tspan" || (tag === "g" && el.querySelector("text") !== null && el.querySelector("path, circle, rect, line, polygon") === null);
    for (const attr of ["fill", "stroke"] as const) {
      const c = hex(el.getAttribute(attr));
      if (c) out.push([`<${tag} ${attr}>`, c, text && attr === "fill"]);
    }
  }
  return out;
}

function spcWithEveryPoint(improvement: "up" | "down" | "neutral") {
  const spc = xmr(POINTS, { improvement, target: 6 });
  return { ...spc, points: spc.points.map((p, i) => ({ ...p, type: TYPES[i % TYPES.length]! })) };
}

test("a chart's background is white, which the contrast below is measured against", () => {
  assert.match(CHART_CSS, /svg\.lantern-chart \{[^}]*background: white;/);
  assert.doesNotMatch(REPORT_CSS, /body \{[^}]*background/, "the report's page is white");
});

test("every SPC point's fill has 3:1 against the white chart, keeping blue for improvement and orange for concern", () => {
  for (const improvement of ["up", "down", "neutral"] as const) {
    for (const type of TYPES) {
      const c = pointColour(type, improvement);
      assert.ok(contrastRatio(c, WHITE) >= 3, `${type} (${improvement}): ${c} is ${contrastRatio(c, WHITE).toFixed(2)}:1 on white`);
    }
  }
  // The meaning is Making Data Count's: a blue improvement, the MDC orange concern, a grey common cause.
  const rgb = (c: string) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
  const [r, g, b] = rgb(pointColour("special_cause_improvement", "up"));
  assert.ok(b > g && g > r, "improvement is blue");
  assert.equal(pointColour("special_cause_concern", "up"), "#E46C0A");
  const [cr, cg, cb] = rgb(pointColour("common_cause", "up"));
  assert.ok(Math.max(cr, cg, cb) - Math.min(cr, cg, cb) < 20, "common cause is grey");
});

test("every colour drawn in every chart has 3:1 against its background, and its text 4.5:1", () => {
  const notes = [{ date: "2024-06-15", label: "A recording change" }];
  const charts: Record<string, string> = {};
  for (const improvement of ["up", "down", "neutral"] as const) {
    charts[`SPC chart (${improvement})`] = spcChartSvg({ title: "SPC", unit: "count", spc: spcWithEveryPoint(improvement), target: 6, annotations: notes });
  }
  charts["run chart"] = runChartSvg({ title: "Run", unit: "percent", values: POINTS.map((p, i) => ({ date: p.date, value: i === 3 ? null : p.value })), target: 6, annotations: notes, why: "too few months" });
  charts["sparkline"] = sparklineSvg({ title: "Spark", unit: "count", values: POINTS.map((p, i) => ({ date: p.date, value: i === 5 ? null : p.value })) });
  charts["flow bars"] = barChartSvg({ title: "Flow", unit: "count", bars: [{ label: "Contacts", value: 120 }, { label: "Referrals", value: null, missing: "c" }] });
  charts["report flow bars"] = flowBarsSvg([{ label: "Contacts", value: 120, shown: "120" }, { label: "Referrals", value: null, shown: "c" }], "Flow");
  const seen = new Set<string>();
  for (const [name, svg] of Object.entries(charts)) {
    const found = colours(svg);
    assert.ok(found.length > 0, `${name} draws with colours`);
    for (const [what, c, text] of found) {
      seen.add(c);
      const need = text ? 4.5 : 3;
      assert.ok(contrastRatio(c, WHITE) >= need, `${name}: ${what} ${c} has ${contrastRatio(c, WHITE).toFixed(2)}:1 on white, under ${need}:1`);
    }
  }
  // Every kind of special cause was drawn, so its colour was checked above.
  for (const improvement of ["up", "down"] as const) for (const type of TYPES) assert.ok(seen.has(pointColour(type, improvement).toLowerCase()), `${type} drawn`);
});

test("the text colours of the dashboard's and the report's stylesheets have 4.5:1 against their background", () => {
  const css = `${readFileSync(join(import.meta.dirname, "../web/assets/lantern.css"), "utf8")}\n${REPORT_CSS}`;
  let checked = 0;
  for (const m of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const rule = m[2]!;
    const color = /(?:^|;)\s*color:\s*([^;]+)/.exec(rule)?.[1];
    if (!color) continue;
    const fg = hex(color);
    if (!fg) continue;
    const bg = hex(/background(?:-color)?:\s*([^;]+)/.exec(rule)?.[1] ?? "white") ?? WHITE;
    checked++;
    assert.ok(contrastRatio(fg, bg) >= 4.5, `${m[1]!.trim()}: ${fg} on ${bg} is ${contrastRatio(fg, bg).toFixed(2)}:1`);
  }
  assert.ok(checked >= 6, `the text colours were found (${checked})`);
});

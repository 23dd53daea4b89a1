// The page frame and its components as markup: landmarks every page has, and what the SPC
// icons show besides colour.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseHTML } from "linkedom";
import { contrastRatio } from "../analysis/contrast.ts";
import { ASSURANCE_ICONS, VARIATION_ICONS } from "../analysis/spc-icons.ts";
import { iconSvg } from "../report/charts.ts";
import { html } from "./html.ts";
import { page, spcIcon } from "./layout.ts";

const member = { id: "u4", username: "mel", displayName: "Cllr Mel Member", role: "member", areas: [] } as const;

test("the service header is the page's one banner landmark (a <header> outside main), beside one h1", () => {
  for (const user of [member, null]) {
    const { document } = parseHTML(page({ title: "Dashboard", user, section: "/", body: html`<h1 class="govuk-heading-l">Dashboard</h1>`, csrf: "t" }));
    const headers = [...document.querySelectorAll("header")];
    assert.equal(headers.length, 1);
    const banner = headers[0]!;
    assert.equal(banner.parentElement?.tagName, "BODY", "a header directly in body is the banner landmark");
    assert.equal(banner.closest("main, article, aside, nav, section"), null);
    assert.ok(banner.querySelector('nav[aria-label="Menu"]'), "the navigation is inside the banner");
    assert.equal(document.querySelectorAll("section[aria-label='Service information']").length, 0);
    assert.equal(document.querySelectorAll("h1").length, 1);
  }
});

const ICONS = [...Object.values(VARIATION_ICONS), ...Object.values(ASSURANCE_ICONS)];

test("SPC icons as drawn, on the web and in the report: letter 4.5:1 on the disc, outline 3:1 on the white page", () => {
  for (const icon of ICONS) {
    for (const [where, svg] of [["web", spcIcon(icon, "variation").value], ["report", iconSvg(icon)]] as const) {
      const circle = /<circle [^>]*fill="(#[0-9a-fA-F]{6})"[^>]*stroke="(#[0-9a-fA-F]{6})"[^>]*stroke-width="([\d.]+)"/.exec(svg);
      assert.ok(circle, `${where} ${icon.id}: a filled, outlined disc`);
      const [, fill, stroke, width] = circle;
      assert.equal(fill!.toUpperCase(), icon.colour.toUpperCase(), `${where} ${icon.id}: the Making Data Count colour`);
      assert.ok(contrastRatio(stroke!, "#ffffff") >= 3 && Number(width) >= 1.5, `${where} ${icon.id}: outline ${stroke} ${width}`);
      if (!icon.letter) continue;
      const letter = /<text [^>]*fill="(#[0-9a-fA-F]{6})"[^>]*>([^<]+)<\/text>/.exec(svg);
      assert.ok(letter, `${where} ${icon.id}: its letter`);
      assert.equal(letter[2], icon.letter);
      assert.ok(contrastRatio(letter[1]!, fill!) >= 4.5, `${where} ${icon.id}: letter ${letter[1]} on ${fill} is ${contrastRatio(letter[1]!, fill!).toFixed(2)}:1`);
    }
  }
});

test("an SPC icon says in visible words what its colour says: concern, improvement, neutral", () => {
  const visible = (svgAndWords: string) => parseHTML(`<p>${svgAndWords.replace(/<svg[\s\S]*<\/svg>/, "")}</p>`).document.querySelector("p")!.textContent!.trim();
  const word = (id: keyof typeof VARIATION_ICONS) => visible(spcIcon(VARIATION_ICONS[id], "variation").value);
  assert.equal(word("concern_low"), "concern");
  assert.equal(word("improvement_low"), "improvement");
  assert.equal(word("concern_high"), "concern");
  assert.equal(word("improvement_high"), "improvement");
  assert.equal(word("neutral_high"), "neutral");
  assert.equal(word("common_cause"), "common cause");
  // Icons that differ only in colour differ in their words.
  for (const a of ICONS) for (const b of ICONS) if (a !== b && a.letter === b.letter && a.colour !== b.colour) assert.notEqual(visible(spcIcon(a, "variation").value), visible(spcIcon(b, "variation").value), `${a.id} / ${b.id}`);
  assert.equal(visible(spcIcon(ASSURANCE_ICONS.consistently_failing, "assurance").value), "failing");
  // Screen readers hear the label once, from the SVG.
  assert.match(spcIcon(VARIATION_ICONS.concern_low, "variation").value, /aria-label="Variation: Special cause variation — concern \(lower\)"/);
});

test("a draft comment's border, which marks it apart from the published ones, has 3:1 against the white page (WCAG 1.4.11)", () => {
  const css = readFileSync(join(import.meta.dirname, "assets/lantern.css"), "utf8");
  const draft = /\.lantern-comment--draft\s*\{[^}]*border-left-color:\s*(#[0-9a-fA-F]{6})/.exec(css)?.[1];
  assert.ok(draft, "the draft comment's border colour");
  assert.ok(contrastRatio(draft, "#ffffff") >= 3, `${draft} on white is ${contrastRatio(draft, "#ffffff").toFixed(2)}:1`);
});

// The Making Data Count icons' colours meet WCAG: the letter against its disc (1.4.3, 4.5:1 for
// text) and the disc's outline against the white page (1.4.11, 3:1 for a graphic), checked from
// the icon data for every icon, with the NHS colours kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { contrastRatio, relativeLuminance } from "./contrast.ts";
import { ASSURANCE_ICONS, VARIATION_ICONS } from "./spc-icons.ts";

const ICONS = [...Object.values(VARIATION_ICONS), ...Object.values(ASSURANCE_ICONS)];

test("contrast ratios as WCAG defines them", () => {
  assert.equal(relativeLuminance("#000000"), 0);
  assert.equal(relativeLuminance("#ffffff"), 1);
  assert.equal(contrastRatio("#ffffff", "#000000"), 21);
  assert.equal(contrastRatio("#000000", "#ffffff"), 21);
  // The figures the audit gave for the old white letter.
  assert.equal(contrastRatio("#ffffff", "#00B0F0").toFixed(2), "2.48");
  assert.equal(contrastRatio("#ffffff", "#E46C0A").toFixed(2), "3.26");
});

test("every icon's letter has 4.5:1 against its disc, and its outline 3:1 against the white page", () => {
  for (const icon of ICONS) {
    assert.ok(contrastRatio(icon.letterColour, icon.colour) >= 4.5, `${icon.id}: letter ${icon.letterColour} on ${icon.colour} is ${contrastRatio(icon.letterColour, icon.colour).toFixed(2)}:1`);
    assert.ok(contrastRatio(icon.outline, "#ffffff") >= 3, `${icon.id}: outline ${icon.outline} on white is ${contrastRatio(icon.outline, "#ffffff").toFixed(2)}:1`);
  }
});

test("the Making Data Count colours are kept", () => {
  const colour = (id: string) => ICONS.find((i) => i.id === id)!.colour;
  assert.equal(colour("concern_low"), "#E46C0A");
  assert.equal(colour("improvement_low"), "#00B0F0");
  assert.equal(colour("neutral_high"), "#490092");
  assert.equal(colour("common_cause"), "#A6A6A6");
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { withoutGovukFonts } from "./govuk-css.ts";

const SHIPPED = join(import.meta.dirname, "../../node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css");

test("the GOV.UK stylesheet loses its @font-face rules for /assets/fonts and nothing else", () => {
  const css = readFileSync(SHIPPED, "utf8");
  assert.match(css, /@font-face\{[^}]*\/assets\/fonts\//, "the shipped stylesheet declares the GOV.UK typeface");
  const served = withoutGovukFonts(css);
  assert.doesNotMatch(served, /@font-face/);
  assert.doesNotMatch(served, /\/assets\/fonts\//);
  // Only the rules went: the rest is byte for byte the same.
  assert.equal(served.length, css.length - [...css.matchAll(/@font-face\{[^}]*\}/g)].reduce((n, m) => n + m[0].length, 0));
  const other = '@font-face{font-family:Other;src:url(/elsewhere/a.woff2)}';
  assert.equal(withoutGovukFonts(`a{b:c}${other}@font-face { src: url("/assets/fonts/x.woff2") }`), `a{b:c}${other}`);
});

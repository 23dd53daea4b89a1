// The page frame and its components as markup: landmarks every page has, and what the SPC
// icons show besides colour.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHTML } from "linkedom";
import { html } from "./html.ts";
import { page } from "./layout.ts";

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

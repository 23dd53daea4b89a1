import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml, html, join, raw } from "./html.ts";

test("html escapes values by default and keeps trusted markup", () => {
  const name = `<script>alert("x")</script> & 'co'`;
  assert.equal(html`<p title="${name}">${name}</p>`.value, `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>`);
  assert.equal(html`<div>${raw("<svg></svg>")}</div>`.value, "<div><svg></svg></div>");
  assert.equal(html`<b>${html`<i>${"<"}</i>`}</b>`.value, "<b><i>&lt;</i></b>");
});

test("html renders arrays, numbers and nothing for null, undefined and false", () => {
  assert.equal(html`<ul>${[1, 2].map((n) => html`<li>${n}</li>`)}</ul>`.value, "<ul><li>1</li><li>2</li></ul>");
  assert.equal(html`${null}${undefined}${false}${0}${true}`.value, "0true");
  assert.equal(join(["a", "<b>"], html`<br>`).value, "a<br>&lt;b&gt;");
  assert.equal(escapeHtml("&amp;"), "&amp;amp;");
});

// The early-warning page's opening sentence, which needs no store: what it says when nothing is to
// be looked at first, for the viewer (a member's withheld indicators) and the period.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod } from "../../calendar/periods.ts";
import type { Signal } from "../../analysis/digest.ts";
import type { Target } from "../../kpi/engine.ts";
import type { ShownDigest, ShownGroup } from "../model.ts";
import { earlyWarningBody } from "./flow.ts";

const T: Target = { la_code: "X001", snapshot_id: 1, data_from: "2024-04-01", data_to: "2026-09-30", tables: new Set() };
const Q2 = parsePeriod("2026-27-Q2")!;

function group(o: Partial<ShownGroup> = {}): ShownGroup {
  return { id: "demand", title: "Demand", signals: [], judged: [], notJudged: [], withheld: [], ...o };
}
function digest(groups: ShownGroup[], alarming = 0): ShownDigest {
  return { authority: "X001", period: Q2.id, spcMonths: ["2026-07", "2026-08", "2026-09"], groups, flow: [], alarming };
}
const summary = (d: ShownDigest) => {
  const h = String(earlyWarningBody(T, Q2, d, []));
  const m = /<p class="govuk-body"[^>]*>Every special-cause signal[\s\S]*?<\/p>/.exec(h);
  assert.ok(m, "the page opens with its summary");
  return m[0].replace(/<[^>]+>/g, "");
};
const watch: Signal = { indicator: "contacts", title: "Contacts", kind: "spc", severity: 2, label: "special cause neutral high", text: "…", brief: "…" };

test("with no signals, the early warning says plainly what that means for the period, never the cryptic 'Nothing to look at first.'", () => {
  const said = summary(digest([group({ judged: ["contacts", "referrals"] }), group({ id: "care", title: "Care", judged: ["cla_starts"] })]));
  assert.doesNotMatch(said, /Nothing to look at first/);
  assert.match(said, /None of the 3 indicators SPC judged shows an unusual pattern \(a special-cause signal\) for Q2 2026-27, and no RAG rating changed from Q1 2026-27: nothing needs looking at first\.$/);
});

test("no signals for a viewer with indicators not judged or withheld covers only those judged, and says the rest are named below", () => {
  // A member: two indicators' signals are not shown because of small numbers.
  const member = summary(digest([group({ judged: ["contacts"], withheld: ["Referrals", "Re-referrals within 12 months"] })]));
  assert.match(member, /The one indicator SPC judged shows no unusual pattern \(a special-cause signal\) for Q2 2026-27/);
  assert.match(member, /Indicators SPC could not judge, or whose signals are not shown because of small numbers, are not covered: they are named below, with the reason\.$/);
  const analyst = summary(digest([group({ judged: ["contacts"], notJudged: [{ indicator: "referrals", title: "Referrals", reason: "few_months", months: ["2026-07"] }] })]));
  assert.match(analyst, /Indicators SPC could not judge are not covered: they are named below, with the reason\.$/);
  assert.doesNotMatch(analyst, /small numbers/);
});

test("signals to watch but none to look at first say so and why; none judged at all is never an all-clear", () => {
  const some = summary(digest([group({ judged: ["contacts"], signals: [watch] })]));
  assert.match(some, /Nothing needs looking at first: the signal below is not a special-cause concern beyond a process limit or a RAG rating turned red\.$/);
  const none = summary(digest([group({ notJudged: [{ indicator: "contacts", title: "Contacts", reason: "few_months", months: ["2026-07", "2026-08", "2026-09"] }] })]));
  assert.match(none, /No RAG rating changed from Q1 2026-27, but SPC could judge no indicator for Q2 2026-27, so this is not an all-clear: the reasons are below\.$/);
  assert.doesNotMatch(none, /nothing needs looking at first/i);
  const alarming = summary(digest([group({ judged: ["contacts"], signals: [{ ...watch, severity: 3 }, { ...watch, severity: 3 }] })], 2));
  assert.match(alarming, /2 signals to look at first\.$/);
  const two = summary(digest([group({ judged: ["contacts"], signals: [watch, { ...watch, severity: 1 }] })]));
  assert.match(two, /none of the 2 signals below is a special-cause concern/);
});

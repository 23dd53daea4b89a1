// kindProblem: a period of a kind none of the indicators has figures for is named as such, with
// the kinds they have and the indicators that have that kind; any one with the kind means none.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod } from "../calendar/periods.ts";
import { kindProblem } from "./targets.ts";

test("kindProblem says which kinds the indicators have, and which indicators have the one asked for", () => {
  const monthly = { id: "referrals", periods: ["month", "quarter"] as const };
  const yearly = { id: "ehcp_issued", periods: ["year", "calendar"] as const };
  const p = kindProblem([monthly], parsePeriod("2024")!, [monthly, yearly]);
  assert.deepEqual(p, {
    message: "2024 is a calendar year, and referrals has no figures for calendar years: it is computed for months and financial quarters.",
    hint: "Ask for a month (2025-01) or a financial quarter (2024-25-Q3). Indicators with figures for calendar years: ehcp_issued.",
  });
  assert.equal(kindProblem([monthly, yearly], parsePeriod("2024")!), null, "one of them has calendar-year figures");
  assert.equal(kindProblem([monthly], parsePeriod("2024-25-Q1")!), null);
  assert.equal(kindProblem([], parsePeriod("2024")!), null);
  assert.match(kindProblem([yearly], parsePeriod("12m-2025-01")!)!.message, /^12m-2025-01 is a rolling twelve-month period, and ehcp_issued has no figures for rolling twelve-month periods: it is computed for financial years and calendar years\.$/);
});

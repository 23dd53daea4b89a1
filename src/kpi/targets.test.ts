// kindProblem: a period of a kind none of the indicators has figures for is named as such, with
// the kinds they have and the indicators that have that kind; any one with the kind means none.
// requireLoaded: an empty store is refused the same way for every command, on both stores.
import assert from "node:assert/strict";
import { test } from "node:test";
import { smallExport, tempStore, writeExport } from "../../test/fixtures.ts";
import { parsePeriod } from "../calendar/periods.ts";
import type { LanternError } from "../core/errors.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import { kindProblem, requireLoaded } from "./targets.ts";

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

test("requireLoaded refuses a store with no snapshot with LANTERN_NO_DATA (exit 3) and the command to run again; one load is enough", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await assert.rejects(requireLoaded(store, "digest", "so there is nothing to digest"), (e: LanternError) => {
      assert.equal(e.code, "LANTERN_NO_DATA");
      assert.equal(e.exit, 3);
      assert.equal(e.message, "No data has been loaded yet, so there is nothing to digest.");
      assert.match(e.hint ?? "", /^Load data first with `lantern import PATH --authority CODE` .*then run `lantern digest` again\.$/);
      return true;
    });
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    await requireLoaded(store, "digest", "so there is nothing to digest");
  } finally {
    await cleanup();
  }
});

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { computeIndicator, indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * Missing episodes; contacts on 1 April 2024 and 28 March 2025 make the span 2024-04 to 2025-03.
 *  X1 M1 30 Mar - 2 Apr 2024 (open at the start of April; started before the span), offered, accepted
 *  X2 M1 1 Apr - 1 Apr 2024 (the first day), offered, declined
 *  X3 M2 15-16 Apr, absent, not offered
 *  X4 M2 30 Apr - 1 May (the last day of April; ends in May), offered, accepted
 *  X5 M3 10 May, still open
 *  X6 M3 20-21 May, offer not recorded
 *  X7 M4 March 2024: before the span
 *  X8 M3 10-11 Jun, offer not recorded (the only episode ending in June)
 */
function missingExport(): Record<string, string> {
  return {
    "ssd_person.csv": "pers_person_id,pers_sex,pers_dob\nM1,F,2010-05-05\nM2,M,2009-01-01\nM3,F,2012-12-12\nM4,M,2011-11-11",
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,M1,2024-04-01\nC2,M1,2025-03-28",
    "ssd_missing.csv": [
      "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_type,miss_missing_episode_end_date,miss_missing_rhi_offered,miss_missing_rhi_accepted",
      "X1,M1,2024-03-30,Missing,2024-04-02,Y,Y",
      "X2,M1,2024-04-01,Missing,2024-04-01,Y,N",
      "X3,M2,2024-04-15,Absent,2024-04-16,N,",
      "X4,M2,2024-04-30,missing,2024-05-01,Y,Y",
      "X5,M3,2024-05-10,Missing,,,",
      "X6,M3,2024-05-20,Missing,2024-05-21,,",
      "X7,M4,2024-03-01,Missing,2024-03-02,Y,Y",
      "X8,M3,2024-06-10,Missing,2024-06-11,,",
    ].join("\n"),
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(missingExport()));
});

after(async () => {
  await cleanup();
});

function values(id: string): Promise<Map<string, IndicatorValue>> {
  return valuesOf(store, target, id);
}

test("episodes and children counted by start date", async () => {
  const e = await values("missing_episodes");
  assert.equal(e.get("2024-04")!.value, 3, "X2, X3, X4 (X1 started in March)");
  assert.equal(e.get("2024-05")!.value, 2);
  assert.equal(e.get("2024-25")!.value, 6);
  const byType = await computeIndicator(store, indicatorLibrary().get("missing_episodes")!, [target], { periodIds: ["2024-04"] });
  assert.deepEqual(Object.fromEntries(byType.filter((v) => v.breakdown === "type").map((v) => [v.category, v.value])), { Absent: 1, Missing: 2 });
  const c = await values("missing_children");
  assert.equal(c.get("2024-04")!.value, 2, "M1 and M2 (M2 twice)");
  assert.equal(c.get("2024-05")!.value, 1);
  assert.equal(c.get("2024-25")!.value, 3);
});

test("return home interviews offered and accepted, by the episode's end", async () => {
  const o = await values("missing_rhi_offered_pct");
  assert.equal(o.get("2024-04")!.value, (100 * 2) / 3, "ended in April: X1 and X2 offered, X3 not");
  assert.equal(o.get("2024-05")!.value, 50, "X4 offered; X6 not recorded; X5 still open");
  assert.equal(o.get("2024-25")!.value, 50, "X1, X2, X4 of X1-X4, X6, X8");
  // No episode ending in June has the offer recorded (as in every period loaded from a 903):
  // no value, with the reason, rather than 0%.
  assert.equal(o.get("2024-06")!.value, null);
  assert.equal(o.get("2024-06")!.denominator, 1);
  assert.match(o.get("2024-06")!.reason ?? "", /no episode that ended in this period has the return home interview offer recorded/);
  assert.equal(o.get("2024-25-Q1")!.value, 50, "X1, X2, X4 of six: X6 and X8 unrecorded, counted as not offered");
  const a = await values("missing_rhi_accepted_pct");
  assert.equal(a.get("2024-04")!.value, 50, "X1 accepted, X2 declined");
  assert.equal(a.get("2024-05")!.value, 100);
  assert.equal(a.get("2024-25")!.value, (100 * 2) / 3);
  assert.equal(a.get("2024-06")!.value, null);
  const recs = await indicatorRecords(store, indicatorLibrary().get("missing_rhi_offered_pct")!, target, "2024-04", "denominator");
  assert.deepEqual(
    recs.map((r) => [r["record_id"], r["num"]]),
    [
      ["X1", 1],
      ["X2", 1],
      ["X3", 0],
    ],
  );
  assert.match(String(recs[2]!["why"]), /not offered/);
});

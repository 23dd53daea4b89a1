import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { breakdownOf, indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/** A hand-built authority: contacts from 1 April 2024 to 28 April 2025 give the span 2024-04 to 2025-04. */
function earlyHelpExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob",
      "P1,M,2015-06-01",
      "P2,F,2010-02-01",
      "P3,F,2019-11-30",
      "P4,M,2024-12-25", // born the day after his episode started (24 Dec 2024): unborn at the start
    ].join("\n"),
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-01\nC2,P2,2025-04-28",
    "ssd_early_help_episodes.csv": [
      "earl_episode_id,earl_person_id,earl_episode_start_date,earl_episode_end_date,earl_episode_end_reason,earl_episode_organisation",
      "E1,P1,2024-03-15,,,FS", // started before the span; open at every period end
      "E2,P2,2024-04-10,2024-04-30,STEP_UP,FS", // ended on 30 April: not open at April's end
      "E3,P3,2024-05-02,2024-05-02,NFA,SCH", // started and ended the same day: never open at an end
      "E4,P1,2024-05-20,2024-07-01,COMPLETE,SCH", // P1's second open episode (May, June): P1 counted once
      "E5,P4,2024-12-24,2025-01-02,COMPLETE,FS", // over Christmas
      "E6,P2,2025-02-03,,,FS", // P2's second episode, years later: counts again as a start
    ].join("\n"),
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(earlyHelpExport()));
});

after(async () => {
  await cleanup();
});

function values(id: string): Promise<Map<string, IndicatorValue>> {
  return valuesOf(store, target, id);
}

function breakdown(id: string, dim: string, period: string): Promise<Record<string, number | null>> {
  return breakdownOf(store, target, id, dim, period);
}

test("early help episodes started: each episode counts", async () => {
  assert.equal(target.data_from, "2024-04-01");
  assert.equal(target.data_to, "2025-04-30");
  const s = await values("eh_started");
  assert.equal(s.get("2024-04")!.value, 1, "E2 (E1 started before the span)");
  assert.equal(s.get("2024-05")!.value, 2, "E3 (same-day close) and E4");
  assert.equal(s.get("2024-06")!.value, 0);
  assert.equal(s.get("2024-12")!.value, 1, "E5");
  assert.equal(s.get("2024-25")!.value, 5, "E2-E6: P2 counts twice");
  assert.equal(s.get("2024-25-Q1")!.value, 3);
  assert.deepEqual(await breakdown("eh_started", "organisation", "2024-25"), { FS: 3, SCH: 2 });
  // Ages at the start: E2 P2 14, E3 P3 4, E4 P1 8, E5 P4 unborn, E6 P2 15.
  assert.deepEqual(await breakdown("eh_started", "age_band", "2024-25"), { "10-15": 2, "1-4": 1, "5-9": 1, unborn: 1 });
});

test("children receiving early help at the period end: each child once", async () => {
  const o = await values("eh_open_at_end");
  assert.equal(o.get("2024-04")!.value, 1, "P1 (E1); E2 ended on 30 April");
  assert.equal(o.get("2024-05")!.value, 1, "P1 with E1 and E4 open counts once; E3 closed the day it opened");
  assert.equal(o.get("2024-07")!.value, 1, "E4 ended 1 July");
  assert.equal(o.get("2024-12")!.value, 2, "P1, P4");
  assert.equal(o.get("2025-01")!.value, 1, "E5 ended 2 January");
  assert.equal(o.get("2025-02")!.value, 2, "P1, P2 (E6)");
  assert.equal(o.get("2024-25")!.value, 2);
  assert.equal(o.get("2024-25-Q3")!.value, 2, "quarter ending 31 December");
  const rows = await indicatorRecords(store, indicatorLibrary().get("eh_open_at_end")!, target, "2024-05", "numerator");
  assert.deepEqual(
    rows.map((r) => [r["person_id"], r["record_id"], r["why"]]),
    [["P1", "E4", "early help open since 2024-05-20"]],
    "the child's latest-started open episode stands for them",
  );
  assert.deepEqual(await breakdown("eh_open_at_end", "age_band", "2024-12"), { "5-9": 1, "under 1": 1 });
});

test("early help episodes ended, including a same-day close", async () => {
  const e = await values("eh_ended");
  assert.equal(e.get("2024-04")!.value, 1, "E2 on 30 April");
  assert.equal(e.get("2024-05")!.value, 1, "E3, ended the day it started");
  assert.equal(e.get("2024-07")!.value, 1, "E4");
  assert.equal(e.get("2025-01")!.value, 1, "E5");
  assert.equal(e.get("2024-25")!.value, 4);
  assert.equal(e.get("2025-04")!.value, 0);
  assert.deepEqual(await breakdown("eh_ended", "reason", "2024-25"), { COMPLETE: 2, NFA: 1, STEP_UP: 1 });
});

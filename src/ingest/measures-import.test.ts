import assert from "node:assert/strict";
import { test } from "node:test";
import { isLanternError } from "../core/errors.ts";
import { computeAndStore, storedValues } from "../kpi/compute.ts";
import { listSnapshots, tableRows } from "../store/snapshots.ts";
import { smallExport, tempStore, writeExport } from "../../test/fixtures.ts";
import { importMeasures, isMeasuresFile } from "./measures-import.ts";
import { importSsd } from "./ssd-import.ts";

const GOOD = "indicator,authority,period,value,numerator,denominator,note\nsw_vacancy_rate,202,2025-09,14.2,14.2,100,\nsw_caseload,202,2025-09,15.5,,,census\nehe_children,203,2025-01,120,,,";

test("aggregate figures load as versioned snapshots that carry the SSD tables forward", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const dir = writeExport({ "workforce.csv": GOOD });
    assert.equal(isMeasuresFile(`${dir}/workforce.csv`), true);
    const res = await importMeasures(store, { paths: [`${dir}/workforce.csv`] });
    assert.deepEqual(
      res.authorities.map((a) => [a.authority, a.status, a.snapshotId, a.rows]),
      [
        ["202", "loaded", 2, 2],
        ["203", "loaded", 3, 1],
      ],
    );
    assert.equal((await tableRows(store, "ssd_person", 2)).length, 3, "SSD rows carried forward into the measures snapshot");
    await computeAndStore(store, { indicators: ["sw_vacancy_rate", "sw_caseload", "ehe_children"] });
    const vals = await storedValues(store, { snapshots: [2, 3] });
    assert.deepEqual(
      vals.map((v) => [v.authority, v.indicator, v.period, v.value, v.numerator, v.denominator]),
      [
        ["202", "sw_vacancy_rate", "2025-09", 14.2, 14.2, 100],
        ["202", "sw_caseload", "2025-09", 15.5, null, null],
        ["203", "ehe_children", "2025-01", 120, null, null],
      ],
    );
    const again = await importMeasures(store, { paths: [`${dir}/workforce.csv`] });
    assert.deepEqual(again.authorities.map((a) => a.status), ["unchanged", "unchanged"]);
    assert.equal((await listSnapshots(store)).length, 3);
  } finally {
    await cleanup();
  }
});

test("bad figures are refused with file, row and column, and nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const bad = "indicator,authority,period,value\nsw_vacancy_rate,202,2025-09,140\nreferrals,202,2025-09,10\nsw_caseload,202,Sept 2025,15\nsw_caseload,202,2025-09,abc\nnonsense,202,2025-09,1";
    const dir = writeExport({ "w.csv": bad });
    const err = await importMeasures(store, { paths: [`${dir}/w.csv`] }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    assert.ok(isLanternError(err));
    assert.equal(err.exit, 2);
    const where = err.issues.map((i) => [i.row, i.column]);
    assert.deepEqual(where, [
      [2, "value"],
      [3, "indicator"],
      [4, "period"],
      [5, "value"],
      [6, "indicator"],
    ]);
    assert.match(err.issues[1]!.message, /computed from the SSD tables/);
    assert.equal((await listSnapshots(store)).length, 0);
    const nul = writeExport({ "n.csv": "indicator,authority,period,value,note\nsw_caseload,202,2025-09,15,see\u0000note" });
    const e2 = await importMeasures(store, { paths: [`${nul}/n.csv`] }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    assert.ok(isLanternError(e2));
    assert.deepEqual(
      e2.issues.map((i) => [i.row, i.column]),
      [[2, "note"]],
    );
    assert.match(e2.issues[0]!.message, /NUL character/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
});

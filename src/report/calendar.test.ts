import assert from "node:assert/strict";
import { test } from "node:test";
import { reportCalendar } from "./calendar.ts";

const TABLES = ["cin_episodes", "contacts"];

test("each quarter's report is due six weeks after it ends; the year's likewise", () => {
  const cal = reportCalendar({ today: "2025-11-01", snapshot: null, tables: TABLES });
  const due = Object.fromEntries(cal.map((r) => [`${r.kind} ${r.period}`, r.due]));
  // 30 September + 42 days = 11 November; 31 March + 42 days = 12 May; 31 December + 42 = 11 February.
  assert.equal(due["quarter 2025-26-Q2"], "2025-11-11");
  assert.equal(due["quarter 2025-26-Q3"], "2026-02-11");
  assert.equal(due["quarter 2024-25-Q4"], "2025-05-12");
  assert.equal(due["year 2024-25"], "2025-05-12");
  // Four quarters back from the current one (Q3 2025-26), oldest due first.
  assert.deepEqual(
    cal.filter((r) => r.kind === "quarter").map((r) => r.period),
    ["2024-25-Q3", "2024-25-Q4", "2025-26-Q1", "2025-26-Q2", "2025-26-Q3"],
  );
  assert.ok(cal.every((r, i) => i === 0 || cal[i - 1]!.due <= r.due));
});

test("data has arrived when the snapshot's months reach the period end and it has every table", () => {
  const snapshot = { id: 4, dataTo: "2025-09-30", extractedTo: "2025-10-03", tables: ["contacts", "cin_episodes", "cla_episodes"] };
  const cal = reportCalendar({ today: "2025-11-20", snapshot, tables: TABLES });
  const q2 = cal.find((r) => r.period === "2025-26-Q2")!;
  assert.equal(q2.arrived, true);
  assert.equal(q2.status, "ready");
  assert.equal(q2.snapshot, 4);
  assert.equal(q2.daysToDue, -9);
  const q3 = cal.find((r) => r.period === "2025-26-Q3")!;
  assert.equal(q3.arrived, false);
  assert.equal(q3.covered, false);
  assert.equal(q3.status, "waiting for data");
  assert.deepEqual(q3.needs, { dataTo: "2025-12-31", tables: ["cin_episodes", "contacts"] });
});

test("a missing table keeps a report waiting, and overdue once its due date has passed", () => {
  const snapshot = { id: 1, dataTo: "2025-09-30", extractedTo: null, tables: ["contacts"] };
  const cal = reportCalendar({ today: "2025-11-20", snapshot, tables: TABLES });
  const q2 = cal.find((r) => r.period === "2025-26-Q2")!;
  assert.equal(q2.covered, true);
  assert.deepEqual(q2.missingTables, ["cin_episodes"]);
  assert.equal(q2.arrived, false);
  assert.equal(q2.status, "overdue");
  const q3 = cal.find((r) => r.period === "2025-26-Q3")!;
  assert.equal(q3.status, "waiting for data");
});

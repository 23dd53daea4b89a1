import assert from "node:assert/strict";
import { test } from "node:test";
import type { LanternError } from "../core/errors.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { parsePeriod } from "../calendar/periods.ts";
import { checkTarget, direction, goalFor, parseTargets, rag, targetFor, targetYear, travel } from "./rag.ts";

test("RAG by polarity: green meets, amber within tolerance, red beyond", () => {
  const t = { target: 85, tolerance: 5 };
  assert.equal(rag(85, t, "higher"), "green");
  assert.equal(rag(80, t, "higher"), "amber", "exactly the tolerance short is amber");
  assert.equal(rag(79.9, t, "higher"), "red");
  assert.equal(rag(85, t, "lower"), "green");
  assert.equal(rag(90, t, "lower"), "amber");
  assert.equal(rag(90.1, t, "lower"), "red");
  assert.equal(rag(50, t, "none"), null);
});

test("RAG judges the value as shown: a shortfall of exactly the tolerance is amber despite binary arithmetic, and 79.96% shown as 80.0% meets 80", () => {
  // 22.6 - 22.4 is 0.20000000000000284 in doubles; 73/80 = 91.25% is shown as 91.3%.
  assert.equal(rag(22.6, { target: 22.4, tolerance: 0.2 }, "lower"), "amber");
  assert.equal(rag(22.61, { target: 22.4, tolerance: 0.2 }, "lower"), "amber", "22.61 is shown as 22.6");
  assert.equal(rag(22.7, { target: 22.4, tolerance: 0.2 }, "lower"), "red");
  assert.equal(rag((73 / 80) * 100, { target: 91.5, tolerance: 0.2 }, "higher"), "amber");
  assert.equal(rag(79.96, { target: 80, tolerance: 0 }, "higher"), "green");
  assert.equal(rag(79.94, { target: 80, tolerance: 0 }, "higher"), "red");
});

test("direction of travel compares the values as shown: 83.6% and 83.6% are no change, whatever the digits beyond", () => {
  // December 184/220 = 83.636…%, January 225/269 = 83.643…%: both shown as 83.6%.
  assert.equal(direction((225 / 269) * 100, (184 / 220) * 100, "higher"), "no change");
  assert.equal(direction(83.66, 83.64, "higher"), "improving", "83.7% against 83.6%");
  assert.equal(direction(1503, 1502, "none"), "up");
});

test("direction of travel follows polarity", () => {
  assert.equal(direction(90, 85, "higher"), "improving");
  assert.equal(direction(90, 85, "lower"), "worsening");
  assert.equal(direction(90, 85, "none"), "up");
  assert.equal(direction(85, 85, "higher"), "no change");
  assert.equal(direction(85, null, "higher"), null);
});

test("targets.csv: read, located problems, matched to periods by financial year", () => {
  const known = (id: string) => ["assess_45wd_pct", "rereferral_pct", "ehcp_20wk_pct"].includes(id);
  const { targets, issues } = parseTargets(
    "indicator,year,target,tolerance,polarity\nassess_45wd_pct,2024-25,90,5,\nrereferral_pct,2024-25,20,2,\nehcp_20wk_pct,2024,60,10,\nnope,2024-25,1,1,\nassess_45wd_pct,2024-25,91,5,\nrereferral_pct,2025-26,x,1,sideways",
    "targets.csv",
    known,
  );
  assert.equal(targets.length, 3);
  assert.deepEqual(
    issues.map((i) => [i.row, i.column]),
    [
      [5, "indicator"],
      [6, "year"],
      [7, "target"],
      [7, "polarity"],
    ],
  );
  assert.equal(targetYear("2025-02"), "2024-25");
  assert.equal(targetYear("2024-25-Q3"), "2024-25");
  assert.equal(targetYear("12m-2025-03"), "2024-25");
  assert.equal(targetYear("2024"), "2024");
  assert.equal(targetFor(targets, "assess_45wd_pct", "2024-11")?.target, 90);
  assert.equal(targetFor(targets, "ehcp_20wk_pct", "2024")?.target, 60);
  assert.equal(targetFor(targets, "assess_45wd_pct", "2025-04"), undefined);
});

test("targets.csv meets the rules the browser form does: a real financial year, percentages within 0-100, nothing negative or absurd", () => {
  const units: Record<string, "percent" | "count"> = { assess_45wd_pct: "percent", referrals: "count" };
  const { targets, issues } = parseTargets(
    "indicator,year,target,tolerance\nassess_45wd_pct,2026-28,90,5\nassess_45wd_pct,2025-26,150,5\nreferrals,2025-26,-5,0\nreferrals,2024-25,1e21,0\nreferrals,2023-24,3000,100",
    "targets.csv",
    (id) => id in units,
    (id) => units[id],
  );
  assert.deepEqual(
    targets.map((t) => `${t.indicator} ${t.year}`),
    ["referrals 2023-24"],
  );
  assert.deepEqual(
    issues.map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [
      ["TARGETS_VALUE_INVALID", "targets.csv", 2, "year", "2026-28"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 3, "target", "150"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 4, "target", "-5"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 5, "target", "1e21"],
    ],
  );
  assert.match(issues[0]!.message, /its two years must follow each other, as in 2026-27/);
  assert.match(issues[1]!.message, /not a percentage from 0 to 100/);
});

test("a target's year must be of a kind the indicator is measured by: a calendar year only where it has calendar-year values", () => {
  const lib = indicatorLibrary();
  const fyOnly = lib.get("referral_to_assessment_pct")!;
  const ehcp = lib.get("ehcp_20wk_pct")!;
  assert.ok(!fyOnly.periods.includes("calendar") && ehcp.periods.includes("calendar"));
  // targetYear maps every month, quarter and rolling year to its financial year, so "2025" could never apply here.
  assert.throws(() => checkTarget({ year: "2025", target: "90", tolerance: "2" }, fyOnly), (e: LanternError) => {
    assert.equal(e.issues[0]!.column, "year");
    assert.equal(e.issues[0]!.value, "2025");
    assert.match(e.message, /"2025" is a calendar year, but referral_to_assessment_pct is measured by financial year \(April to March\), so a target for 2025 would never apply\./);
    assert.equal(e.hint, "Write a financial year such as 2025-26.");
    return true;
  });
  assert.deepEqual(checkTarget({ year: "2025-26", target: "90", tolerance: "2" }, fyOnly), { year: "2025-26", target: 90, tolerance: 2 });
  // EHC plans are judged by calendar year (the DfE's) and by financial year (their months and quarters).
  assert.deepEqual(checkTarget({ year: "2025", target: "60", tolerance: "" }, ehcp), { year: "2025", target: 60, tolerance: 0 });
  assert.deepEqual(checkTarget({ year: "2025-26", target: "60", tolerance: "5" }, ehcp), { year: "2025-26", target: 60, tolerance: 5 });
  // A definition measured only by calendar year takes no financial-year target.
  assert.throws(() => checkTarget({ year: "2025-26", target: "1", tolerance: "0" }, { id: "cal_only", unit: "count", periods: ["calendar"] }), /is a financial year, but cal_only is measured by calendar year/);
});

test("a target is a plain decimal: 0x10, 1e3 and the like are refused as typed, not saved as 16 or 1000", () => {
  const pct = indicatorLibrary().get("referral_to_assessment_pct")!;
  for (const typed of ["0x10", "1e3", "1E2", "0b101", "Infinity", "1,5", "ten"]) {
    assert.throws(() => checkTarget({ year: "2026-27", target: typed, tolerance: "0" }, pct), (e: LanternError) => {
      assert.equal(e.message, `The target "${typed}" is not a plain number: use only digits, with a decimal point if needed.`);
      assert.deepEqual([e.issues[0]!.column, e.issues[0]!.value], ["target", typed]);
      return true;
    });
  }
  assert.throws(() => checkTarget({ year: "2026-27", target: "50", tolerance: "0x2" }, pct), /The tolerance "0x2" is not a plain number/);
  assert.throws(() => checkTarget({ year: "2026-27", target: " ", tolerance: "0" }, pct), /The target must be a number\./);
  assert.deepEqual(checkTarget({ year: " 2026-27 ", target: " 16 ", tolerance: "+2.5" }, pct), { year: "2026-27", target: 16, tolerance: 2.5 });
  // The typed text is what a message echoes.
  assert.throws(() => checkTarget({ year: "2026-27", target: "99999999999999999999", tolerance: "0" }, "count"), /The target 99999999999999999999 is too large/);
});

test("a count's target is a whole number; an average (caseload), a rate or a percentage need not be", () => {
  const lib = indicatorLibrary();
  assert.throws(() => checkTarget({ year: "2026-27", target: "12.5", tolerance: "0" }, lib.get("contacts")!), (e: LanternError) => {
    assert.equal(e.message, "The target 12.5 is not a whole number, and contacts is a count.");
    assert.equal(e.hint, "Write a whole number of at least 0, such as 120.");
    return true;
  });
  assert.throws(() => checkTarget({ year: "2026-27", target: "12", tolerance: "0.5" }, lib.get("contacts")!), /The tolerance 0.5 is not a whole number/);
  assert.equal(checkTarget({ year: "2026-27", target: "12.0", tolerance: "0" }, lib.get("contacts")!).target, 12);
  assert.equal(checkTarget({ year: "2026-27", target: "15.5", tolerance: "0.5" }, lib.get("sw_caseload")!).target, 15.5);
  assert.equal(checkTarget({ year: "2026-27", target: "85.5", tolerance: "0" }, lib.get("referral_to_assessment_pct")!).target, 85.5);
  // Without the indicator, nothing unit-specific is assumed.
  assert.equal(checkTarget({ year: "2026-27", target: 12.5, tolerance: 0 }).target, 12.5);
});

test("targets.csv with the registry: a calendar year on a financial-year indicator, a hexadecimal target and a fractional count are located and refused", () => {
  const lib = indicatorLibrary();
  const { targets, issues } = parseTargets(
    "indicator,year,target,tolerance\nreferral_to_assessment_pct,2025,90,2\nehcp_20wk_pct,2025,60,5\nreferral_to_assessment_pct,2026-27,0x10,0\ncontacts,2026-27,12.5,\ncontacts,2025-26,1200,50\nreferral_to_assessment_pct,2025-26,90,1e1",
    "targets.csv",
    (id) => lib.get(id) !== undefined,
    (id) => lib.get(id),
  );
  assert.deepEqual(
    targets.map((t) => [t.indicator, t.year, t.target, t.tolerance]),
    [
      ["ehcp_20wk_pct", "2025", 60, 5],
      ["contacts", "2025-26", 1200, 50],
    ],
  );
  assert.deepEqual(
    issues.map((i) => [i.code, i.row, i.column, i.value]),
    [
      ["TARGETS_VALUE_INVALID", 2, "year", "2025"],
      ["TARGETS_VALUE_INVALID", 4, "target", "0x10"],
      ["TARGETS_VALUE_INVALID", 5, "target", "12.5"],
      ["TARGETS_VALUE_INVALID", 7, "tolerance", "1e1"],
    ],
  );
  assert.match(issues[0]!.message, /is measured by financial year/);
  assert.match(issues[0]!.expected!, /a financial year such as 2025-26/);
});

test("a targets file that is not well-formed CSV says why, at its row", () => {
  const known = () => true;
  const stray = parseTargets('indicator,year,target,tolerance\nassess_45wd_pct,2024-25,9"0,3\n', "targets.csv", known).issues;
  assert.deepEqual(
    stray.map((i) => [i.code, i.row]),
    [["TARGETS_CSV_MALFORMED", 2]],
  );
  assert.match(stray[0]!.message, /^targets\.csv is not well-formed CSV: row 2, field 3, has a quote \("\) inside a value that does not begin with one/);
  const wide = parseTargets("indicator,year,target,tolerance\nassess_45wd_pct,2024-25,90,3,higher,x\n", "targets.csv", known).issues;
  assert.match(wide[0]!.message, /^targets\.csv is not well-formed CSV: row 2 has 6 fields where the header has 4/);
});

test("targets.csv: a CSV problem after a value holding a CRLF is located at the line a person counts", () => {
  const known = (id: string) => id === "assess_45wd_pct";
  const { issues } = parseTargets('indicator,year,target,tolerance,note\r\nassess_45wd_pct,2024-25,90,5,"two\r\nlines"\r\nassess_45wd_pct,2025-26,9"0,5,x\r\n', "targets.csv", known);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.deepEqual([issues[0]!.code, issues[0]!.row], ["TARGETS_CSV_MALFORMED", 4]);
  assert.match(issues[0]!.message, /row 4/);
});

test("targets.csv with mixed line endings (CRLF, one line ending in LF only) is read row by row, each row at its own number", () => {
  const known = (id: string) => ["assess_45wd_pct", "rereferral_pct"].includes(id);
  const { targets, issues } = parseTargets("indicator,year,target,tolerance\r\nassess_45wd_pct,2024-25,90,5\nrereferral_pct,2024-25,20,2\r\nnope,2024-25,1,1\r\n", "targets.csv", known);
  assert.deepEqual(
    targets.map((t) => [t.indicator, t.year, t.target]),
    [
      ["assess_45wd_pct", "2024-25", 90],
      ["rereferral_pct", "2024-25", 20],
    ],
  );
  assert.deepEqual(
    issues.map((i) => [i.code, i.row, i.column]),
    [["TARGETS_VALUE_INVALID", 4, "indicator"]],
  );
});

test("targets.csv: rows of empty cells (',,,' as Excel leaves) are skipped, and the rows after one keep their own numbers", () => {
  const known = (id: string) => id === "assess_45wd_pct";
  const { targets, issues } = parseTargets("indicator,year,target,tolerance\nassess_45wd_pct,2024-25,90,5\n,,,\n\nnope,2024-25,1,1\n,,,\n,,,\n", "targets.csv", known);
  assert.deepEqual(
    targets.map((t) => [t.indicator, t.year]),
    [["assess_45wd_pct", "2024-25"]],
  );
  assert.deepEqual(
    issues.map((i) => [i.code, i.row, i.column]),
    [["TARGETS_VALUE_INVALID", 5, "indicator"]],
  );
});

test("a yearly target for a count of events is judged pro rata over a month or quarter; percentages and stocks as set", () => {
  const targets = [
    { indicator: "referrals", year: "2025-26", target: 700, tolerance: 60, polarity: "lower" as const },
    { indicator: "rereferral_pct", year: "2025-26", target: 20, tolerance: 1 },
    { indicator: "cla_at_end", year: "2025-26", target: 400, tolerance: 10 },
  ];
  const flow = { unit: "count", measure: "flow" } as const;
  assert.deepEqual(
    ["2025-09", "2025-26-Q1", "2025-26", "12m-2026-03"].map((p) => {
      const t = targetFor(targets, "referrals", p, flow)!;
      return [p, t.target, t.tolerance];
    }),
    [
      ["2025-09", 700 * (1 / 12), 5],
      ["2025-26-Q1", 175, 15],
      ["2025-26", 700, 60],
      ["12m-2026-03", 700, 60],
    ],
  );
  // 290 referrals in a quarter is red against a quarter of 700 (175, amber to 190), not green against 700.
  assert.equal(rag(290, targetFor(targets, "referrals", "2025-26-Q1", flow)!, "lower"), "red");
  assert.equal(targetFor(targets, "rereferral_pct", "2025-09", { unit: "percent", measure: "flow" })!.target, 20);
  assert.equal(targetFor(targets, "cla_at_end", "2025-09", { unit: "count", measure: "snapshot" })!.target, 400);
  assert.equal(targetFor(targets, "referrals", "2025-09")!.target, 700, "without the definition, as set");
});

test("a year's target does not judge a month or quarter of the share of children with an episode at any time in it (who went missing): no RAG, with the reason", () => {
  const lib = indicatorLibrary();
  const missing = lib.get("cla_missing_pct")!;
  const targets = [
    { indicator: "cla_missing_pct", year: "2025-26", target: 10, tolerance: 2, polarity: "lower" as const },
    { indicator: "cla_away_pct", year: "2025-26", target: 5, tolerance: 1 },
    { indicator: "assess_45wd_pct", year: "2025-26", target: 90, tolerance: 5 },
  ];
  // A month's 3.6% of children looked after who went missing is not green against a year's 10%.
  for (const p of ["2025-09", "2025-26-Q2"]) {
    const g = goalFor(targets, missing, p);
    assert.equal(g.target, undefined, p);
    assert.equal(targetFor(targets, "cla_missing_pct", p, missing), undefined, p);
    assert.equal(g.polarity, "lower", `${p}: the row's polarity still reads the direction of travel`);
    const kind = p.includes("Q") ? "quarter" : "month";
    assert.equal(
      g.unjudged,
      `the target (10.0% for 2025-26) is for a whole year: the share of children with an episode at any time in a ${kind} is smaller than a year's, by no fixed fraction, so only a whole year (2025-26, or the twelve months to one of its months) is judged against it`,
    );
  }
  // A whole year, and the twelve months to a month, are judged against it as set.
  for (const p of ["2025-26", "12m-2025-09"]) {
    const g = goalFor(targets, missing, p);
    assert.equal(g.target?.target, 10, p);
    assert.equal(g.unjudged, null, p);
    assert.equal(rag(21.5, g.target!, g.polarity), "red", p);
  }
  assert.equal(goalFor(targets, lib.get("cla_away_pct")!, "2025-09").target, undefined);
  // A percentage of events done on time, and a stock, stand as set for a month; with no target there is no reason either.
  assert.deepEqual(goalFor(targets, lib.get("assess_45wd_pct")!, "2025-09"), { target: targets[2], polarity: "higher", unjudged: null });
  assert.deepEqual(goalFor(targets, lib.get("cla_at_end")!, "2025-09"), { target: undefined, polarity: "none", unjudged: null });
  // Every indicator that grows with its period is a flow, and no count or rate (those are pro rata).
  for (const d of lib.list().filter((x) => x.growsWithPeriod)) assert.ok(d.measure === "flow" && d.unit === "percent", d.id);
});

test("no direction of travel across a recording change that falls after the earlier period began and by the later one's end", () => {
  const q1 = { start: "2025-04-01", end: "2025-06-30" };
  const q2 = { start: "2025-07-01", end: "2025-09-30" };
  const periods = { later: q2, earlier: q1 };
  assert.equal(travel(10, 8, "higher", periods, []), "improving");
  assert.equal(travel(10, 8, "higher", periods, ["2025-05-01"]), "not comparable", "inside the earlier quarter");
  assert.equal(travel(10, 8, "higher", periods, ["2025-07-01"]), "not comparable", "on the later quarter's first day");
  assert.equal(travel(10, 8, "higher", periods, ["2025-09-30"]), "not comparable", "on the later quarter's last day");
  assert.equal(travel(10, 8, "higher", periods, ["2025-04-01"]), "improving", "on the earlier quarter's first day: both follow it");
  assert.equal(travel(10, 8, "higher", periods, ["2025-10-01", "2024-01-01"]), "improving", "after the later quarter, or long before");
  assert.equal(travel(10, null, "higher", periods, ["2025-05-01"]), null, "nothing to compare");
});

test("a figure taken on a day is compared across a recording change only when the change falls between the two days", () => {
  // Children in care on 30 June and 30 September 2025, the police's (or the system's) change from
  // 1 May: both counts were taken after it, so they are measured alike.
  const q1 = parsePeriod("2025-26-Q1")!;
  const q2 = parsePeriod("2025-26-Q2")!;
  assert.equal(travel(410, 400, "none", { later: q2, earlier: q1 }, ["2025-05-01"], true), "up", "both days after the change");
  assert.equal(travel(410, 400, "none", { later: q2, earlier: q1 }, ["2025-05-01"]), "not comparable", "a count over Q1 mixes both ways of recording");
  assert.equal(travel(410, 400, "none", { later: q2, earlier: q1 }, ["2025-06-30"], true), "up", "the change took effect on the earlier day");
  assert.equal(travel(410, 400, "none", { later: q2, earlier: q1 }, ["2025-07-01"], true), "not comparable", "between the two days");
  assert.equal(travel(410, 400, "none", { later: q2, earlier: q1 }, ["2025-09-30"], true), "not comparable", "on the later day");
  // The same quarter a year before: its day (30 September 2024) is before the change.
  assert.equal(travel(410, 400, "none", { later: q2, earlier: parsePeriod("2024-25-Q2")! }, ["2025-05-01"], true), "not comparable");
});

test("the same indicator and year twice in targets.csv is refused naming the row of the first as well as the second", () => {
  const { targets, issues } = parseTargets("indicator,year,target,tolerance\nreferrals,2024-25,700,50\nassess_45wd_pct,2024-25,90,3\nreferrals,2024-25,650,50\n", "targets.csv", () => true, () => "count");
  assert.deepEqual(targets.map((t) => `${t.indicator} ${t.target}`), ["referrals 700", "assess_45wd_pct 90"]);
  assert.deepEqual(issues.map((i) => [i.code, i.file, i.row, i.column, i.value]), [["TARGETS_VALUE_INVALID", "targets.csv", 4, "year", "2024-25"]]);
  assert.equal(issues[0]!.message, "referrals already has a target for 2024-25: first on row 2, again on row 4.");
  assert.match(issues[0]!.expected!, /already on row 2/);
});

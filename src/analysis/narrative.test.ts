import assert from "node:assert/strict";
import { test } from "node:test";
import { describeLatest, describePeriod, renderSentence } from "./narrative.ts";
import { parsePeriod } from "../calendar/periods.ts";
import { comparable, sinceLastHidden, yearlyAverages, yearlyAveragesHiding, yearlyBreakNote } from "./trends.ts";

const contacts = { noun: "contacts", title: "Contacts", unit: "count", polarity: "none" } as const;
const referrals = { noun: "referrals", title: "Referrals", unit: "count", polarity: "none" } as const;

test("the seeds' contacts: highest on record and 58% more than in 2020-21", () => {
  // Minutes: "8401 contacts being the highest on record and a 58% increase from 2020/21".
  const s = describeLatest(contacts, [
    { period: "2020-21", value: 5317 },
    { period: "2021-22", value: 6120 },
    { period: "2022-23", value: 7790 },
    { period: "2023-24", value: 8401 },
  ]);
  assert.equal(s!.text, "8,401 contacts in 2023-24, the highest on record and 58% more than in 2020-21.");
  assert.deepEqual(s!.caveats, []);
});

test("a figure taken on a day (a stock at the year's end) is 'on' the day, 'than on' another, never 'in' a year", () => {
  // Without `label` the period ids stand; the callers name each by its day (below).
  const cla = { noun: "children looked after", title: "Children looked after", unit: "count", polarity: "none" } as const;
  const rising = describeLatest(cla, [{ period: "2023-24", value: 340 }, { period: "2024-25", value: 358 }], { on: true });
  assert.equal(rising!.text, "358 children looked after on 2024-25, 5% more than on 2023-24.");
  const record = describeLatest(cla, [{ period: "2022-23", value: 300 }, { period: "2023-24", value: 340 }, { period: "2024-25", value: 358 }], { on: true });
  assert.equal(record!.text, "358 children looked after on 2024-25, the highest on record and 19% more than on 2022-23.");
  const day = (id: string) => `31 March 20${id.slice(-2)}`;
  const named = describeLatest(cla, [{ period: "2023-24", value: 340 }, { period: "2024-25", value: 358 }], { on: true, label: day });
  assert.equal(named!.text, "358 children looked after on 31 March 2025, 5% more than on 31 March 2024.");
});

test("a series that leaves out earlier years held (withheld from a public paper) claims a record of the years shown, never one on record", () => {
  const s = describeLatest(
    contacts,
    [
      { period: "2021-22", value: 6120 },
      { period: "2022-23", value: 7790 },
      { period: "2023-24", value: 8401 },
    ],
    { earlierWithheld: true },
  );
  assert.equal(s!.text, "8,401 contacts in 2023-24, the highest of the years shown and 37% more than in 2021-22.");
});

test("the seeds' referrals: fewer than in 2022-23 but 49% more than in 2021-22", () => {
  // Minutes: "768 referrals reported were a reduction from 2022/23 figures (but still a 49% increase on 2021/22)".
  const s = describeLatest(referrals, [
    { period: "2021-22", value: 515 },
    { period: "2022-23", value: 812 },
    { period: "2023-24", value: 768 },
  ]);
  assert.equal(s!.text, "768 referrals in 2023-24, fewer than in 2022-23 but 49% more than in 2021-22.");
});

test("percentages compare in percentage points and say which way is better", () => {
  // Minutes: "timeliness on assessments is showing improvements with 95% meeting targets".
  const s = describeLatest({ noun: "assessments", title: "Assessments completed within 45 working days", unit: "percent", polarity: "higher" }, [
    { period: "2021-22", value: 97.0, numerator: 582, denominator: 600 },
    { period: "2022-23", value: 90.0, numerator: 585, denominator: 650 },
    { period: "2023-24", value: 91.0, numerator: 637, denominator: 700 },
    { period: "2024-25", value: 95.0, numerator: 665, denominator: 700 },
  ]);
  assert.equal(s!.text, "Assessments completed within 45 working days: 95.0% in 2024-25, 4.0 percentage points higher than in 2023-24 (an improvement).");
});

test("caveats: small numbers, common-cause variation, provisional limits, series breaks", () => {
  // Minutes: "one social worker had progressed ... a significant impact on statistics as the numbers were very small".
  const small = describeLatest({ noun: "children", title: "Children in care with more than one social worker", unit: "percent", polarity: "lower" }, [
    { period: "2023-24", value: 20, numerator: 1, denominator: 5 },
    { period: "2024-25", value: 50, numerator: 3, denominator: 6 },
  ], { spc: { variation: "common_cause", trial: true } });
  assert.match(renderSentence(small!), /\(Based on 6 children or records, so small changes move it a lot; the control limits are provisional because there are fewer than 13 points; the change is within the normal variation/);
  // Minutes: "the change in the way the Police recorded data had impacted on these figures".
  const missing = { noun: "missing episodes", title: "Missing episodes", unit: "count", polarity: "none" } as const;
  const series = [
    { period: "2021-22", value: 300 },
    { period: "2022-23", value: 310 },
    { period: "2023-24", value: 520 },
    { period: "2024-25", value: 540 },
  ];
  const breaks = [{ date: "2023-04-01", note: "police changed how missing episodes are recorded" }];
  assert.deepEqual(comparable(series, breaks).map((p) => p.period), ["2023-24", "2024-25"]);
  const s = describeLatest(missing, series, { breaks });
  assert.equal(s!.text, "540 missing episodes in 2024-25, 4% more than in 2023-24.", "no record claim across the break");
  assert.match(s!.caveats.join(" "), /not compared with years before the recording change of 2023-04-01 \(police changed/);
});

test("yearly averages are the mean of a financial year's monthly values", () => {
  // Minutes: "He suggested including yearly averages in the report".
  const monthly = [
    ...Array.from({ length: 12 }, (_, i) => ({ period: `${i < 9 ? 2023 : 2024}-${String(((i + 3) % 12) + 1).padStart(2, "0")}`, value: 40 + i })),
    { period: "2024-04", value: 60 },
    { period: "2024-05", value: null },
  ];
  assert.deepEqual(yearlyAverages(monthly), [
    { year: "2023-24", mean: 45.5, months: 12 },
    { year: "2024-25", mean: 60, months: 1 },
  ]);
  // A year is marked hidden when any of its months is, even one without a value.
  assert.deepEqual(
    yearlyAveragesHiding(monthly, (p) => p === "2024-05").map((y) => [y.year, y.hidden]),
    [
      ["2023-24", false],
      ["2024-25", true],
    ],
  );
});

test("yearly averages across a recording change say that the years before it are not comparable with those after, and which year mixes the two", () => {
  // Minutes: "Data suggested that there had been more missing children episodes, however the change in the way the Police recorded data had impacted on these figures."
  const police = { date: "2026-08-01", note: "Police changed how missing episodes are recorded" };
  const years = ["2023-24", "2024-25", "2025-26", "2026-27"];
  assert.equal(
    yearlyBreakNote(years, [police], "2026-09-30"),
    "A recording change on 2026-08-01 (Police changed how missing episodes are recorded) breaks this series: the averages of years before it are not comparable with those after it, and 2026-27's mixes figures recorded before and after it.",
  );
  // On a year's first day, no year mixes the two.
  assert.equal(
    yearlyBreakNote(years, [{ date: "2025-04-01", note: "New case system" }], "2026-09-30"),
    "A recording change on 2025-04-01 (New case system) breaks this series: the averages of years before it are not comparable with those after it.",
  );
  // Before the first year shown, or after the last day averaged, it breaks nothing shown.
  assert.equal(yearlyBreakNote(years, [{ date: "2023-04-01", note: "x" }, { date: "2022-06-01", note: "y" }, { date: "2026-10-01", note: "z" }], "2026-09-30"), null);
  assert.equal(yearlyBreakNote([], [police], "2026-09-30"), null);
});

test("beside a quarter, yearly averages are of the quarterly values (months, years and rolling years left out); beside a year, each year's own", () => {
  const points = [
    { period: "2023-24-Q1", value: 10 },
    { period: "2023-24-Q2", value: 20 },
    { period: "2023-24-Q3", value: 30 },
    { period: "2023-24-Q4", value: 40 },
    { period: "2024-25-Q1", value: 50 },
    { period: "2024-04", value: 1000 },
    { period: "2023-24", value: 999 },
    { period: "12m-2024-03", value: 998 },
  ];
  assert.deepEqual(yearlyAverages(points, "quarter"), [
    { year: "2023-24", mean: 25, months: 4 },
    { year: "2024-25", mean: 50, months: 1 },
  ]);
  assert.deepEqual(yearlyAverages(points, "year"), [{ year: "2023-24", mean: 999, months: 1 }]);
  assert.deepEqual(
    yearlyAveragesHiding(points, (p) => p === "2023-24-Q3", "quarter").map((y) => [y.year, y.hidden]),
    [
      ["2023-24", true],
      ["2024-25", false],
    ],
  );
});

test("a series as a viewer who may not see every figure charts it: the points after the last hidden one", () => {
  const months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"];
  assert.deepEqual(sinceLastHidden(months, (m) => m === "2024-02" || m === "2024-03"), ["2024-04", "2024-05"]);
  assert.deepEqual(sinceLastHidden(months, () => false), months);
  assert.deepEqual(sinceLastHidden(months, (m) => m === "2024-05"), []);
});

test("the verdict sits beside the comparison it judges, and a change that rounds away is no change", () => {
  // QA: "…higher than in 2024-25 but 6.1 percentage points lower than in 2023-24 (an improvement)".
  const eet = { noun: "care leavers", title: "Care leavers in education, employment or training", unit: "percent", polarity: "higher" } as const;
  const s = describeLatest(eet, [
    { period: "2023-24", value: 62.5 },
    { period: "2024-25", value: 55.4 },
    { period: "2025-26", value: 56.4 },
  ]);
  assert.equal(s!.text, "Care leavers in education, employment or training: 56.4% in 2025-26, higher than in 2024-25 (an improvement) but 6.1 percentage points lower than in 2023-24.");
  const moves = { noun: "children", title: "Children in care with three or more placements", unit: "percent", polarity: "lower" } as const;
  // 10.22 against 10.20 two years before shows as the same to one decimal place: no "but", no "0.0 percentage points higher".
  const same = describeLatest(moves, [
    { period: "2023-24", value: 10.2 },
    { period: "2024-25", value: 11.08 },
    { period: "2025-26", value: 10.22 },
  ]);
  assert.equal(same!.text, "Children in care with three or more placements: 10.2% in 2025-26, 0.9 percentage points lower than in 2024-25 (an improvement).");
  const flat = describeLatest(moves, [
    { period: "2024-25", value: 10.21 },
    { period: "2025-26", value: 10.23 },
  ], { spc: { variation: "common_cause", trial: false } });
  assert.equal(flat!.text, "Children in care with three or more placements: 10.2% in 2025-26, the same as in 2024-25.");
  assert.deepEqual(flat!.caveats, [], "no 'within normal variation' caveat for a change nobody can see");
  const slight = describeLatest(contacts, [
    { period: "2024-25", value: 8400 },
    { period: "2025-26", value: 8401 },
  ]);
  assert.equal(slight!.text, "8,401 contacts in 2025-26, slightly more than in 2024-25.");
});

test("a series of one time of year claims a record for that time of year only", () => {
  // QA: "2,512 contacts in Q2 2025-26, the highest on record" while Q1 held 2,691.
  const s = describeLatest(contacts, [
    { period: "2023-24-Q2", value: 2100 },
    { period: "2024-25-Q2", value: 2300 },
    { period: "2025-26-Q2", value: 2512 },
  ], { timeOfYear: "Q2" });
  assert.equal(s!.text, "2,512 contacts in 2025-26-Q2, the highest on record for Q2 and 20% more than in 2023-24-Q2.");
});

const assess = { noun: "assessments completed within 45 working days", title: "Assessments completed within 45 working days", unit: "percent", polarity: "higher" } as const;

test("a record after a recording change is a record since the change, never 'on record'", () => {
  // QA: "86.8% in Q2 2025-26 … the highest on record for Q2" while Q2 2021-22, before a
  // recording change, was 87.6%.
  const series = [
    { period: "2020-21-Q2", value: 80.1 },
    { period: "2021-22-Q2", value: 87.6 },
    { period: "2022-23-Q2", value: 81.0 },
    { period: "2023-24-Q2", value: 82.5 },
    { period: "2024-25-Q2", value: 84.0 },
    { period: "2025-26-Q2", value: 86.8 },
  ];
  const breaks = [{ date: "2022-04-01", note: "new assessment recording" }];
  const s = describeLatest(assess, series, { breaks, timeOfYear: "Q2" });
  assert.doesNotMatch(s!.text, /on record/);
  assert.equal(s!.text, "Assessments completed within 45 working days: 86.8% in 2025-26-Q2, the highest for Q2 since the recording change of 2022-04-01 and 5.8 percentage points higher than in 2022-23-Q2 (an improvement).");
  // Without the break it would be no record at all (2021-22 was higher).
  assert.doesNotMatch(describeLatest(assess, series, { timeOfYear: "Q2" })!.text, /highest/);
});

test("a tie, as shown, is not a record", () => {
  // QA: "Plans ending after 2 years or more: 0.0% … the lowest on record for Q2" when Q2 2020-21 was 0.0% too.
  const plans = { noun: "plans", title: "Plans ending after 2 years or more", unit: "percent", polarity: "lower" } as const;
  const shownTie = [
    { period: "2020-21-Q2", value: 0.04 },
    { period: "2021-22-Q2", value: 3.2 },
    { period: "2022-23-Q2", value: 5.0 },
    { period: "2023-24-Q2", value: 2.1 },
    { period: "2024-25-Q2", value: 1.5 },
    { period: "2025-26-Q2", value: 0 },
  ];
  assert.doesNotMatch(describeLatest(plans, shownTie, { timeOfYear: "Q2" })!.text, /lowest|highest/);
  const exactTie = shownTie.map((p, i) => (i === 0 ? { ...p, value: 0 } : p));
  assert.doesNotMatch(describeLatest(plans, exactTie, { timeOfYear: "Q2" })!.text, /lowest|highest/);
  // A count tied with an earlier year is no record either.
  const tiedCount = describeLatest(contacts, [
    { period: "2021-22", value: 8401 },
    { period: "2022-23", value: 7790 },
    { period: "2023-24", value: 8401 },
  ]);
  assert.doesNotMatch(tiedCount!.text, /highest/);
});

test("a comparison with a figure on a small base says so, whichever figure it is compared with", () => {
  // A review found "45.5 percentage points lower than in Q2 2023-24" where Q2 2023-24 was 2 out of 2.
  const pct = { noun: "plans", title: "Plans for a second or subsequent time", unit: "percent", polarity: "lower" } as const;
  const s = describeLatest(pct, [
    { period: "2023-24-Q2", value: 100, numerator: 2, denominator: 2 },
    { period: "2024-25-Q2", value: 60, numerator: 30, denominator: 50 },
    { period: "2025-26-Q2", value: 54.5, numerator: 24, denominator: 44 },
  ], { label: (id) => `Q${id.slice(-1)} ${id.slice(0, 7)}` });
  assert.match(s!.text, /lower than in Q2 2023-24/);
  assert.deepEqual(s!.caveats, ["the figure in Q2 2023-24 it is compared with is based on 2 children or records, so the comparison rests on small numbers"]);
  assert.equal(s!.weight, 1, "not among the most newsworthy");
  // The year before, on its own, on a small base: the same caveat for it.
  const prev = describeLatest(pct, [
    { period: "2024-25-Q2", value: 80, numerator: 4, denominator: 5 },
    { period: "2025-26-Q2", value: 54.5, numerator: 24, denominator: 44 },
  ], { label: (id) => `Q${id.slice(-1)} ${id.slice(0, 7)}` });
  assert.match(prev!.caveats.join(" "), /^the figure in Q2 2024-25 it is compared with is based on 5 children/);
  // Both bases large: no caveat.
  assert.deepEqual(describeLatest(pct, [{ period: "2024-25", value: 60, numerator: 30, denominator: 50 }, { period: "2025-26", value: 50, numerator: 25, denominator: 50 }])!.caveats, []);
});

test("an indicator's title as a noun keeps its acronyms", async () => {
  const { nounOf } = await import("./narrative.ts");
  assert.equal(nounOf("New EHC plans issued"), "new EHC plans issued");
  assert.equal(nounOf("Unaccompanied asylum-seeking children looked after"), "unaccompanied asylum-seeking children looked after");
  assert.equal(nounOf("Requests for an EHC needs assessment"), "requests for an EHC needs assessment");
});

test("a rate per 10,000 rests on its count of events, not on the child population it is divided by", () => {
  // 4 children starting care in Q2 among 36,000 children (1.1 per 10,000) against 9 a year before
  // (2.5): "56% lower" is 5 children, and the rate's denominator (36,000) hid that.
  const rate = { noun: "children", title: "Children starting to be looked after per 10,000 children", unit: "rate", polarity: "none" } as const;
  const s = describeLatest(rate, [
    { period: "2024-25-Q2", value: 2.5, numerator: 9, denominator: 36000 },
    { period: "2025-26-Q2", value: 1.1, numerator: 4, denominator: 36000 },
  ]);
  assert.match(s!.text, /56% lower than in 2024-25-Q2/);
  assert.deepEqual(s!.caveats, [
    "based on 4 children or records, so small changes move it a lot",
    "the figure in 2024-25-Q2 it is compared with is based on 9 children or records, so the comparison rests on small numbers",
  ]);
  assert.equal(s!.weight, 1);
  // Many events: no caveat, however small the rate.
  assert.deepEqual(describeLatest(rate, [{ period: "2024-25", value: 25, numerator: 90, denominator: 36000 }, { period: "2025-26", value: 30, numerator: 108, denominator: 36000 }])!.caveats, []);
});

test("a period set beside the five years before it claims no record 'on record' when earlier years are held beyond them", () => {
  // Eight years held; the sentence looks back five. 2016-17 and 2017-18 were higher than 2023-24,
  // so "the highest on record" would be false: it is the highest of the years shown.
  const held: Record<string, number> = { "2016-17": 9000, "2017-18": 8800, "2018-19": 5000, "2019-20": 5200, "2020-21": 5317, "2021-22": 6120, "2022-23": 7790, "2023-24": 8401 };
  const figureOf = (id: string) => (id in held ? { period: id, value: held[id]! } : undefined);
  const { sentence } = describePeriod(contacts, parsePeriod("2023-24")!, figureOf);
  assert.equal(sentence!.text, "8,401 contacts in 2023-24, the highest of the years shown and 68% more than in 2018-19.");
  // Exactly the six years held: the record is on record.
  const six = (id: string) => (id >= "2018-19" ? figureOf(id) : undefined);
  assert.match(describePeriod(contacts, parsePeriod("2023-24")!, six).sentence!.text, /the highest on record and 68% more than in 2018-19/);
});

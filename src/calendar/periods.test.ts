import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dayNumber, isoDate } from "./dates.ts";
import { monthName, monthPeriod, monthsEndingWith, notAPeriod, parsePeriod, type Period, periodAsWritten, periodsWithin, populationYear, previousPeriod, samePeriodLastYear } from "./periods.ts";

function span(p: Period | undefined): [string, string, string] {
  assert.ok(p);
  return [p.kind, p.start, p.end];
}

test("period ids parse to the right dates", () => {
  assert.deepEqual(span(parsePeriod("2025-01")), ["month", "2025-01-01", "2025-01-31"]);
  assert.deepEqual(span(parsePeriod("2024-02")), ["month", "2024-02-01", "2024-02-29"]);
  assert.deepEqual(span(parsePeriod("2024-25-Q3")), ["quarter", "2024-10-01", "2024-12-31"]);
  assert.deepEqual(span(parsePeriod("2024-25-Q4")), ["quarter", "2025-01-01", "2025-03-31"]);
  assert.deepEqual(span(parsePeriod("2024-25-Q1")), ["quarter", "2024-04-01", "2024-06-30"]);
  assert.deepEqual(span(parsePeriod("2024-25")), ["year", "2024-04-01", "2025-03-31"]);
  assert.deepEqual(span(parsePeriod("12m-2025-01")), ["rolling", "2024-02-01", "2025-01-31"]);
  assert.deepEqual(span(parsePeriod("2024")), ["calendar", "2024-01-01", "2024-12-31"]);
  assert.equal(parsePeriod("2024-26"), undefined);
  assert.equal(parsePeriod("2024-13-Q1"), undefined);
  assert.equal(parsePeriod("2025-00"), undefined);
  assert.equal(parsePeriod("Q3"), undefined);
  assert.equal(parsePeriod("2024-25")!.label, "2024-25");
  assert.equal(parsePeriod("12m-2025-01")!.label, "12 months to January 2025");
});

test("population year: the rate for 2024-25 uses mid-2024", () => {
  assert.equal(populationYear(parsePeriod("2024-25")!), 2024);
  assert.equal(populationYear(parsePeriod("2025-02")!), 2024);
  assert.equal(populationYear(parsePeriod("2025-04")!), 2025);
  assert.equal(populationYear(parsePeriod("12m-2025-03")!), 2024);
  assert.equal(populationYear(parsePeriod("2024")!), 2023);
});

test("previous and same-period-last-year", () => {
  assert.equal(previousPeriod(parsePeriod("2025-01")!).id, "2024-12");
  assert.equal(previousPeriod(parsePeriod("2024-25-Q1")!).id, "2023-24-Q4");
  assert.equal(previousPeriod(parsePeriod("12m-2025-01")!).id, "12m-2024-12");
  assert.equal(previousPeriod(parsePeriod("2024-25")!).id, "2023-24");
  assert.equal(samePeriodLastYear(parsePeriod("2024-25-Q3")!).id, "2023-24-Q3");
  assert.equal(samePeriodLastYear(parsePeriod("12m-2025-01")!).id, "12m-2024-01");
});

test("periods tile time: months, quarters and years within a span cover each day once (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: dayNumber("2015-01-01"), max: dayNumber("2030-01-01") }), fc.integer({ min: 0, max: 1500 }), (a, len) => {
      const from = isoDate(a);
      const to = isoDate(a + len);
      for (const kind of ["month", "quarter", "year", "calendar"] as const) {
        const ps = periodsWithin(from, to, [kind]);
        for (let i = 0; i < ps.length; i++) {
          const p = ps[i]!;
          assert.ok(p.start >= from && p.end <= to, `${p.id} within ${from}..${to}`);
          assert.deepEqual(parsePeriod(p.id), p, "the id round-trips");
          if (i > 0) assert.equal(dayNumber(p.start), dayNumber(ps[i - 1]!.end) + 1, "contiguous");
        }
      }
      for (const p of periodsWithin(from, to, ["rolling"])) {
        assert.deepEqual(parsePeriod(p.id), p);
        assert.equal(previousPeriod(samePeriodLastYear(p)).id, samePeriodLastYear(previousPeriod(p)).id);
      }
    }),
    { numRuns: 200 },
  );
});

test("monthsEndingWith gives the n months to the one a period ends in, oldest first, one after another", () => {
  assert.deepEqual(monthsEndingWith(parsePeriod("2025-26-Q2")!, 3).map((m) => m.id), ["2025-07", "2025-08", "2025-09"]);
  assert.deepEqual(monthsEndingWith(parsePeriod("2024-25")!, 2).map((m) => m.id), ["2025-02", "2025-03"]);
  assert.deepEqual(monthsEndingWith(parsePeriod("2025-01")!, 2).map((m) => m.id), ["2024-12", "2025-01"]);
  fc.assert(
    fc.property(fc.integer({ min: 2000, max: 2040 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 60 }), (y, m, n) => {
      const months = monthsEndingWith(monthPeriod(y, m), n);
      assert.equal(months.length, n);
      if (n) assert.equal(months.at(-1)!.id, monthPeriod(y, m).id);
      for (let i = 1; i < n; i++) assert.equal(previousPeriod(months[i]!).id, months[i - 1]!.id);
      assert.ok(months.every((x) => x.kind === "month"));
    }),
  );
});

test("monthName names the month a date falls in, as month labels do", () => {
  assert.equal(monthName("2025-09-30"), "September");
  assert.equal(monthName("2026-01-01"), "January");
  assert.equal(`${monthName("2025-01-15")} 2025`, monthPeriod(2025, 1).label);
});

test("a period written as people write it is named as Lantern writes it, never taken; anything else, and a period already well written, gives nothing", () => {
  const cases: [string, string | undefined][] = [
    ["2024/25", "2024-25"],
    ["2024-2025", "2024-25"],
    ["FY 2024/25", "2024-25"],
    ["Q3 2024-25", "2024-25-Q3"],
    ["2024/25 Q2", "2024-25-Q2"],
    ["2024-25-q3", "2024-25-Q3"],
    ["2024-25Q4", "2024-25-Q4"],
    ["Jan 2025", "2025-01"],
    ["january 2025", "2025-01"],
    ["Sept 2025", "2025-09"],
    ["Mar-2025", "2025-03"],
    ["2025-1", "2025-01"],
    ["01/2025", "2025-01"],
    ["12M-2025-01", "12m-2025-01"],
    ["2024/26", undefined],
    ["Q5 2024-25", undefined],
    ["Jnu 2025", undefined],
    ["2025-13", undefined],
    ["bogus", undefined],
    ["2024-25", undefined],
  ];
  for (const [text, id] of cases) assert.equal(periodAsWritten(text), id, text);
  assert.equal(notAPeriod("--period 2024/25", "2024/25"), "--period 2024/25 is not a period: Lantern writes that period 2024-25.");
  assert.equal(notAPeriod("--period bogus", "bogus"), "--period bogus is not a period.");
});

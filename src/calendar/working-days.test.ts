import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dayNumber, isoDate, weekday } from "./dates.ts";
import { defaultCalendar, loadBankHolidays } from "./working-days.ts";

const cal = defaultCalendar();
const hol = new Set(loadBankHolidays());

test("worked examples from indicators.md §2", () => {
  assert.equal(isoDate(cal.add(dayNumber("2024-12-02"), 45)), "2025-02-06");
  assert.equal(isoDate(cal.add(dayNumber("2024-12-20"), 45)), "2025-02-26");
  assert.equal(isoDate(cal.add(dayNumber("2025-04-16"), 15)), "2025-05-12");
  assert.equal(isoDate(cal.add(dayNumber("2025-03-03"), 45)), "2025-05-08");
});

test("same day is 0 working days; Friday to Monday is 1", () => {
  const d = dayNumber("2025-01-15");
  assert.equal(cal.between(d, d), 0);
  assert.equal(cal.between(dayNumber("2025-01-17"), dayNumber("2025-01-20")), 1);
  assert.equal(cal.between(dayNumber("2025-12-24"), dayNumber("2025-12-29")), 1);
});

test("between agrees with a day-by-day count (property)", () => {
  const lo = dayNumber("2018-01-01");
  const hi = dayNumber("2027-12-31");
  fc.assert(
    fc.property(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 400 }), (start, len) => {
      const end = Math.min(start + len, hi);
      let n = 0;
      for (let d = start + 1; d <= end; d++) {
        const w = weekday(d);
        if (w !== 0 && w !== 6 && !hol.has(isoDate(d))) n++;
      }
      assert.equal(cal.between(start, end), n);
      if (n > 0) assert.equal(cal.between(start, cal.add(start, n)), n);
    }),
    { numRuns: 500 },
  );
});

test("weekday: 2025-01-01 was a Wednesday", () => {
  assert.equal(weekday(dayNumber("2025-01-01")), 3);
  assert.throws(() => dayNumber("2025-02-29"), /not a calendar date/);
});

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { dayNumber, isoDate, weekday } from "./dates.ts";
import { isLanternError } from "../core/errors.ts";
import { tempDir } from "../../test/fixtures.ts";
import { defaultCalendar, loadBankHolidays, parseBankHolidays, WorkingDayCalendar } from "./working-days.ts";

const cal = defaultCalendar();
const hol = new Set(loadBankHolidays());

test("worked examples from indicators.md §2", () => {
  assert.equal(isoDate(cal.add(dayNumber("2024-12-02"), 45)), "2025-02-06");
  assert.equal(isoDate(cal.add(dayNumber("2024-12-20"), 45)), "2025-02-26");
  assert.equal(isoDate(cal.add(dayNumber("2025-04-16"), 15)), "2025-05-12");
  assert.equal(isoDate(cal.add(dayNumber("2025-03-03"), 45)), "2025-05-08");
});

test("the shipped bank holidays reach back to 2013, where Lantern's periods start", () => {
  // England and Wales, 2013 to 2017 (GOV.UK; checked against python-holidays' UK/ENG list), weekdays only.
  const early = [
    "2013-01-01", "2013-03-29", "2013-04-01", "2013-05-06", "2013-05-27", "2013-08-26", "2013-12-25", "2013-12-26",
    "2014-01-01", "2014-04-18", "2014-04-21", "2014-05-05", "2014-05-26", "2014-08-25", "2014-12-25", "2014-12-26",
    "2015-01-01", "2015-04-03", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31", "2015-12-25", "2015-12-28",
    "2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29", "2016-12-26", "2016-12-27",
    "2017-01-02", "2017-04-14", "2017-04-17", "2017-05-01", "2017-05-29", "2017-08-28", "2017-12-25", "2017-12-26",
  ];
  assert.deepEqual([...hol].filter((d) => d < "2018-01-01"), early);
  for (const d of early) assert.equal(cal.isWorkingDay(dayNumber(d)), false, d);
  // Mon 19 December 2016 + 45 working days skips 26 and 27 December and 2 January.
  assert.equal(isoDate(cal.add(dayNumber("2016-12-19"), 45)), "2017-02-23");
  // Wed 5 April 2017 + 15 working days skips Good Friday and Easter Monday.
  assert.equal(isoDate(cal.add(dayNumber("2017-04-05"), 15)), "2017-04-28");
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

test("a user's bank holidays: ISO or DD/MM/YYYY, quoted or not, header optional; a line that is not a date is refused at its row", () => {
  assert.deepEqual(parseBankHolidays('date,name\n2028-01-03,New Year (substitute)\n"26/12/2028","Boxing Day"\n\n1/5/2028\tEarly May\n', "bank-holidays.csv"), [
    "2028-01-03",
    "2028-12-26",
    "2028-05-01",
  ]);
  assert.deepEqual(parseBankHolidays("\uFEFF2029-01-01,New Year's Day\n", "bank-holidays.csv"), ["2029-01-01"], "no header");
  let caught: unknown;
  try {
    parseBankHolidays("date,name\n2028-01-03,ok\n25-12-2028,Christmas\n31/04/2028,not a day\n46752,serial\n", "bank-holidays.csv");
  } catch (e) {
    caught = e;
  }
  assert.ok(isLanternError(caught));
  assert.equal(caught.code, "LANTERN_DATA_REJECTED");
  assert.match(caught.message, /^bank-holidays\.csv has 3 lines whose date Lantern cannot read \(row 3: "25-12-2028"; row 4: "31\/04\/2028"; row 5: "46752"\), so working days cannot be counted\./);
  assert.deepEqual(
    caught.issues.map((i) => [i.row, i.column, i.value]),
    [
      [3, "date", "25-12-2028"],
      [4, "date", "31/04/2028"],
      [5, "date", "46752"],
    ],
  );
  assert.match(caught.issues[2]!.message, /Excel date number/);
  assert.match(caught.hint ?? "", /YYYY-MM-DD or DD\/MM\/YYYY/);
});

test("a user's bank holidays saved from Excel as Unicode text (UTF-16) or Windows-1252, or with a time after each date, are read, where UTF-16 was refused showing dates that looked right", () => {
  const { dir, cleanup } = tempDir();
  try {
    const utf16 = join(dir, "utf16.csv");
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("date\tname\r\n03/01/2028\tNew Year (substitute)\r\n", "utf16le")]));
    const cp1252 = join(dir, "cp1252.csv");
    writeFileSync(cp1252, Buffer.from("date,name\r\n2028-06-05,F\xeate de la Reine\r\n", "latin1"));
    const extra = loadBankHolidays([utf16, cp1252]);
    assert.ok(extra.includes("2028-01-03") && extra.includes("2028-06-05"));
  } finally {
    cleanup();
  }
  // A time after the date (as Excel or Power Query writes a date-time), as every other reader allows.
  assert.deepEqual(parseBankHolidays("date,name\n2028-01-03T00:00:00,a\n2028-12-26 00:00:00,b\n01/05/2028 00:00,c\n", "bank-holidays.csv"), ["2028-01-03", "2028-12-26", "2028-05-01"]);
  // A time alone is still not a date.
  assert.throws(() => parseBankHolidays("date,name\n2028-01-03Tnonsense,a\n", "bank-holidays.csv"), /cannot read/);
});

test("a user's bank holiday counts as a holiday in working days", () => {
  const withExtra = new WorkingDayCalendar([...loadBankHolidays(), "2027-06-07"]);
  // Friday 4 June to Tuesday 8 June 2027: 2 working days, 1 when Monday 7 June is a holiday.
  assert.equal(cal.between(dayNumber("2027-06-04"), dayNumber("2027-06-08")), 2);
  assert.equal(withExtra.between(dayNumber("2027-06-04"), dayNumber("2027-06-08")), 1);
});

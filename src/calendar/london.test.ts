import assert from "node:assert/strict";
import { test } from "node:test";
import { londonDate, londonTime } from "./london.ts";

test("a moment in UK time: BST in summer, GMT in winter, and the day in England, not UTC's", () => {
  assert.equal(londonTime("2025-07-01T23:30:00.000Z"), "2025-07-02 00:30 UK time (BST)");
  assert.equal(londonTime("2025-01-01T23:30:00Z"), "2025-01-01 23:30 UK time (GMT)");
  assert.equal(londonDate("2025-07-01T23:30:00.000Z"), "2025-07-02", "00:30 BST on 2 July");
  assert.equal(londonDate("2025-01-01T23:30:00Z"), "2025-01-01");
  // The clocks go forward at 01:00 UTC on the last Sunday of March 2025 (30 March).
  assert.equal(londonTime("2025-03-30T00:59:00Z"), "2025-03-30 00:59 UK time (GMT)");
  assert.equal(londonTime("2025-03-30T01:00:00Z"), "2025-03-30 02:00 UK time (BST)");
  // Not a moment (an unknown load time): given back rather than thrown.
  assert.equal(londonTime(""), "");
  assert.equal(londonDate("2025-07-01"), "2025-07-01", "a bare date is midnight UTC, 01:00 BST: the same day");
  assert.equal(londonDate("not a time"), "not a time");
});

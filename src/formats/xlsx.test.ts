// Workbooks written by exceljs (as Lantern's Annex A export is) read back whole: exceljs's
// streaming reader loses the last zip entry of many of them, and exceljs writes xl/workbook.xml last.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import ExcelJS from "exceljs";
import { tempDir } from "../../test/fixtures.ts";
import { readXlsxRows } from "./xlsx.ts";

test("every row of every sheet of exceljs-written workbooks reads back, with dates as days", async () => {
  const t = tempDir();
  try {
    // Eight files: each has a new creation time in docProps/core.xml, so a different zip; before
    // the fallback about three in four failed with "Cannot read properties of undefined (reading 'sheets')".
    for (let k = 0; k < 8; k++) {
      const wb = new ExcelJS.Workbook();
      const expected: string[] = [];
      for (let i = 1; i <= 11; i++) {
        const ws = wb.addWorksheet(`List ${i}`);
        ws.addRow(["Child ID", "Date", "Count"]);
        expected.push(`List ${i}|1|Child ID,Date,Count`);
        for (let r = 0; r < (i === 1 ? 400 : 30); r++) {
          const day = 1 + (r % 28);
          ws.addRow([`C${i}-${r}`, new Date(Date.UTC(2024, 4, day)), r]);
          expected.push(`List ${i}|${r + 2}|C${i}-${r},2024-05-${String(day).padStart(2, "0")},${r}`);
        }
      }
      const path = join(t.dir, `w${k}.xlsx`);
      await wb.xlsx.writeFile(path);
      const got: string[] = [];
      for await (const row of readXlsxRows(path)) got.push(`${row.sheet}|${row.row}|${row.values.join(",")}`);
      assert.deepEqual(got, expected, `workbook ${k}`);
    }
  } finally {
    t.cleanup();
  }
});

// `lantern forecast` with nothing to forecast fails with the reason, in text and in JSON alike
// (an empty JSON list would read as a forecast of nothing); the documented list is unchanged
// when forecasts are made (test/forecast.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { main } from "../main.ts";

test("forecast with under 12 months of figures, or no data, is an error with the reason, also with --json", async () => {
  const t = tempDir();
  try {
    await (await openStore(storeConfig(t.dir, {}))).close();
    const empty = capture();
    assert.equal(await main(["forecast", "--json", "--data", t.dir], empty), 3);
    assert.match((JSON.parse(empty.stdout()) as { error: { code: string; message: string } }).error.message, /No data has been loaded yet/);
    // An empty store is refused as by every command that reads data (main.test); too short a series is this command's own.
    assert.equal((JSON.parse(empty.stdout()) as { error: { code: string } }).error.code, "LANTERN_NO_DATA");
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const json = capture();
    // Not a usage error (exit 1): the command is right, the data is too short.
    assert.equal(await main(["forecast", "--json", "--data", t.dir], json), 3);
    const { error } = JSON.parse(json.stdout()) as { error: { code: string; message: string; hint: string } };
    assert.equal(error.code, "LANTERN_TOO_LITTLE_DATA");
    assert.equal(error.message, "Nothing could be forecast. 202 referrals: fewer than 12 consecutive months of figures, so no forecast. 202 cla_at_end: fewer than 12 consecutive months of figures, so no forecast.");
    assert.match(error.hint, /at least 12 monthly figures in a row/);
    const text = capture();
    assert.equal(await main(["forecast", "--indicator", "referrals", "--data", t.dir], text), 3);
    assert.match(text.stderr(), /^error LANTERN_TOO_LITTLE_DATA: Nothing could be forecast\. 202 referrals: fewer than 12 consecutive months of figures, so no forecast\.\n/);
    assert.equal(text.stdout(), "");
  } finally {
    t.cleanup();
  }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

test("revisions --authority refuses an authority never loaded, with the error indicators gives, instead of saying nothing changed", async () => {
  const t = tempDir();
  try {
    assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", t.dir], capture()), 0);
    const run = async (...args: string[]) => {
      const o = capture();
      return { code: await main([...args, "--data", t.dir], o), out: o.stdout(), err: o.stderr() };
    };
    const r = await run("revisions", "--authority", "ZZZ");
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, "");
    assert.match(r.err, /^error LANTERN_BAD_OPTION: No data has been loaded for authority ZZZ\.\nWhat to do: Run `lantern snapshots` to see the authorities loaded\./);
    assert.equal((await run("indicators", "--authority", "ZZZ")).err, r.err);
    const json = await run("revisions", "--authority", "ZZZ", "--json");
    assert.equal(JSON.parse(json.out).error.code, "LANTERN_BAD_OPTION");
    const loaded = await run("revisions", "--authority", "202");
    assert.deepEqual([loaded.code, loaded.out], [0, "No figure has changed between loads.\n"]);
  } finally {
    t.cleanup();
  }
});

test("revisions lists a figure a later load adds as a new figure, and one it drops as no longer computed, with the reason", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    // Contacts in March and July make April to June 2024 complete months of data.
    files["ssd_contacts.csv"] += "\nC4,P1,2024-03-01,1A,\nC5,P1,2024-07-15,1A,";
    const load = async (path: string, ...extra: string[]) => {
      const o = capture();
      assert.equal(await main(["import", path, "--authority", "202", "--data", t.dir, ...extra], o), 0, o.stderr());
    };
    await load(writeExport(files));
    // Snapshot 2 adds two workforce measures for May; snapshot 3 is a whole set (--replace) with only one of them.
    const header = "indicator,authority,period,value,numerator,denominator";
    await load(join(writeExport({ "measures.csv": `${header}\nsw_caseload,202,2024-05,18.5,,\nsw_vacancy_rate,202,2024-05,15,6,40\n` }), "measures.csv"));
    await load(join(writeExport({ "measures.csv": `${header}\nsw_vacancy_rate,202,2024-05,15,6,40\n` }), "measures.csv"), "--replace");
    const run = async (...args: string[]) => {
      const o = capture();
      return { code: await main(["revisions", ...args, "--data", t.dir], o), out: o.stdout(), err: o.stderr() };
    };

    // Against snapshot 1, both measures are new (they used to be skipped: "No figure has changed").
    const since1 = await run("--since", "1", "--json");
    assert.equal(since1.code, 0, since1.err);
    assert.deepEqual(
      JSON.parse(since1.out).map((r: Record<string, unknown>) => [r.indicator, r.period, r.old_value, r.new_value, r.old_snapshot, r.new_snapshot, r.change, r.old_reason]),
      [["sw_vacancy_rate", "2024-05", null, 15, 1, 3, "new", "no such figure in snapshot 1"]],
    );
    const text = await run("--since", "1");
    assert.match(text.out, /\nsw_vacancy_rate\s+202\s+2024-05\s+–\s+15\.0%\s+1 → 3\s+new figure\n/);
    assert.match(text.out, /\n1 figure\(s\) amended: 1 new\.\n$/);

    // Load by load: snapshot 2 added both; snapshot 3 dropped the caseload.
    const each = await run();
    assert.match(each.out, /\nsw_caseload\s+202\s+2024-05\s+–\s+18\.5\s+1 → 2\s+new figure\n/);
    assert.match(each.out, /\nsw_caseload\s+202\s+2024-05\s+18\.5\s+–\s+2 → 3\s+no longer computed: no such figure in snapshot 3\n/);
    assert.match(each.out, /\n3 figure\(s\) amended: 2 new, 1 no longer computed\.\n$/);
  } finally {
    t.cleanup();
  }
});

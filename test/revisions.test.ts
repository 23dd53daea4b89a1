// Revisions end to end through the CLI: load, amend one referral's date, load again, and the
// figures that moved are listed with their old and new values and snapshots — nothing else.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../src/cli/main.ts";
import { smallExport, tempDir, writeExport } from "./fixtures.ts";

test("lantern revisions lists the figures an amended load changed", async () => {
  const data = tempDir();
  const quiet = { out: () => {}, err: () => {}, isTTY: false, color: false };
  try {
    const first = smallExport();
    // Contacts in March and July make April to June complete months of data.
    first["ssd_contacts.csv"] += "\nC4,P1,2024-03-01,1A,\nC5,P1,2024-07-15,1A,";
    assert.equal(await main(["import", writeExport(first), "--authority", "202", "--data", data.dir], quiet), 0);
    // R2 was received on 5 April 2024 and closed on the 20th; the corrected extract says May.
    const amended = { ...first, "ssd_cin_episodes.csv": first["ssd_cin_episodes.csv"]!.replace("R2,P2,2024-04-05,Y,2024-04-20", "R2,P2,2024-05-05,Y,2024-05-20") };
    let said = "";
    assert.equal(await main(["import", writeExport(amended), "--authority", "202", "--data", data.dir], { ...quiet, out: (t) => (said += t) }), 0);
    // The import itself says how many figures the new load amended, and how to list them.
    const n = /202: (\d+) figure\(s\) differ from snapshot 1\. List them with: lantern revisions --authority 202 --since 1\n/.exec(said)?.[1];
    assert.ok(n, said);
    let out = "";
    assert.equal(await main(["revisions", "--data", data.dir, "--json"], { ...quiet, out: (t) => (out += t) }), 0);
    const all = JSON.parse(out) as { indicator: string; period: string; old_value: number | null; new_value: number | null; old_snapshot: number; new_snapshot: number }[];
    const referrals = all.filter((r) => r.indicator === "referrals").map((r) => [r.period, r.old_value, r.new_value, r.old_snapshot, r.new_snapshot]);
    // April loses one referral and May gains it; the quarter and the year are unchanged.
    assert.deepEqual(referrals, [
      ["2024-04", 2, 1, 1, 2],
      ["2024-05", 0, 1, 1, 2],
    ]);
    assert.equal(Number(n), all.length, "the import's count is the number of revisions listed");
    let text = "";
    assert.equal(await main(["revisions", "--data", data.dir, "--since", "1", "--kind", "month"], { ...quiet, out: (t) => (text += t) }), 0);
    assert.match(text, /\nreferrals\s+202\s+2024-04\s+2\s+1\s+1 → 2\s+amended\n/);
    assert.equal(await main(["revisions", "--data", data.dir, "--since", "99"], quiet), 1);
    // Loading the amended files again (forced) amends nothing.
    let again = "";
    assert.equal(await main(["import", writeExport(amended), "--authority", "202", "--data", data.dir, "--force", "--json"], { ...quiet, out: (t) => (again += t) }), 0);
    const [same] = (JSON.parse(again) as { revisions: { compared: number }[] }).revisions;
    assert.deepEqual({ ...same, compared: undefined }, { authority: "202", snapshot: 3, previous: 2, amended: 0, compared: undefined });
    assert.ok(same!.compared > 100, "every figure of the periods both loads hold was compared");
  } finally {
    data.cleanup();
  }
});

test("loads that share no period (each year of a 903 as its own snapshot) are said to have nothing to compare, not to have changed nothing", async () => {
  const data = tempDir();
  const sample = "/work/shared/samples/ssda903_multiyear_demand_model";
  const year = (y: number) => readdirSync(sample).filter((f) => f.startsWith(`${y}-`)).map((f) => join(sample, f));
  try {
    const said: string[] = [];
    for (const y of [2019, 2020]) {
      let out = "";
      let err = "";
      const code = await main(["import", ...year(y), "--authority", "202", "--dfe-errors-as-queries", "--data", data.dir], { out: (t) => (out += t), err: (t) => (err += t), isTTY: false, color: false });
      assert.equal(code, 0, err);
      said.push(out);
    }
    assert.match(said[1]!, /\n202: this load and snapshot 1 share no period to compare \(each holds figures for other periods\), so no figure was compared\.\n/);
    assert.doesNotMatch(said[1]!, /no figure differs/);
    let text = "";
    assert.equal(await main(["revisions", "--data", data.dir], { out: (t) => (text += t), err: () => {}, isTTY: false, color: false }), 0);
    assert.equal(text, "The loads share no period to compare, so no figure was compared.\n202: snapshots 1 and 2 share no period to compare (each holds figures for other periods).\n");
    let json = "";
    assert.equal(await main(["import", ...year(2020), "--authority", "202", "--dfe-errors-as-queries", "--force", "--json", "--data", data.dir], { out: (t) => (json += t), err: () => {}, isTTY: false, color: false }), 0);
    // The same year again: every figure compared, none amended.
    const [again] = (JSON.parse(json) as { revisions: { previous: number; amended: number; compared: number }[] }).revisions;
    assert.equal(again!.previous, 2);
    assert.equal(again!.amended, 0);
    assert.ok(again!.compared > 0);
  } finally {
    data.cleanup();
  }
});

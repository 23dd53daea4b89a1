// The README's first command, end to end: `lantern demo` on an empty data folder generates the
// demo authority, loads it, computes the indicators and prints the summary; run again, it only
// shows the summary. Run as a real process, as a new user would.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { smallExport, tempDir, writeExport } from "./fixtures.ts";
import { periodsWithin } from "../src/calendar/periods.ts";
import { partYear } from "../src/cli/commands/demo.ts";
import { storedValues } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { openStore, storeConfig } from "../src/store/open.ts";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../bin/lantern.mjs", import.meta.url));

test("lantern demo generates, loads, computes and summarises; a second run reuses the store", async () => {
  const t = tempDir("lantern-demo-");
  try {
    const first = await run(process.execPath, [bin, "demo", "--data", t.dir, "--population", "8000", "--no-serve"], { maxBuffer: 1 << 24 });
    assert.match(first.stdout, /Lantern demo — data in /);
    assert.match(first.stdout, /X001: activity by financial year/);
    assert.match(first.stdout, /X001: headline indicators \(DfE definitions\)/);
    assert.match(first.stdout, /Assessments completed within 45 working days\s+\d+\.\d%/);
    assert.match(first.stderr, /Generating a demo authority/);
    const second = await run(process.execPath, [bin, "demo", "--data", t.dir, "--json", "--no-serve"], { maxBuffer: 1 << 24 });
    assert.doesNotMatch(second.stderr, /Generating/);
    const j = JSON.parse(second.stdout) as { snapshots: unknown[]; headline: { indicator: string; value: string }[]; signIns: { password: string; users: { username: string; role: string }[] } };
    assert.equal(j.snapshots.length, 1);
    // One demo sign-in per role, printed for people and in the JSON for scripts.
    assert.match(first.stdout, /Demo sign-ins for the web application \(password lantern-demo-password\): admin, analyst, manager, member\./);
    assert.deepEqual(j.signIns.users.map((u) => u.role), ["admin", "analyst", "manager", "member"]);
    assert.ok(j.headline.some((h) => h.indicator === "referrals"));
    // The activity table counts as the indicators do (short breaks are not care; a child once):
    // each whole year's figures are the stored indicators', so the two never disagree.
    const activity = (j as unknown as { activity: { year: string; part: string; referrals: number; cla_at_end: number; cla_started: number }[] }).activity;
    const ind = await run(process.execPath, [bin, "indicators", "--data", t.dir, "--indicator", "referrals", "--indicator", "cla_at_end", "--indicator", "cla_started", "--period", "2024-25", "--json"]);
    const v = new Map((JSON.parse(ind.stdout) as { indicator: string; value: number }[]).map((x) => [x.indicator, x.value]));
    const year = activity.find((a) => a.year === "2024-25")!;
    assert.equal(year.part, "whole");
    assert.deepEqual([year.referrals, year.cla_at_end, year.cla_started], [v.get("referrals"), v.get("cla_at_end"), v.get("cla_started")]);
    assert.equal(activity.at(-1)!.part, "to date", "the demo runs to September 2026");
    // A part year's count of children (such as those starting care) counts each child once, as a
    // year's does: the same count over the twelve months of 2024-25 gives the stored year's figure.
    // Children missing in several months show it, since summing their months would exceed it.
    const store = await openStore(storeConfig(t.dir, {}));
    try {
      const [target] = await resolveTargets(store);
      const months = periodsWithin("2024-04-01", "2025-03-31", ["month"]);
      for (const id of ["missing_children", "cla_started"]) {
        const stored = await storedValues(store, { snapshots: [target!.snapshot_id], indicators: [id], periods: [...months.map((m) => m.id), "2024-25"] });
        const at = new Map(stored.filter((m) => !m.breakdown).map((m) => [`${id}|${m.period}`, m.value]));
        const year = at.get(`${id}|2024-25`)!;
        if (id === "missing_children") assert.ok(months.reduce((a, m) => a + (at.get(`${id}|${m.id}`) ?? 0), 0) > year, "children go missing in more than one month");
        assert.equal(await partYear(store, target!, id, months, at), year, id);
      }
      assert.equal(await partYear(store, target!, "referrals", months, new Map(months.map((m) => [`referrals|${m.id}`, 2]))), 24, "referrals add up over months");
    } finally {
      await store.close();
    }
    // The EHC-plan comparison is with the calendar year the DfE publishes, not the financial year.
    assert.match(first.stdout, /New EHC plans issued within 20 weeks, excluding exceptions \(calendar year 2024\)/);
  } finally {
    t.cleanup();
  }
});

test("lantern demo on a store holding a council's own data makes no demo accounts (their password is published)", async () => {
  const t = tempDir("lantern-demo-live-");
  try {
    await run(process.execPath, [bin, "import", writeExport(smallExport()), "--authority", "202", "--data", t.dir]);
    const r = await run(process.execPath, [bin, "demo", "--data", t.dir, "--json", "--no-serve"], { maxBuffer: 1 << 24 });
    assert.equal((JSON.parse(r.stdout) as { signIns: unknown }).signIns, null);
    const users = await run(process.execPath, [bin, "users", "list", "--data", t.dir, "--json"]);
    assert.deepEqual((JSON.parse(users.stdout) as { users: unknown[] }).users, []);
    const text = await run(process.execPath, [bin, "demo", "--data", t.dir, "--no-serve"], { maxBuffer: 1 << 24 });
    assert.match(text.stdout, /This store holds data the demo did not load, so no demo accounts were made/);
  } finally {
    t.cleanup();
  }
});

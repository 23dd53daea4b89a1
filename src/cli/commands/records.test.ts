// `lantern records` refuses what has no records, as a usage error saying why: the denominator of
// a count (there is none) or of a rate (it is the population), and any part of a figure loaded
// from measures.csv. The engine refuses the same, for any other caller.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isLanternError } from "../../core/errors.ts";
import { indicatorRecords, type Target } from "../../kpi/engine.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import type { Store } from "../../store/port.ts";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

test("records --part denominator of a count or a rate is a usage error saying why", async () => {
  const t = tempDir();
  try {
    const cases: [string, RegExp][] = [
      ["referrals", /referrals is a count: its figure has no denominator records\./],
      ["cla_at_end", /cla_at_end is a count: its figure has no denominator records\./],
      ["cla_rate", /cla_rate is a rate per 10,000 children: its denominator is the population of children aged 0–17, not records\./],
    ];
    for (const [id, why] of cases) {
      const o = capture();
      assert.equal(await main(["records", "--indicator", id, "--period", "2024-25", "--part", "denominator", "--data", t.dir], o), 1, id);
      assert.match(o.stderr(), why);
      assert.match(o.stderr(), new RegExp(`lantern records --indicator ${id} --period 2024-25`), "the hint shows the command for the numerator");
    }
  } finally {
    t.cleanup();
  }
});

test("records for a figure loaded from measures.csv is a usage error saying it has no child records", async () => {
  const t = tempDir();
  try {
    for (const id of ["sw_caseload", "sw_vacancy_rate", "ehe_children", "cme_children"]) {
      const o = capture();
      assert.equal(await main(["records", "--indicator", id, "--period", "2024-25", "--data", t.dir], o), 1, id);
      assert.match(o.stderr(), new RegExp(`${id} is loaded as an aggregate figure \\(measures\\.csv\\): there are no child records behind it\\.`));
      assert.doesNotMatch(o.stderr(), /must join \{periods\}/);
    }
  } finally {
    t.cleanup();
  }
});

test("indicatorRecords refuses the same with a LanternError, before touching the store", async () => {
  const store = {} as Store;
  const target: Target = { la_code: "X001", snapshot_id: 1, data_from: "2024-04-01", data_to: "2025-03-31", tables: new Set() };
  const lib = indicatorLibrary();
  const refused = async (id: string, part: "numerator" | "denominator", why: RegExp) => {
    await assert.rejects(indicatorRecords(store, lib.get(id)!, target, "2024-25", part), (e: unknown) => isLanternError(e) && e.code === "LANTERN_BAD_OPTION" && why.test(e.message) && !!e.hint);
  };
  await refused("sw_caseload", "numerator", /loaded as an aggregate figure \(measures\.csv\): there are no child records behind it/);
  await refused("referrals", "denominator", /is a count: its figure has no denominator records/);
  await refused("cla_rate", "denominator", /is a rate per 10,000 children: its denominator is the population of children aged 0–17, not records/);
});

test("records refuses a period it has no figure for (outside the data, or a kind the indicator lacks), and audits no view", async () => {
  const t = tempDir();
  try {
    // The small export, with a contact on 1 March and an assessment authorised in April: the data covers March and April 2024.
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    files["ssd_cin_assessments.csv"] += "\nA2,P2,R2,2024-04-06,2024-04-18";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const views = async () => {
      const a = capture();
      assert.equal(await main(["audit", "--action", "records.view", "--json", "--data", t.dir], a), 0);
      return (JSON.parse(a.stdout()) as { total: number }).total;
    };
    const refused: [string[], RegExp][] = [
      [["--indicator", "referrals", "--period", "2030-01"], /covers 2024-03-01 to 2024-04-30, which does not include all of January 2030/],
      [["--indicator", "referrals", "--period", "2024-02"], /covers 2024-03-01 to 2024-04-30, which does not include all of February 2024/],
      [["--indicator", "referrals", "--period", "2024"], /^2024 is a calendar year, and referrals has no figures for calendar years: it is computed for months, financial quarters, financial years and rolling twelve-month periods\.$/],
      [["--indicator", "cla_at_end", "--period", "2024-04"], /^cla_at_end cannot be listed for 202: snapshot 1 does not hold ssd_cla_episodes, ssd_legal_status, ssd_cla_placement, which it is computed from\.$/],
    ];
    for (const [args, why] of refused) {
      const o = capture();
      assert.equal(await main(["records", ...args, "--json", "--data", t.dir], o), 1, args.join(" "));
      const { error } = JSON.parse(o.stdout()) as { error: { code: string; message: string; hint: string } };
      assert.equal(error.code, "LANTERN_BAD_OPTION");
      assert.match(error.message, why);
      assert.ok(error.hint);
    }
    const cal = capture();
    assert.equal(await main(["records", "--indicator", "referrals", "--period", "2024", "--data", t.dir], cal), 1);
    assert.match(cal.stderr(), /Indicators with figures for calendar years: ehcp_requests/);
    assert.equal(await views(), 0, "a view that did not happen is not audited");
    // A period it covers lists the records and is audited.
    const ok = capture();
    assert.equal(await main(["records", "--indicator", "referrals", "--period", "2024-04", "--json", "--data", t.dir], ok), 0, ok.stderr());
    assert.deepEqual((JSON.parse(ok.stdout()) as { record_id: string }[]).map((r) => r.record_id), ["R1", "R2"]);
    assert.equal(await views(), 1);
  } finally {
    t.cleanup();
  }
});

test("records of a median in days lists the records it is taken over (the denominator), and refuses --part numerator", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    // Authorised in April: A2 within 45 working days, A3 well over. The median is over both.
    files["ssd_cin_assessments.csv"] += "\nA2,P2,R2,2024-04-06,2024-04-18\nA3,P1,R1,2024-01-15,2024-04-30";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const o = capture();
    assert.equal(await main(["records", "--indicator", "assess_median_wd", "--period", "2024-04", "--json", "--data", t.dir], o), 0, o.stderr());
    assert.deepEqual((JSON.parse(o.stdout()) as { record_id: string }[]).map((r) => r.record_id).sort(), ["A2", "A3"]);
    const num = capture();
    assert.equal(await main(["records", "--indicator", "assess_median_wd", "--period", "2024-04", "--part", "numerator", "--data", t.dir], num), 1);
    assert.match(num.stderr(), /assess_median_wd is a median in days, taken over every record in its denominator: it has no numerator\./);
    assert.match(num.stderr(), /lantern records --indicator assess_median_wd --period 2024-04 --part denominator/);
    // A percentage keeps the numerator as its default.
    const pct = capture();
    assert.equal(await main(["records", "--indicator", "assess_45wd_pct", "--period", "2024-04", "--json", "--data", t.dir], pct), 0, pct.stderr());
    assert.deepEqual((JSON.parse(pct.stdout()) as { record_id: string }[]).map((r) => r.record_id), ["A2"]);
  } finally {
    t.cleanup();
  }
});

// `lantern records` refuses what has no records, as a usage error saying why: the denominator of
// a count (there is none) or of a rate (it is the population), and any part of a figure loaded
// from measures.csv. The engine refuses the same, for any other caller.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isLanternError } from "../../core/errors.ts";
import { indicatorRecords, type Target } from "../../kpi/engine.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import type { Store } from "../../store/port.ts";
import { capture, tempDir } from "../../../test/fixtures.ts";
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

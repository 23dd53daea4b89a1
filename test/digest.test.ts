// The early-warning digest on synthetic authorities: a +30% step change in demand is found within
// a few months of it; the same authority without the step shows nothing alarming. A quarter or a
// year reports what its months' own digests found; the first month of data is not judged at all.
import assert from "node:assert/strict";
import { test } from "node:test";
import { digestFor } from "../src/analysis/digest-data.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { generateToDirectory } from "../src/generate/index.ts";
import { tempDir, tempStore } from "./fixtures.ts";

async function authority(shocks: { month: string; factor: number }[]) {
  const out = tempDir();
  const s = await tempStore();
  await generateToDirectory({ out: out.dir, seed: 11, population: 60000, from: "2021-04", to: "2025-03", authorities: 1, shocks });
  await importSsd(s.store, { paths: [out.dir] });
  await computeAndStore(s.store, { dataDir: s.dataDir });
  const [target] = await resolveTargets(s.store);
  return {
    ...s,
    target: target!,
    cleanup: async () => {
      await s.cleanup();
      out.cleanup();
    },
  };
}

test("a step change in referrals is flagged within a few months; none without it", async () => {
  const shocked = await authority([{ month: "2024-10", factor: 1.3 }]);
  try {
    const months = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02"];
    const found: string[] = [];
    for (const m of months) {
      const d = await digestFor(shocked.store, shocked.target, m, shocked.dataDir);
      const demand = d.groups.find((g) => g.id === "demand")!;
      if (demand.signals.some((s) => s.indicator === "referrals" && s.label === "special cause neutral high")) found.push(m);
    }
    assert.ok(found.length > 0, "the step change was found within five months");
    const d = await digestFor(shocked.store, shocked.target, "2025-01", shocked.dataDir);
    assert.equal(d.flow[1]!.stage, "Referrals");
    assert.ok((d.flow[1]!.value ?? 0) > 300);
    // The financial year, its third quarter and the rolling year to February name exactly the months
    // whose own digest flagged referrals (it used to run no SPC for them and say nothing unusual).
    const flagged: string[] = [];
    for (const m of ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", ...months, "2025-03"]) {
      const month = await digestFor(shocked.store, shocked.target, m, shocked.dataDir);
      if (month.groups.some((g) => g.signals.some((s) => s.indicator === "referrals" && s.kind === "spc"))) flagged.push(m);
    }
    assert.ok(flagged.length > 0);
    for (const [p, within] of [
      ["2024-25", (m: string) => m >= "2024-04"],
      ["2024-25-Q3", (m: string) => m >= "2024-10" && m <= "2024-12"],
      ["12m-2025-02", (m: string) => m >= "2024-03" && m <= "2025-02"],
    ] as const) {
      const longer = await digestFor(shocked.store, shocked.target, p, shocked.dataDir);
      const s = longer.groups.find((g) => g.id === "demand")!.signals.find((x) => x.indicator === "referrals" && x.kind === "spc");
      const expected = flagged.filter(within);
      assert.deepEqual(s?.months ?? [], expected, p);
      if (expected.length) assert.match(s!.text, /^Referrals \(monthly SPC\): /, p);
    }
  } finally {
    await shocked.cleanup();
  }
  const calm = await authority([]);
  try {
    for (const m of ["2024-11", "2025-01", "2025-03"]) {
      const d = await digestFor(calm.store, calm.target, m, calm.dataDir);
      assert.equal(d.alarming, 0, `nothing alarming in ${m}`);
      assert.ok(!d.groups.some((g) => g.signals.some((s) => s.indicator === "referrals" && s.label.endsWith("high"))), `no referral surge in ${m}`);
    }
    // The first month of data: nothing could be judged, and the digest says so rather than giving an all-clear.
    const first = await digestFor(calm.store, calm.target, "2021-04", calm.dataDir);
    const demand = first.groups.find((g) => g.id === "demand")!;
    assert.deepEqual(demand.judged, []);
    assert.ok(demand.notJudged.some((n) => n.indicator === "referrals" && n.reason === "few_months"));
    assert.ok(first.groups.every((g) => g.judged.length === 0));
    // A calendar year has no flow figures: refused, pointing at the rolling year with the same months.
    await assert.rejects(digestFor(calm.store, calm.target, "2024", calm.dataDir), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, "LANTERN_BAD_OPTION");
      assert.match(e.message, /not given for a calendar year/);
      assert.match(String(e.hint), /12m-2024-12/);
      return true;
    });
  } finally {
    await calm.cleanup();
  }
});

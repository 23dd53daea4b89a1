// The early-warning digest on synthetic authorities: a +30% step change in demand is found within
// a few months of it; the same authority without the step shows nothing alarming.
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
  } finally {
    await calm.cleanup();
  }
});

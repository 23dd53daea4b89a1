// Forecasts on a synthetic authority: the history is the stored monthly figures, the forecast
// months follow the last of them, the back-test is scored on real held-out months, and the CLI
// prints the same in JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forecastFor } from "../src/analysis/forecast-data.ts";
import { main } from "../src/cli/main.ts";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore, storedValues } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { tempDir, tempStore } from "./fixtures.ts";

test("referrals and children in care forecast from the stored monthly figures, with a back-test", async () => {
  const out = tempDir();
  const s = await tempStore();
  try {
    await generateToDirectory({ out: out.dir, seed: 5, population: 40000, from: "2021-04", to: "2025-03", authorities: 1, shocks: [] });
    await importSsd(s.store, { paths: [out.dir] });
    await computeAndStore(s.store, { dataDir: s.dataDir, indicators: ["referrals", "cla_at_end"] });
    const [t] = await resolveTargets(s.store);
    const f = await forecastFor(s.store, t!, "referrals", 12);
    assert.ok(f);
    assert.equal(f.history.at(-1)!.period, "2025-03");
    assert.deepEqual(
      f.forecast.map((p) => p.period),
      ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"],
    );
    const stored = await storedValues(s.store, { snapshots: [t!.snapshot_id], indicators: ["referrals"], periods: ["2024-11"] });
    assert.equal(f.history.find((h) => h.period === "2024-11")!.value, stored[0]!.value);
    assert.ok(f.backtest, "four years of history allow a back-test");
    assert.ok(f.backtest.mape < 25, `referrals back-test error ${f.backtest.mape.toFixed(1)}%`);
    const cla = await forecastFor(s.store, t!, "cla_at_end", 12);
    assert.ok(cla && cla.forecast[0]!.lo95 <= cla.forecast[0]!.mean && cla.forecast[0]!.mean <= cla.forecast[0]!.hi95);
    // Children in care move slowly: next month's forecast is near this month's figure.
    const last = cla.history.at(-1)!.value;
    assert.ok(Math.abs(cla.forecast[0]!.mean - last) / last < 0.1);
  } finally {
    await s.store.close();
  }
  try {
    let stdout = "";
    const code = await main(["forecast", "--data", s.dataDir, "--json", "--months", "6"], { out: (x) => (stdout += x), err: () => {}, isTTY: false, color: false });
    assert.equal(code, 0);
    const json = JSON.parse(stdout) as { indicator: string; forecast: { period: string }[] }[];
    assert.deepEqual(json.map((j) => j.indicator), ["referrals", "cla_at_end"]);
    assert.equal(json[0]!.forecast.length, 6);
    assert.equal(await main(["forecast", "--data", s.dataDir, "--indicator", "referral_rate"], { out: () => {}, err: () => {}, isTTY: false, color: false }), 1);
  } finally {
    await s.cleanup();
    out.cleanup();
  }
});

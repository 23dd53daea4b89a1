// The KPI engine on a synthetic authority: a generated 2024-25, loaded through the ordinary
// import and computed by the indicator library, lands near England's published figures — the
// same figures and tolerances the generator is calibrated to (src/generate/calibration.test.ts),
// but reached through Lantern's own definitions rather than the generator's check SQL.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ENGLAND_2024_25 } from "../src/generate/headline-figures.ts";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore, storedValues } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { tempDir, tempStore } from "./fixtures.ts";

/** Lantern indicator → [England figure's name, tolerance, kind] (rel: ± fraction; pts: ± points). */
const HEADLINES: Record<string, readonly [string, number, "rel" | "pts"]> = {
  referral_rate: ["referral_rate", 0.1, "rel"],
  rereferral_pct: ["rereferral_pct", 3, "pts"],
  referral_nfa_pct: ["nfa_pct", 2, "pts"],
  assess_45wd_pct: ["assess_45wd_pct", 3, "pts"],
  assess_median_wd: ["assess_median_wd", 3, "pts"],
  s47_rate: ["s47_rate", 0.12, "rel"],
  icpc_rate: ["icpc_rate", 0.15, "rel"],
  icpc_15wd_pct: ["icpc_15wd_pct", 6, "pts"],
  cin_rate: ["cin_rate", 0.12, "rel"],
  cpp_rate: ["cpp_rate", 0.2, "rel"],
  cpp_second_pct: ["cpp_second_pct", 7, "pts"],
  cla_rate: ["cla_rate", 0.15, "rel"],
  cla_start_rate: ["cla_start_rate", 0.25, "rel"],
  cla_3plus_placements_pct: ["cla_3plus_placements_pct", 5, "pts"],
  cla_longterm_stability_pct: ["cla_longterm_stability_pct", 12, "pts"],
  cla_missing_pct: ["cla_missing_pct", 5, "pts"],
  cl_suitable_acc_pct: ["cl_suitable_acc_pct", 8, "pts"],
  cl_eet_pct: ["cl_eet_pct", 12, "pts"],
};

test("on a synthetic authority the headline indicators land near England's 2024-25 figures", async () => {
  const out = tempDir();
  const s = await tempStore();
  try {
    await generateToDirectory({ out: out.dir, seed: 1, population: 60000, from: "2019-04", to: "2025-03", authorities: 1, shocks: [] });
    await importSsd(s.store, { paths: [out.dir] });
    await computeAndStore(s.store, { dataDir: s.dataDir, indicators: Object.keys(HEADLINES) });
    const [t] = await resolveTargets(s.store);
    const values = await storedValues(s.store, { snapshots: [t!.snapshot_id], periods: ["2024-25"] });
    const misses: string[] = [];
    for (const [id, [england, tol, kind]] of Object.entries(HEADLINES)) {
      const v = values.find((x) => x.indicator === id)?.value;
      const eng = ENGLAND_2024_25[england]!;
      const ok = typeof v === "number" && (kind === "rel" ? Math.abs(v - eng) <= tol * eng : Math.abs(v - eng) <= tol);
      if (!ok) misses.push(`${id} ${v ?? "no value"} vs England ${eng} (±${kind === "rel" ? `${tol * 100}%` : tol})`);
    }
    assert.deepEqual(misses, []);

    // Each declared denominatorOf holds on these records: the denominator is the other's figure,
    // in every period and in every category of a breakdown both have (suppression relies on it).
    const { indicatorLibrary } = await import("../src/kpi/library/index.ts");
    const lib = indicatorLibrary();
    const linked = lib.list().filter((d) => d.denominatorOf);
    assert.ok(linked.length >= 10);
    const ids = [...new Set(linked.flatMap((d) => [d.id, d.denominatorOf!]))];
    await computeAndStore(s.store, { dataDir: s.dataDir, indicators: ids });
    const figure = (v: { value: number | null; numerator: number | null; indicator: string }) => (lib.get(v.indicator)!.unit === "count" ? v.value : v.numerator);
    for (const breakdown of ["", "age_band", "sex"]) {
      const all = await storedValues(s.store, { snapshots: [t!.snapshot_id], indicators: ids, ...(breakdown ? { breakdown } : {}) });
      const at = new Map(all.map((v) => [`${v.indicator}|${v.period}|${v.category ?? ""}`, v]));
      let compared = 0;
      for (const d of linked) {
        for (const v of all.filter((x) => x.indicator === d.id && x.denominator !== null)) {
          const of = at.get(`${d.denominatorOf}|${v.period}|${v.category ?? ""}`);
          if (!of || figure(of) === null) continue;
          compared++;
          assert.equal(v.denominator, figure(of), `${d.id}'s denominator is ${d.denominatorOf}'s figure, ${v.period} ${breakdown} ${v.category ?? ""}`);
        }
      }
      assert.ok(compared > 100, `${breakdown || "headline"}: ${compared} compared`);
    }
  } finally {
    await s.cleanup();
    out.cleanup();
  }
});

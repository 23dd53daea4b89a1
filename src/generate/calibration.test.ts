// A generated 2024-25 sits near England's figures. The figures are computed by DuckDB SQL over the
// written CSV files (headline-figures.ts), sharing nothing with the generator's internals.
//
// Tolerances are stated per figure below. They were set from the spread over seeds 1–12 of one
// 60,000-child authority (each figure's worst seed is inside its tolerance with margin); the
// small-number figures (care leavers ≈ 50 young people, long-term stability ≈ 100 children,
// 3+ placements ≈ 400 children) get wider bands because a real authority of this size varies as much.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ENGLAND_2024_25, headlineFigures } from "./headline-figures.ts";
import { generateToDirectory } from "./index.ts";

/** [figure, tolerance, kind]: `rel` = within ± that fraction of England's value, `pts` = ± percentage points (or units). */
export const TOLERANCES: readonly (readonly [string, number, "rel" | "pts"])[] = [
  ["referral_rate", 0.1, "rel"],
  ["rereferral_pct", 3, "pts"],
  ["nfa_pct", 2, "pts"],
  ["assess_45wd_pct", 3, "pts"],
  ["assess_median_wd", 3, "pts"],
  ["s47_rate", 0.12, "rel"],
  ["icpc_rate", 0.15, "rel"],
  ["icpc_15wd_pct", 6, "pts"],
  ["cin_rate", 0.12, "rel"],
  ["cpp_rate", 0.2, "rel"],
  ["cpp_start_rate", 0.2, "rel"],
  ["cpp_second_pct", 7, "pts"],
  ["cla_rate", 0.15, "rel"],
  ["cla_start_rate", 0.25, "rel"],
  ["cla_3plus_placements_pct", 5, "pts"],
  ["cla_longterm_stability_pct", 12, "pts"],
  ["cla_missing_pct", 5, "pts"],
  ["cl_suitable_acc_pct", 8, "pts"],
  ["cl_eet_pct", 12, "pts"],
  ["ehcp_20wk_excl_pct", 8, "pts"],
  ["contacts_per_referral", 0.5, "pts"],
];

for (const seed of [1, 2]) {
  test(`a generated 2024-25 is near England's figures (seed ${seed}, 60,000 children, 2019-04..2025-03)`, async () => {
    const out = mkdtempSync(join(tmpdir(), "lantern-gen-cal-"));
    try {
      await generateToDirectory({ out, seed, population: 60000, from: "2019-04", to: "2025-03", authorities: 1, shocks: [] });
      // The DfE's denominator for 2024-25 is the mid-2024 estimate.
      const popLine = readFileSync(join(out, "population.csv"), "utf8").split("\n").find((l) => l.startsWith("X001,2024,"));
      assert.ok(popLine, "population.csv has mid-2024");
      const f = await headlineFigures(join(out, "X001"), 2024, Number(popLine.split(",")[2]));
      const misses: string[] = [];
      for (const [id, tol, kind] of TOLERANCES) {
        const v = f[id]!;
        const eng = ENGLAND_2024_25[id]!;
        const ok = Number.isFinite(v) && (kind === "rel" ? Math.abs(v - eng) <= tol * eng : Math.abs(v - eng) <= tol);
        if (!ok) misses.push(`${id} ${v.toFixed(1)} vs England ${eng} (±${kind === "rel" ? `${tol * 100}%` : tol})`);
      }
      assert.deepEqual(misses, []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

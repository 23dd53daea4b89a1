/**
 * @module
 * The set-up every indicator test shares: a hand-built export imported into a fresh store, the
 * calendar built, the one authority's snapshot resolved; and reading back an indicator's values
 * (by period) or one breakdown (by category).
 */

import { loadBankHolidays } from "../src/calendar/working-days.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeIndicator, type Target } from "../src/kpi/engine.ts";
import { indicatorLibrary } from "../src/kpi/library/index.ts";
import { ensureReferenceTables } from "../src/kpi/reference-tables.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import type { IndicatorValue } from "../src/kpi/types.ts";
import type { Store } from "../src/store/port.ts";
import { type StoreKind, tempStore, testStoreKind, writeExport } from "./fixtures.ts";

/** Import `files` as authority 202 into a new store (of the run's kind by default), ready for computing. */
export async function indicatorFixture(files: Record<string, string>, kind: StoreKind = testStoreKind()): Promise<{ store: Store; target: Target; cleanup: () => Promise<void> }> {
  const s = await tempStore(kind);
  await importSsd(s.store, { paths: [writeExport(files)], authority: "202" });
  await ensureReferenceTables(s.store, loadBankHolidays());
  const [target] = (await resolveTargets(s.store)) as [Target];
  return { store: s.store, target, cleanup: s.cleanup };
}

/** An indicator's totals by period. */
export async function valuesOf(store: Store, target: Target, id: string): Promise<Map<string, IndicatorValue>> {
  const vs = await computeIndicator(store, indicatorLibrary().get(id)!, [target]);
  return new Map(vs.filter((v) => !v.breakdown).map((v) => [v.period, v]));
}

/** One breakdown of an indicator in one period, by category. */
export async function breakdownOf(store: Store, target: Target, id: string, dim: string, period: string): Promise<Record<string, number | null>> {
  const vs = await computeIndicator(store, indicatorLibrary().get(id)!, [target], { periodIds: [period] });
  return Object.fromEntries(vs.filter((v) => v.breakdown === dim).map((v) => [v.category!, v.value]));
}

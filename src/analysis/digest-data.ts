/**
 * @module
 * Gathering what the digest needs from the store: the authority's stored values for the months
 * the SPC looks back over plus the period and its comparators, its targets and annotations.
 * A quarter, year or rolling year is judged month by month; a calendar year is refused, since
 * the flow from contacts to care is counted in financial periods and rolling years only.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { notAPeriod, type Period, parsePeriod } from "../calendar/periods.ts";
import { LanternError } from "../core/errors.ts";
import { storedValues } from "../kpi/compute.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { Target as Snapshot } from "../kpi/engine.ts";
import type { IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";
import { authorityRecord } from "../store/authorities.ts";
import { listAnnotations } from "./annotations.ts";
import { benchmarkData } from "./benchmark-data.ts";
import { benchmarkPeriodIds, type MovementOptions } from "./benchmark-movement.ts";
import { buildDigest, type Digest, digestPeriodIds } from "./digest.ts";
import { parseTargets, type Target } from "./rag.ts";

/** Targets in DATA/targets.csv, if any; a bad file is refused with its rows. */
export function targetsIn(dataDir: string): Target[] {
  const path = join(dataDir, "targets.csv");
  if (!existsSync(path)) return [];
  const { targets, issues } = parseTargets(readFileSync(path, "utf8"), "targets.csv", (id) => indicatorLibrary().get(id) !== undefined, (id) => indicatorLibrary().get(id));
  if (issues.length) throw new LanternError("LANTERN_DATA_REJECTED", `The targets in ${path} have ${issues.length} problem(s).`, { issues });
  return targets;
}

/**
 * The period a digest is for, or the reason it cannot be given: a calendar year has no flow
 * figures (every stage would read "not available"), and its twelve months are the rolling year
 * to December, which the digest does give.
 */
export function digestPeriod(periodId: string, option = "--period"): Period {
  const period = parsePeriod(periodId);
  if (!period) throw new LanternError("LANTERN_BAD_OPTION", notAPeriod(`${option} ${periodId}`, periodId), { hint: "Write 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  if (period.kind === "calendar") {
    throw new LanternError("LANTERN_BAD_OPTION", `The digest is not given for a calendar year (${option} ${periodId}): the flow from contacts to care and most indicators are counted for months, financial quarters and years, and rolling years.`, {
      hint: `For January to December ${periodId}, use ${option} 12m-${periodId}-12 (the 12 months to December ${periodId}).`,
    });
  }
  return period;
}

/**
 * The stored values a digest of `period` reads (each month its SPC looks back over, the period and
 * its comparators, and the years its benchmark movements compare), and how to benchmark the
 * authority (the real one it is compared like, if any).
 */
export async function digestValues(store: Store, target: Snapshot, period: Period, indicators: readonly IndicatorDef[]): Promise<{ values: IndicatorValue[]; benchmark: MovementOptions }> {
  const data = benchmarkData();
  const a = await authorityRecord(store, target.la_code);
  const periods = [...new Set([...digestPeriodIds(period, { spcForEachMonth: true }), ...benchmarkPeriodIds(period, indicators, data)])];
  const values = await storedValues(store, { snapshots: [target.snapshot_id], periods });
  return { values, benchmark: { data, ...(a.like_code ? { like: a.like_code } : {}) } };
}

/** The digest of one authority's snapshot for a period; a longer period is judged month by month. */
export async function digestFor(store: Store, target: Snapshot, periodId: string, dataDir: string): Promise<Digest> {
  const period = digestPeriod(periodId);
  const indicators = indicatorLibrary().list();
  const { values, benchmark } = await digestValues(store, target, period, indicators);
  return buildDigest({
    benchmark,
    authority: target.la_code,
    period: period.id,
    indicators,
    values,
    targets: targetsIn(dataDir),
    annotations: await listAnnotations(store, target.la_code),
    spcForEachMonth: true,
  });
}
